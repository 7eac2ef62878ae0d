"""Enrol, revoke, send an intake to a tablet, pick it up there, close it. Every step audited."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.errors import DomainError
from audit.services import record_change, record_creation
from clients.models import Client
from intake.models import Intake
from intake.services import IntakeError, start_intake
from tablets import tokens
from tablets.models import ENROL_CODE_MINUTES, Assignment, Tablet

# How often the waiting page's poll may write "last seen" (one UPDATE a minute, not a second).
SEEN_EVERY_SECONDS = 60


class TabletError(DomainError):
    pass


@dataclass(frozen=True)
class IssuedCode:
    tablet: Tablet
    code: str  # shown once to the owner; never stored

    @property
    def display(self) -> str:
        return tokens.display_code(self.code)


def _issue_code(tablet: Tablet) -> str:
    code = tokens.new_enrol_code()
    tablet.enrol_code_hash = tokens.digest(code)
    tablet.enrol_code_expires_at = timezone.now() + timedelta(minutes=ENROL_CODE_MINUTES)
    return code


def _replace_credential(tablet: Tablet, credential_hash: str | None) -> list[str]:
    """Give the tablet a new credential (None: none) and void its enrolment code, so neither the
    old device secret nor the code still works; returns the fields to save."""
    tablet.credential_hash = credential_hash
    tablet.enrol_code_hash = None
    tablet.enrol_code_expires_at = None
    return ["credential_hash", "enrol_code_hash", "enrol_code_expires_at"]


@transaction.atomic
def add_tablet(*, clinic_id: int, name: str, added_by: Any, ip: str | None = None) -> IssuedCode:
    name = " ".join(name.split())
    if not name or len(name) > 60:
        raise TabletError("Give the tablet a name of at most 60 characters.", "bad_name", "name")
    if Tablet.objects.filter(clinic_id=clinic_id, name=name, revoked_at__isnull=True).exists():
        raise TabletError("This clinic already has a tablet of that name.", "name_taken", "name")
    tablet = Tablet(clinic_id=clinic_id, name=name, enrolled_by=added_by)
    code = _issue_code(tablet)
    try:
        with transaction.atomic():
            tablet.save(force_insert=True)
    except IntegrityError as error:  # a double tap on "Add tablet"
        raise TabletError(
            "This clinic already has a tablet of that name.", "name_taken", "name"
        ) from error
    record_creation(tablet, by=added_by, detail="tablet added, enrolment code issued", ip=ip)
    return IssuedCode(tablet=tablet, code=code)


@transaction.atomic
def new_enrolment_code(*, tablet: Tablet, issued_by: Any, ip: str | None = None) -> IssuedCode:
    """A fresh code; using it replaces the credential (the device is enrolled anew)."""
    tablet = Tablet.objects.select_for_update().get(pk=tablet.pk)
    if tablet.is_revoked:
        raise TabletError("This tablet was revoked. Add it again.", "revoked")
    code = _issue_code(tablet)
    tablet.enrolled_by = issued_by
    tablet.save(update_fields=["enrol_code_hash", "enrol_code_expires_at", "enrolled_by"])
    record_change(tablet, by=issued_by, detail="tablet enrolment code issued", ip=ip)
    return IssuedCode(tablet=tablet, code=code)


@transaction.atomic
def enrol(*, code: str, ip: str | None = None) -> tuple[Tablet, str]:
    """Spend a code: the tablet gets a new device secret (returned once, for its cookie)."""
    normalised = tokens.normalise_code(code)
    tablet = (
        Tablet.objects.select_for_update()
        .filter(enrol_code_hash=tokens.digest(normalised), revoked_at__isnull=True)
        .first()
        if len(normalised) == tokens.CODE_LENGTH
        else None
    )
    now = timezone.now()
    if tablet is None or tablet.enrol_code_expires_at is None or tablet.enrol_code_expires_at < now:
        raise TabletError(
            "That code does not work. It may have expired: ask the owner for a new one.",
            "bad_code",
            "code",
        )
    secret = tokens.new_secret()
    credential_fields = _replace_credential(tablet, tokens.digest(secret))
    tablet.enrolled_at = now
    tablet.last_seen_at = now
    tablet.save(update_fields=[*credential_fields, "enrolled_at", "last_seen_at"])
    record_change(
        tablet,
        by=None,
        detail=f"tablet enrolled with the code issued by {tablet.enrolled_by.username}",
        ip=ip,
    )
    return tablet, secret


@transaction.atomic
def revoke(*, tablet: Tablet, revoked_by: Any, ip: str | None = None) -> Tablet:
    tablet = Tablet.objects.select_for_update().get(pk=tablet.pk)
    if tablet.is_revoked:
        return tablet  # a double tap: already done
    _close_open(tablet, reason=Assignment.Closed.REVOKED, closed_by=revoked_by)
    credential_fields = _replace_credential(tablet, None)
    tablet.revoked_at = timezone.now()
    tablet.revoked_by = revoked_by
    tablet.save(update_fields=["revoked_at", "revoked_by", *credential_fields])
    record_change(tablet, by=revoked_by, detail="tablet revoked", ip=ip)
    return tablet


def _close_open(tablet: Tablet, *, reason: str, closed_by: Any = None) -> Assignment | None:
    assignment = Assignment.objects.filter(tablet=tablet, closed_at__isnull=True).first()
    if assignment is not None:
        assignment.closed_at = timezone.now()
        assignment.closed_reason = reason
        assignment.closed_by = closed_by
        assignment.save(update_fields=["closed_at", "closed_reason", "closed_by"])
    return assignment


@transaction.atomic
def send_to_tablet(
    *, client: Client, tablet: Tablet, sent_by: Any, ip: str | None = None
) -> Assignment:
    """Start (or resume) the client's intake and put it on `tablet` for the client to pick up.

    Refused when the tablet is busy with anyone (the same client included: a double tap), or
    when the client's intake already waits on another tablet."""
    tablet = Tablet.objects.select_for_update().get(pk=tablet.pk)
    if tablet.is_revoked or tablet.clinic_id != client.clinic_id:
        raise TabletError("That tablet is not enrolled here.", "unknown_tablet", "tablet")
    if not tablet.is_enrolled:
        raise TabletError(
            f"“{tablet.name}” is not enrolled yet: the owner enrols it first.",
            "not_enrolled",
            "tablet",
        )
    busy = Assignment.objects.filter(tablet=tablet, closed_at__isnull=True).first()
    if busy is not None:
        if busy.intake.client_id == client.pk:
            raise TabletError(
                f"This client's intake is already on “{tablet.name}”.", "already_sent", "tablet"
            )
        raise TabletError(
            f"“{tablet.name}” is busy with another client. Choose another tablet, or take "
            "that intake back first.",
            "tablet_busy",
            "tablet",
        )
    try:
        intake = start_intake(client=client, started_by=sent_by, ip=ip)
    except IntakeError as error:
        raise TabletError(
            "Restore this client before starting an intake.", "client_archived"
        ) from error
    elsewhere = (
        Assignment.objects.filter(intake=intake, closed_at__isnull=True)
        .select_related("tablet")
        .first()
    )
    if elsewhere is not None:
        raise TabletError(
            f"This client's intake is already on “{elsewhere.tablet.name}”.",
            "on_other_tablet",
            "tablet",
        )
    assignment = Assignment.objects.create(
        clinic_id=tablet.clinic_id, tablet=tablet, intake=intake, assigned_by=sent_by
    )
    record_change(intake, by=sent_by, detail=f"intake sent to tablet {tablet.public_id}", ip=ip)
    return assignment


@transaction.atomic
def pick_up(*, tablet: Tablet, ip: str | None = None) -> Intake | None:
    """The tablet opens the intake waiting for it (once); None when nothing waits."""
    assignment = (
        Assignment.objects.select_for_update()
        .filter(tablet_id=tablet.pk, closed_at__isnull=True, picked_up_at__isnull=True)
        .first()
    )
    if assignment is None:
        return None
    intake = Intake.objects.get(pk=assignment.intake_id)
    if not intake.is_draft or not intake.kiosk_token:
        # Submitted or handed over elsewhere since it was sent: nothing to open here.
        _close_open(tablet, reason=Assignment.Closed.ENDED)
        return None
    assignment.picked_up_at = timezone.now()
    assignment.save(update_fields=["picked_up_at"])
    record_change(intake, by=None, detail=f"intake opened on tablet {tablet.public_id}", ip=ip)
    return intake


@transaction.atomic
def take_back(*, tablet: Tablet, taken_by: Any, ip: str | None = None) -> Assignment | None:
    """Staff end what the tablet holds; its next request shows "waiting" again."""
    tablet = Tablet.objects.select_for_update().get(pk=tablet.pk)
    assignment = _close_open(tablet, reason=Assignment.Closed.CANCELLED, closed_by=taken_by)
    if assignment is not None:
        record_change(
            assignment.intake,
            by=taken_by,
            detail=f"intake taken back from tablet {tablet.public_id}",
            ip=ip,
        )
    return assignment


@transaction.atomic
def settle(*, tablet: Tablet) -> None:
    """Called when the tablet has no intake session: close what it had picked up (the client
    sent it, or the session ended idle). Never reopened: a timed-out intake is not shown to
    whoever holds the tablet next."""
    assignment = (
        Assignment.objects.select_for_update()
        .filter(tablet_id=tablet.pk, closed_at__isnull=True, picked_up_at__isnull=False)
        .first()
    )
    if assignment is None:
        return
    submitted = Intake.objects.filter(pk=assignment.intake_id, status="submitted").exists()
    _close_open(
        tablet, reason=Assignment.Closed.COMPLETED if submitted else Assignment.Closed.ENDED
    )


def seen(*, tablet: Tablet) -> None:
    now = timezone.now()
    last = tablet.last_seen_at
    if last is None or (now - last).total_seconds() >= SEEN_EVERY_SECONDS:
        Tablet.objects.filter(pk=tablet.pk).update(last_seen_at=now)
        tablet.last_seen_at = now
