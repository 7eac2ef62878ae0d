import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Clinic(models.Model):
    """One clinic of a chain or a hosted installation; every record belongs to exactly one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    # A submitted intake older than this must be renewed in full rather than updated.
    intake_renewal_months = models.PositiveSmallIntegerField(default=12)
    # The intake sent to a client's phone before the visit (previsit/): how long a link works,
    # how the client proves who they are, and where their replies to the message go.
    previsit_link_hours = models.PositiveSmallIntegerField(
        default=72, validators=[MinValueValidator(1), MaxValueValidator(24 * 30)]
    )
    previsit_identity = models.CharField(
        max_length=8,
        choices=[
            ("dob_code", "Date of birth and a one-time code"),
            ("dob", "Date of birth only"),
        ],
        default="dob_code",
    )
    previsit_reminder_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MaxValueValidator(24 * 14)]
    )
    reply_to_email = models.EmailField(blank=True)
    # The letterhead of referral letters (review/letters.py): a physician must be able to answer.
    address = models.TextField(blank=True, max_length=400)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClinicRecord(models.Model):
    """A record of one clinic that is named outside (in URLs, exports, the FHIR API) by a random
    public id instead of its row id, which would say how many there are and invite guessing."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class User(AbstractUser):
    """A staff member. Superusers may have no clinic; everyone who works in one has it set."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    # How a therapist signs a referral letter, e.g. "RMT, licence 12345" (review/letters.py).
    credentials = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    # What a page needs of a user to show their name (__str__, get_full_name).
    NAME_FIELDS = ("id", "username", "first_name", "last_name")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Session(AbstractBaseSession):
    """A browser's (or a tablet's) session, with the signed-in user in a column of its own so that
    a staff request reads the session and its user in one query (accounts/sessions.py)."""

    # No database constraint: a session naming a user removed since must still save (Django
    # retries a failed create with new keys for ever); the join then finds no one.
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore
