"""A link that lets a client fill in the intake on their own phone before the visit.

The database never holds a working link: it keeps a random nonce and the SHA-256 of the
token; the token itself is an HMAC of the nonce under SECRET_KEY (previsit/tokens.py), so the
worker re-derives it when it sends the message and a copy of the database alone opens nothing.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import ClinicRecord

MAX_FAILED_CHECKS = 5


class PrevisitLink(ClinicRecord):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "SMS"
        BOTH = "both", "Email and SMS"

    class Closed(models.TextChoices):
        # Why a link no longer opens; each has its own page for the client.
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        REPLACED = "replaced", "Replaced by a newer link"
        LOCKED = "locked", "Locked after too many wrong answers"
        USED = "used", "Already completed"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="previsit_links"
    )
    intake = models.ForeignKey("intake.Intake", on_delete=models.PROTECT, related_name="+")
    nonce = models.CharField(max_length=64, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    language = models.CharField(max_length=8, default="en")
    visit_at = models.DateTimeField()
    identity = models.CharField(max_length=8, default="dob_code")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=8, blank=True)
    failed_checks = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    # The one-time code: the n-th code of this link (0 = none sent yet) and when it was sent.
    code_counter = models.PositiveSmallIntegerField(default=0)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Where the client stopped, so a return (on any device) opens there.
    last_section = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(failed_checks__lte=MAX_FAILED_CHECKS),
                name="previsit_failed_checks_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="previsit_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"previsit link {self.public_id}"

    def closed(self, now=None) -> str | None:
        """Why this link no longer opens (a Closed value), or None while it works."""
        now = now or timezone.now()
        if self.completed_at is not None:
            return self.Closed.USED
        if self.revoked_at is not None:
            return self.revoked_reason or self.Closed.REVOKED
        if self.locked_at is not None:
            return self.Closed.LOCKED
        if now >= self.expires_at:
            return self.Closed.EXPIRED
        return None

    @property
    def channels(self) -> list[str]:
        if self.channel == self.Channel.BOTH:
            return [self.Channel.EMAIL, self.Channel.SMS]
        return [self.channel]


class Delivery(models.Model):
    """One message to send (the link, a code, a reminder) by one channel; the worker sends it."""

    class Kind(models.TextChoices):
        LINK = "link", "Link"
        CODE = "code", "One-time code"
        REMINDER = "reminder", "Reminder"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RETRYING = "retrying", "Retrying"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    link = models.ForeignKey(PrevisitLink, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=PrevisitLink.Channel.choices[:2])
    # For a code: which code of the link this message carries.
    code_counter = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The kind of failure only (an exception class, an HTTP status): never the message.
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.channel}: {self.status}"
