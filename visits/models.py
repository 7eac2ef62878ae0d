"""An appointment: who comes when, to whom, for how long. Not a scheduler: clinics keep theirs
and import from it (visits/imports.py); this is what the front desk's day and the therapist's
list are built from, and what a screening is attached to."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import ClinicRecord

MAX_DURATION_MINUTES = 8 * 60


class Appointment(ClinicRecord):
    class Source(models.TextChoices):
        MANUAL = "manual", "Entered here"
        ICAL = "ical", "iCalendar import"
        CSV = "csv", "CSV import"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="appointments"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    # The scheduler's id for it (iCal UID, with RECURRENCE-ID for one occurrence; the CSV's id
    # column): what makes a second import of the same file change nothing.
    external_uid = models.CharField(max_length=255, blank=True)
    # The intake for this visit (the link sent for it, or the one submitted on the day) and
    # its first screening; a re-screening after a clearance is found through the intake.
    intake = models.ForeignKey(
        "intake.Intake", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    screening = models.ForeignKey(
        "review.Screening", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["clinic", "starts_at"], name="appointment_clinic_day"),
            models.Index(fields=["therapist", "starts_at"], name="appointment_therapist_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1)
                & models.Q(duration_minutes__lte=MAX_DURATION_MINUTES),
                name="appointment_duration_positive",
            ),
            models.CheckConstraint(
                condition=(models.Q(source="manual") & models.Q(external_uid=""))
                | (~models.Q(source="manual") & ~models.Q(external_uid="")),
                name="appointment_imported_has_uid",
            ),
            models.UniqueConstraint(
                fields=["clinic", "source", "external_uid"],
                condition=~models.Q(external_uid=""),
                name="appointment_uid_once_per_clinic",
            ),
        ]

    def __str__(self) -> str:
        return f"appointment {self.public_id}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None
