import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from audit.history import tracked_history


class ClientQuerySet(models.QuerySet):
    def for_clinic(self, clinic_id):
        return self.filter(clinic_id=clinic_id)

    def active(self):
        return self.filter(archived_at__isnull=True)


class Client(models.Model):
    """The record a clinic keeps about a person it treats. Archived, never deleted."""

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Español"

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="clients")
    # Used in URLs instead of the row id: it says nothing and cannot be enumerated.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    legal_name = models.CharField("legal name", max_length=200)
    preferred_name = models.CharField("preferred name", max_length=100, blank=True)
    date_of_birth = models.DateField("date of birth")
    phone = models.CharField(max_length=32)
    email = models.EmailField(blank=True)
    # Bounded in the database too: a postal address, not a document.
    address = models.CharField(max_length=500, blank=True)
    preferred_language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.ENGLISH
    )

    emergency_contact_name = models.CharField("emergency contact", max_length=200, blank=True)
    emergency_contact_relationship = models.CharField("relationship", max_length=100, blank=True)
    emergency_contact_phone = models.CharField("emergency contact phone", max_length=32, blank=True)

    # Referral letters are addressed here.
    physician_name = models.CharField("primary physician", max_length=200, blank=True)
    physician_practice = models.CharField("practice", max_length=200, blank=True)
    physician_phone = models.CharField("physician phone", max_length=32, blank=True)
    physician_fax = models.CharField("physician fax", max_length=32, blank=True)
    physician_email = models.EmailField("physician email", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Optimistic locking: every saved edit adds one; an edit made from an older version is
    # refused (clients.services.update_client), so two people editing never lose a change.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ClientQuerySet.as_manager()
    history = tracked_history()

    class Meta:
        ordering = ["legal_name", "date_of_birth"]
        indexes = [
            models.Index(Lower("legal_name"), "clinic", name="client_clinic_name_idx"),
            models.Index(fields=["clinic", "date_of_birth"], name="client_clinic_dob_idx"),
            models.Index(fields=["clinic", "phone"], name="client_clinic_phone_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(legal_name=""), name="client_legal_name_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="client_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.legal_name:
            return f"{self.legal_name} ({self.preferred_name})"
        return self.legal_name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
