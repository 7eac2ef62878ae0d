"""A clinic's enrolled tablet and the intake front desk send to it.

The database never holds a working credential: a tablet's cookie carries a 256-bit secret and
only its SHA-256 is stored (as with previsit's link tokens), so a copy of this table opens no
tablet. The enrolment code, typed once on the tablet, is likewise kept only as a hash and
works for ENROL_CODE_MINUTES, once.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import ClinicRecord

ENROL_CODE_MINUTES = 15


class Tablet(ClinicRecord):
    name = models.CharField(max_length=60)
    # SHA-256 of the device secret in the tablet's cookie; NULL until enrolled and once revoked.
    credential_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # SHA-256 of the one-time enrolment code; NULL once used or revoked.
    enrol_code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    enrol_code_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The owner who issued the code the tablet was enrolled with.
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    enrolled_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    # Set by tablets.selectors.clinic_tablets: the open assignment, if any (not a column).
    open: "Assignment | None"

    class Meta:
        ordering = ["name", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="tablets_one_name_per_clinic",
            ),
            # A revoked tablet holds no credential and no code: revoking is immediate.
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True)
                | models.Q(credential_hash__isnull=True, enrol_code_hash__isnull=True),
                name="tablets_revoked_holds_nothing",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_enrolled(self) -> bool:
        return self.credential_hash is not None


class Assignment(ClinicRecord):
    """One intake sent to one tablet, from sending until it is closed (one open per tablet)."""

    class Closed(models.TextChoices):
        COMPLETED = "completed", "Sent by the client"
        CANCELLED = "cancelled", "Taken back by staff"
        ENDED = "ended", "Session ended on the tablet"
        REVOKED = "revoked", "Tablet revoked"

    tablet = models.ForeignKey(Tablet, on_delete=models.PROTECT, related_name="assignments")
    intake = models.ForeignKey("intake.Intake", on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=12, choices=Closed.choices, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tablet"],
                condition=models.Q(closed_at__isnull=True),
                name="tablets_one_open_assignment_per_tablet",
            ),
            models.UniqueConstraint(
                fields=["intake"],
                condition=models.Q(closed_at__isnull=True),
                name="tablets_one_open_assignment_per_intake",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, closed_reason="")
                | (models.Q(closed_at__isnull=False) & ~models.Q(closed_reason="")),
                name="tablets_closed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"assignment {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
