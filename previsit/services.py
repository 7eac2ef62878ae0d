"""Issue, revoke and check intake links; every step the client takes is an audit event."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.errors import DomainError
from audit.models import AuditEvent
from audit.services import record_event
from clients.models import Client
from intake.models import Intake
from intake.services import IntakeError, start_intake
from previsit import tokens
from previsit.models import MAX_FAILED_CHECKS, Delivery, PrevisitLink

CODE_VALID = timedelta(minutes=10)
CODE_RESEND_AFTER = timedelta(seconds=60)
MAX_CODES = 5


class PrevisitError(DomainError):
    pass


@dataclass(frozen=True)
class Issued:
    link: PrevisitLink
    token: str


def _audit(
    link: PrevisitLink, action: str, detail: str, *, ip: str | None = None, actor: Any = None
) -> None:
    record_event(
        actor=actor, clinic_id=link.clinic_id, action=action, target=link, detail=detail,
        ip=ip,
    )  # fmt: skip


def _channels_possible(client: Client, channel: str) -> None:
    wanted = PrevisitLink(channel=channel).channels
    if PrevisitLink.Channel.EMAIL in wanted and not client.email:
        raise PrevisitError("the client has no email address on file", "no_email")
    if PrevisitLink.Channel.SMS in wanted and not client.phone:
        raise PrevisitError("the client has no phone number on file", "no_phone")


def _queue(link: PrevisitLink, kind: str, *, code_counter: int = 0) -> list[Delivery]:
    from previsit.tasks import enqueue_delivery

    deliveries = [
        Delivery.objects.create(link=link, kind=kind, channel=channel, code_counter=code_counter)
        for channel in link.channels
    ]
    for delivery in deliveries:
        enqueue_delivery(delivery)
    return deliveries


@transaction.atomic
def issue_link(
    *, client: Client, channel: str, visit_at: datetime, issued_by: Any, ip: str | None = None
) -> Issued:
    """A new link for the client's intake, sent by `channel`; earlier open links stop working."""
    if channel not in PrevisitLink.Channel.values:
        raise PrevisitError("unknown channel", "bad_channel")
    if visit_at <= timezone.now():
        raise PrevisitError("the visit must be in the future", "visit_in_past")
    _channels_possible(client, channel)
    try:
        intake = start_intake(client=client, started_by=issued_by, ip=ip)
    except IntakeError as error:
        raise PrevisitError(str(error), error.code) from error
    now = timezone.now()
    for old in PrevisitLink.objects.select_for_update().filter(
        client=client, revoked_at__isnull=True, completed_at__isnull=True
    ):
        old.revoked_at, old.revoked_reason = now, PrevisitLink.Closed.REPLACED
        old.save(update_fields=["revoked_at", "revoked_reason"])
        _audit(old, AuditEvent.Action.UPDATE, "previsit link replaced", ip=ip,
               actor=issued_by)  # fmt: skip
    nonce = tokens.new_nonce()
    token = tokens.link_token(nonce)
    link = PrevisitLink.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        intake=intake,
        nonce=nonce,
        token_hash=tokens.token_hash(token),
        channel=channel,
        language=intake.language,
        visit_at=visit_at,
        identity=client.clinic.previsit_identity,
        created_at=now,
        created_by=issued_by,
        expires_at=now + timedelta(hours=client.clinic.previsit_link_hours),
    )
    _audit(link, AuditEvent.Action.CREATE, f"previsit link sent ({channel})", ip=ip,
           actor=issued_by)  # fmt: skip
    _queue(link, Delivery.Kind.LINK)
    return Issued(link=link, token=token)


@transaction.atomic
def revoke_link(*, link: PrevisitLink, revoked_by: Any, ip: str | None = None) -> PrevisitLink:
    link = PrevisitLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None and link.completed_at is None:
        link.revoked_at, link.revoked_reason = timezone.now(), PrevisitLink.Closed.REVOKED
        link.save(update_fields=["revoked_at", "revoked_reason"])
        _audit(link, AuditEvent.Action.UPDATE, "previsit link revoked", ip=ip,
               actor=revoked_by)  # fmt: skip
    return link


def find_link(token: str) -> PrevisitLink | None:
    if not token or len(token) > 100:
        return None
    return (
        PrevisitLink.objects.select_related("clinic")
        .filter(token_hash=tokens.token_hash(token))
        .first()
    )


def refresh_closed(link: PrevisitLink) -> str | None:
    """Why the link is closed, after noticing an intake finished by other means (the tablet)."""
    reason = link.closed()
    if reason is None and not Intake.objects.filter(pk=link.intake_id, status="draft").exists():
        return PrevisitLink.Closed.USED
    return reason


def record_open(*, link: PrevisitLink, ip: str | None) -> None:
    PrevisitLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=timezone.now())
    _audit(link, AuditEvent.Action.VIEW, "previsit link opened", ip=ip)


def record_refused(*, link: PrevisitLink, reason: str, ip: str | None) -> None:
    _audit(link, AuditEvent.Action.VIEW, f"previsit link refused ({reason})", ip=ip)


@transaction.atomic
def _failed(link: PrevisitLink, what: str, ip: str | None) -> PrevisitLink:
    """Counts a wrong answer; the fifth locks the link (front desk see it on the client page)."""
    PrevisitLink.objects.filter(pk=link.pk, failed_checks__lt=MAX_FAILED_CHECKS).update(
        failed_checks=F("failed_checks") + 1
    )
    link.refresh_from_db()
    _audit(link, AuditEvent.Action.UPDATE, f"previsit identity check failed ({what})",
           ip=ip)  # fmt: skip
    if link.failed_checks >= MAX_FAILED_CHECKS and link.locked_at is None:
        link.locked_at = timezone.now()
        link.save(update_fields=["locked_at"])
        _audit(link, AuditEvent.Action.UPDATE, "previsit link locked", ip=ip)
    return link


def check_date_of_birth(*, link: PrevisitLink, given: date | None, ip: str | None) -> bool:
    if link.closed() is not None:
        raise PrevisitError("this link is closed", "closed")
    if given is not None and given == link.client.date_of_birth:
        return True
    _failed(link, "date of birth", ip)
    return False


@transaction.atomic
def send_code(*, link: PrevisitLink, ip: str | None = None) -> bool:
    """Send a new one-time code unless one went out a moment ago or too many were sent."""
    link = PrevisitLink.objects.select_for_update().get(pk=link.pk)
    now = timezone.now()
    if link.closed(now) is not None:
        raise PrevisitError("this link is closed", "closed")
    if link.code_counter >= MAX_CODES or (
        link.code_sent_at is not None and now - link.code_sent_at < CODE_RESEND_AFTER
    ):
        return False
    link.code_counter += 1
    link.code_sent_at = now
    link.save(update_fields=["code_counter", "code_sent_at"])
    _queue(link, Delivery.Kind.CODE, code_counter=link.code_counter)
    _audit(link, AuditEvent.Action.UPDATE, "previsit code sent", ip=ip)
    return True


def check_code(*, link: PrevisitLink, given: str, ip: str | None) -> bool:
    link.refresh_from_db()
    if link.closed() is not None:
        raise PrevisitError("this link is closed", "closed")
    fresh = link.code_sent_at is not None and timezone.now() - link.code_sent_at <= CODE_VALID
    expected = tokens.one_time_code(link.nonce, link.code_counter)
    if link.code_counter and fresh and tokens.codes_match(given.strip()[:12], expected):
        return True
    _failed(link, "code", ip)
    return False


def record_verified(*, link: PrevisitLink, ip: str | None) -> None:
    PrevisitLink.objects.filter(pk=link.pk).update(verified_at=timezone.now())
    _audit(link, AuditEvent.Action.VIEW, "previsit identity confirmed", ip=ip)


def record_section(*, link_id: int, section: str) -> None:
    PrevisitLink.objects.filter(pk=link_id).exclude(last_section=section).update(
        last_section=section[:64]
    )


def record_completed(*, link_id: int, ip: str | None) -> None:
    updated = PrevisitLink.objects.filter(pk=link_id, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    if updated:
        link = PrevisitLink.objects.get(pk=link_id)
        _audit(link, AuditEvent.Action.UPDATE, "previsit intake submitted online",
               ip=ip)  # fmt: skip


def due_reminders(now: datetime | None = None) -> list[PrevisitLink]:
    """Open links whose visit is within the clinic's reminder period, not reminded yet."""
    now = now or timezone.now()
    candidates = PrevisitLink.objects.select_related("clinic").filter(
        revoked_at__isnull=True,
        completed_at__isnull=True,
        locked_at__isnull=True,
        reminder_sent_at__isnull=True,
        expires_at__gt=now,
        visit_at__gt=now,
        intake__status="draft",
    )
    return [
        link
        for link in candidates
        if link.clinic.previsit_reminder_hours
        and link.visit_at - now <= timedelta(hours=link.clinic.previsit_reminder_hours)
    ]


def send_reminder(*, link: PrevisitLink, now: datetime | None = None) -> bool:
    """Queue the reminder once: the conditional update makes a second run a no-op."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = PrevisitLink.objects.filter(pk=link.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
        if not claimed:
            return False
        _queue(link, Delivery.Kind.REMINDER)
        _audit(link, AuditEvent.Action.UPDATE, "previsit reminder sent")
    return True
