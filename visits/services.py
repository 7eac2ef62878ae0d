"""The visit's workflows: a submitted intake is screened at once (`submit_and_screen`, the one
place the two meet), and appointments are created, sent their intake link, attached to their
screening, cancelled and imported. Every change to an appointment is an audit event."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Case, Q, When
from django.utils import timezone

from accounts.errors import DomainError
from accounts.roles import Role, has_role
from audit.models import AuditEvent
from audit.services import record_event
from clients.models import Client
from intake.models import Intake
from intake.services import Submitted, submit_intake
from previsit.services import PrevisitError, issue_link
from review.models import Screening
from review.screening import screen_intake
from rules.selectors import NoActiveRuleSet, version_read_along
from visits.models import MAX_DURATION_MINUTES, Appointment

logger = logging.getLogger(__name__)


class AppointmentError(DomainError):
    pass


def _day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """The clinic's local day (settings.TIME_ZONE) around `moment`."""
    day = timezone.localdate(moment)
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _attach(*, intake: Intake, screening: Screening | None) -> int:
    """Attach the intake (and its screening) to the client's appointment it belongs to: the
    one it was sent for, else that client's first appointment of the day without a screening.
    Returns how many were attached (0 or 1)."""
    start, end = _day_bounds(intake.submitted_at or timezone.now())
    free = Appointment.objects.filter(
        client_id=intake.client_id, cancelled_at__isnull=True, screening__isnull=True
    )
    chosen = (
        free.select_for_update()
        .filter(Q(intake=intake) | Q(intake__isnull=True, starts_at__gte=start, starts_at__lt=end))
        # The appointment the intake was sent for comes first.
        .order_by(Case(When(intake=intake, then=0), default=1), "starts_at")
        .values("pk")[:1]
    )
    # One statement, found or not. The outer filter repeats the conditions so that an
    # appointment another submit attached meanwhile (the lock waited for it) is left alone.
    return free.filter(pk__in=chosen).update(
        intake=intake, screening=screening, updated_at=timezone.now()
    )


@transaction.atomic
def submit_and_screen(*, performed_by: Any = None, **submission: Any) -> Submitted:
    """Submit the intake (`intake.services.submit_intake`'s keyword arguments) and screen it.

    `performed_by`: who screened it (None for the tablet itself). A repeated submit (double
    tap, re-sent form) finds the intake submitted and screens nothing
    again: the first submit's screening is the one on file. The screening is attached to the
    client's appointment (`_attach`).
    """
    submitted = submit_intake(**submission)
    if not submitted.already:
        screening = None
        try:
            # screen_intake is atomic itself: a screening that fails leaves nothing behind.
            # The rule set in use was read with the locked intake: not read again.
            version = version_read_along(
                getattr(submitted.intake, "active_ruleset_id", None),
                getattr(submitted.intake, "active_ruleset", None),
            )
            screening = screen_intake(
                intake=submitted.intake, performed_by=performed_by, version=version
            )
        except NoActiveRuleSet:
            # The intake is kept; staff see "screening pending" and can screen it once rules load.
            logger.warning(
                "intake %s submitted without a rule set in use", submitted.intake.public_id
            )
        _attach(intake=submitted.intake, screening=screening)
    return submitted


def _check(*, clinic_id: int, client: Client, therapist: Any, starts_at: datetime,
           duration_minutes: int) -> None:  # fmt: skip
    if client.clinic_id != clinic_id:
        raise AppointmentError("this client is not one of the clinic's", "wrong_clinic", "client")
    if client.is_archived:
        raise AppointmentError("the client's record is archived", "client_archived", "client")
    if (
        therapist is None
        or therapist.clinic_id != clinic_id
        or not therapist.is_active
        or not has_role(therapist, Role.THERAPIST)
    ):
        raise AppointmentError("choose one of the clinic's therapists", "not_therapist",
                               "therapist")  # fmt: skip
    if timezone.is_naive(starts_at):
        raise AppointmentError("the time has no time zone", "naive_time", "starts_at")
    if not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise AppointmentError(
            f"the length must be between 1 and {MAX_DURATION_MINUTES} minutes",
            "bad_duration",
            "duration_minutes",
        )


def _audit(
    appointment: Appointment, action: str, detail: str, *, actor: Any, ip: str | None
) -> None:
    record_event(actor=actor, clinic_id=appointment.clinic_id, action=action,
                 target=appointment, detail=detail, ip=ip)  # fmt: skip


def _attach_today_screening(appointment: Appointment) -> None:
    """An appointment booked after the client's intake of that day was screened gets it."""
    start, end = _day_bounds(appointment.starts_at)
    if start > timezone.now():
        return  # no intake is submitted on a day still to come
    intake = (
        Intake.objects.filter(
            client_id=appointment.client_id,
            status=Intake.Status.SUBMITTED,
            submitted_at__gte=start,
            submitted_at__lt=end,
        )
        .order_by("-submitted_at")
        .first()
    )
    if intake is None or Appointment.objects.filter(intake=intake).exists():
        return
    appointment.intake = intake
    appointment.screening = (
        Screening.objects.filter(intake=intake).order_by("created_at", "id").first()
    )
    appointment.save(update_fields=["intake", "screening", "updated_at"])


@transaction.atomic
def create_appointment(
    *,
    client: Client,
    therapist: Any,
    starts_at: datetime,
    duration_minutes: int,
    created_by: Any,
    send_link: bool = False,
    channel: str | None = None,
    ip: str | None = None,
) -> Appointment:
    """A new appointment; with `send_link` the client's intake link for it goes out too
    (`previsit.services.issue_link`), and the intake it opens is the appointment's."""
    _check(clinic_id=client.clinic_id, client=client, therapist=therapist,
           starts_at=starts_at, duration_minutes=duration_minutes)  # fmt: skip
    # The client's row lock makes a double tap wait, then find the first booking.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    if Appointment.objects.filter(
        client=client, therapist=therapist, starts_at=starts_at, cancelled_at__isnull=True
    ).exists():
        raise AppointmentError("this visit is already booked", "already_booked", "starts_at")
    appointment = Appointment.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        therapist=therapist,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        created_by=created_by,
    )
    _audit(appointment, AuditEvent.Action.CREATE, "appointment created", actor=created_by, ip=ip)
    if send_link:
        appointment = send_appointment_link(
            appointment=appointment, channel=channel, sent_by=created_by, ip=ip
        )
    else:
        _attach_today_screening(appointment)
    return appointment


def default_channel(client: Client) -> str:
    return "email" if client.email else "sms"


@transaction.atomic
def send_appointment_link(
    *, appointment: Appointment, channel: str | None, sent_by: Any, ip: str | None = None
) -> Appointment:
    """Send (or send again) the intake link for this appointment's visit."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.is_cancelled:
        raise AppointmentError("the appointment is cancelled", "cancelled")
    if appointment.screening_id is not None:
        raise AppointmentError("the intake for this visit is already done", "already_screened")
    try:
        issued = issue_link(
            client=appointment.client,
            channel=channel or default_channel(appointment.client),
            visit_at=appointment.starts_at,
            issued_by=sent_by,
            ip=ip,
        )
    except PrevisitError as error:
        raise AppointmentError(error.message, error.code) from error
    appointment.intake = issued.link.intake
    appointment.save(update_fields=["intake", "updated_at"])
    return appointment


@transaction.atomic
def cancel_appointment(
    *, appointment: Appointment, cancelled_by: Any, ip: str | None = None
) -> Appointment:
    """Mark it cancelled (kept, for the record); a second cancel changes nothing."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.cancelled_at is None:
        appointment.cancelled_at = timezone.now()
        appointment.save(update_fields=["cancelled_at", "updated_at"])
        _audit(appointment, AuditEvent.Action.UPDATE, "appointment cancelled",
               actor=cancelled_by, ip=ip)  # fmt: skip
    return appointment


# --- Import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowResult:
    where: str  # "line 4" or the event's UID, for the clinic to find it in their file
    outcome: str  # created / updated / unchanged / skipped
    reason: str = ""


@dataclass
class ImportReport:
    source: str
    rows: list[RowResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def totals(self) -> dict[str, int]:
        return {o: self.count(o) for o in ("created", "updated", "unchanged", "skipped")}


@transaction.atomic
def import_appointments(
    *, clinic: Any, content: bytes, filename: str, imported_by: Any, ip: str | None = None
) -> ImportReport:
    """Create or update the clinic's appointments from an iCalendar or CSV file.

    Keyed by the file's own ids (clinic, source, external_uid): importing the same file again
    changes nothing; a changed time, length, client or therapist updates the appointment; an
    event marked cancelled cancels it. A row that cannot be matched is skipped with a reason.
    Raises AppointmentError (code `bad_file`, `too_large`, ...) for a file that cannot be read.
    """
    from visits import imports

    parsed = imports.parse(content=content, filename=filename, clinic=clinic)
    report = ImportReport(source=parsed.source)
    existing = {
        a.external_uid: a
        for a in Appointment.objects.select_for_update().filter(
            clinic=clinic, source=parsed.source,
            external_uid__in=[r.uid for r in parsed.rows if r.uid],
        )
    }  # fmt: skip
    seen: set[str] = set()
    for row in parsed.rows:
        if row.skip:
            report.rows.append(RowResult(row.where, "skipped", row.skip))
            continue
        if row.uid in seen:
            report.rows.append(RowResult(row.where, "skipped", "the same id appears twice"))
            continue
        seen.add(row.uid)
        result = _import_row(row=row, current=existing.get(row.uid), clinic=clinic,
                             source=parsed.source, actor=imported_by, ip=ip)  # fmt: skip
        report.rows.append(result)
    return report


def _import_row(*, row: Any, current: Appointment | None, clinic: Any, source: str,
                actor: Any, ip: str | None) -> RowResult:  # fmt: skip
    try:
        _check(clinic_id=clinic.pk, client=row.client, therapist=row.therapist,
               starts_at=row.starts_at, duration_minutes=row.duration_minutes)  # fmt: skip
    except AppointmentError as error:
        return RowResult(row.where, "skipped", error.message)
    wanted = {
        "client_id": row.client.pk,
        "therapist_id": row.therapist.pk,
        "starts_at": row.starts_at,
        "duration_minutes": row.duration_minutes,
    }
    if current is None:
        if row.cancelled:
            return RowResult(row.where, "skipped", "cancelled in the file and not booked here")
        appointment = Appointment.objects.create(
            clinic=clinic, source=source, external_uid=row.uid, created_by=actor,
            **wanted,
        )  # fmt: skip
        _audit(appointment, AuditEvent.Action.CREATE, f"appointment imported ({source})",
               actor=actor, ip=ip)  # fmt: skip
        _attach_today_screening(appointment)
        return RowResult(row.where, "created")
    changed = [name for name, value in wanted.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, wanted[name])
    if row.cancelled and current.cancelled_at is None:
        current.cancelled_at = timezone.now()
        changed.append("cancelled_at")
    elif not row.cancelled and current.cancelled_at is not None:
        current.cancelled_at = None  # booked again in the scheduler
        changed.append("cancelled_at")
    if not changed:
        return RowResult(row.where, "unchanged")
    current.save(update_fields=[*changed, "updated_at"])
    words = ", ".join(sorted(n.removesuffix("_id").replace("_", " ") for n in changed))
    _audit(current, AuditEvent.Action.UPDATE, f"appointment re-imported ({source}): {words}",
           actor=actor, ip=ip)  # fmt: skip
    return RowResult(row.where, "updated", words)
