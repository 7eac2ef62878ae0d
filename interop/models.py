import uuid

from django.conf import settings
from django.db import models

from accounts.models import ClinicRecord


class ApiToken(ClinicRecord):
    """A clinic's key to the FHIR API and the CDS Hooks service. Only its SHA-256 is kept (the
    secret is shown once, when issued); it expires, and a revocation is final."""

    class Scope(models.TextChoices):
        READ = "read", "Read records and screen (FHIR API, CDS Hooks cards)"
        FEEDBACK = "read+feedback", "Read, and record CDS Hooks feedback as referral decisions"

    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=12
    )  # the first characters, so an owner can tell tokens apart
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.READ)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | models.Q(revoked_by__isnull=False),
                name="apitoken_revocation_names_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class CdsCard(models.Model):
    """A card the CDS Hooks service returned, so its feedback can be traced to the finding and
    the stored screening it came from (None: the answers came only in the request's prefetch)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="+")
    screening = models.ForeignKey(
        "review.Screening", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hook_instance = models.CharField(max_length=100)
    rule_id = models.CharField(max_length=64)
    decision = models.CharField(max_length=24)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.rule_id} card {self.uuid}"
