from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ClinicRecord
from audit.history import tracked_history


class ConsentText(models.Model):
    """The consent wording a client reads before signing. Never edited: new wording is a new
    version, so a signed intake always points at exactly the text that was shown."""

    version = models.CharField(max_length=20)
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=200)
    text = models.TextField()
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="consent_version_lang")
        ]

    def __str__(self) -> str:
        return f"Consent {self.version} ({self.language})"


class Intake(ClinicRecord):
    """One health-history intake a client filled in before a session.

    A draft collects answers as the client goes; once submitted and signed it never changes:
    a correction is a new intake whose `previous` points at this one.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        FULL = "full", "Full health history"
        UPDATE = "update", "Update since last visit"

    class SignatureMethod(models.TextChoices):
        DRAWN = "drawn", "Drawn with a finger"
        TYPED = "typed", "Typed name"

    class GuardianRelationship(models.TextChoices):
        PARENT = "parent", _("Parent")
        LEGAL_GUARDIAN = "legal_guardian", _("Legal guardian")
        OTHER = "other", _("Other adult with legal responsibility")

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="intakes")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FULL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(max_length=8, default="en")
    # The catalogue version the answers were given against (answers are keyed by its ids).
    catalogue_version = models.CharField(max_length=40)
    answers = models.JSONField(default=dict, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    # The tablet's only key to this intake: random, held in the kiosk session, rotated at every
    # hand-over and cleared at submission. Never the client's name or the public id.
    kiosk_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Sent with the submit form; a second tap re-sends the same token and finds it used.
    submission_token = models.UUIDField(null=True, blank=True, unique=True)
    # For updates: the client said nothing changed, so the carried-over sections were skipped.
    unchanged_since_previous = models.BooleanField(null=True, blank=True)

    consent = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signature_png = models.BinaryField(null=True, blank=True, editable=False)
    # A client who cannot draw on the screen types their full name instead (and ticks that
    # this is their signature): a submitted intake has exactly one of the two.
    signature_typed_name = models.CharField(max_length=200, blank=True)
    signature_method = models.CharField(max_length=8, choices=SignatureMethod.choices, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # Release of information: may a letter name the client to their physician? None = not
    # asked (intakes from before the question); a letter needs True.
    release_consent = models.BooleanField(null=True, blank=True)
    # Nullable, like every column added to a tracked model later: the history hash leaves NULLs
    # out, so the rows written before the column keep their hashes (audit/chain.py).
    release_physician = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    # A client under 18 on the day of the visit signs with a parent or guardian, who signs too
    # (drawn or typed, like the client). All nullable: see release_physician.
    guardian_name = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    guardian_relationship = models.CharField(  # noqa: DJ001
        max_length=20, choices=GuardianRelationship.choices, null=True, blank=True
    )
    guardian_signature_method = models.CharField(  # noqa: DJ001
        max_length=8, choices=SignatureMethod.choices, null=True, blank=True
    )
    guardian_signature_png = models.BinaryField(null=True, blank=True, editable=False)
    guardian_signature_typed_name = models.CharField(  # noqa: DJ001
        max_length=200, null=True, blank=True
    )
    # Where it was signed: "Clinic tablet" or "Client's phone (intake link)", and the browser
    # in a few words ("Chrome 131 on Android"), never the full user-agent string.
    submitted_device = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001

    # Every change (each autosave of a draft, the submission) is kept; not the signature image
    # or the tokens, which are secrets or bulky and never change after submission anyway.
    history = tracked_history(
        excluded_fields=[
            "signature_png",
            "guardian_signature_png",
            "kiosk_token",
            "submission_token",
        ]
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["client", "status", "-submitted_at"]),
            models.Index(fields=["clinic", "-submitted_at"], name="intake_clinic_submitted_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="submitted", submitted_at__isnull=False)
                | ~models.Q(status="submitted"),
                name="intake_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="submitted")
                | models.Q(consent__isnull=False, signed_at__isnull=False, kiosk_token__isnull=True)
                & (
                    models.Q(
                        signature_method="drawn",
                        signature_png__isnull=False,
                        signature_typed_name="",
                    )
                    | models.Q(signature_method="typed", signature_png__isnull=True)
                    & ~models.Q(signature_typed_name="")
                ),
                name="intake_submitted_is_signed",
            ),
            # Two tablets must never fill in two drafts for the same client.
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status="draft"),
                name="intake_one_draft_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.client} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class SignedIntake(models.Model):
    """The signed intake on file: one PDF per submitted intake, made once and never changed.

    What the client saw and signed, in their language: the questions and answers, the consent
    text and version, the signatures (drawn images or typed names; a guardian's for a minor),
    the release of information, date, time and device. `sha256` is the digest of `pdf` taken
    when it was made; every download checks it. Append-only in PostgreSQL (migration 0011).
    """

    intake = models.OneToOneField(Intake, on_delete=models.PROTECT, related_name="signed_document")
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    pdf = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    produced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="signed_intake_sha256_hex",
            )
        ]

    def __str__(self) -> str:
        return f"Signed intake {self.intake.public_id}"
