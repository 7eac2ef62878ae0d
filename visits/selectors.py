"""What the front desk reads about visits: intakes with the booking status of their screening,
and the day's appointments with their intake's state."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from clients.models import Client
from clients.selectors import clinic_clients, get_client_for
from config import json_rows
from config.json_rows import JSONRows
from config.statements import ID_SLOT, TIME_SLOT, UUID_SLOT, CompiledQuery
from intake.models import Intake
from previsit.models import Delivery, PrevisitLink
from previsit.selectors import LinkSummary, client_links, latest_link_summary, link_summary
from review.booking import BookingStatus, booking_status
from review.models import Screening
from visits.models import Appointment


def _latest_decision() -> Subquery:
    latest = Screening.objects.filter(intake=OuterRef("pk")).order_by("-created_at", "-id")
    return Subquery(latest.values("decision")[:1])


def _attach_status(intakes) -> list[Intake]:
    rows = list(intakes)
    for row in rows:
        row.booking = booking_status(status=row.status, decision=row.decision)
    return rows


def intake_history(client, limit: int = 10) -> list[Intake]:
    """The client's intakes, newest first, each with its booking status (one query), with only
    the fields the client's page shows (an intake row has some forty)."""
    return _attach_status(_intakes_of(client)[:limit])


def _intakes_of(client):
    return (
        Intake.objects.filter(client=client)
        .exclude(status=Intake.Status.CANCELLED)
        .annotate(decision=_latest_decision())
        .only(*_HISTORY_FIELDS)
        .order_by("-started_at")
    )


_HISTORY_FIELDS = (
    "public_id", "clinic_id", "client_id", "kind", "status", "started_at", "submitted_at",
    "previous_id",
)  # fmt: skip


# --- Appointments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeState:
    code: str  # none / link_sent / in_progress / submitted
    label: str
    css: str


NO_INTAKE = IntakeState("none", "No intake yet", "light")
LINK_SENT = IntakeState("link_sent", "Link sent", "info")
IN_PROGRESS = IntakeState("in_progress", "In progress", "info")
SUBMITTED = IntakeState("submitted", "Submitted", "success")


@dataclass(frozen=True)
class DayRow:
    appointment: Appointment
    intake: Any  # an Intake annotated with `decision` and `screening_public_id`, or None
    state: IntakeState
    booking: BookingStatus | None
    online: bool  # the intake was (being) filled in on the client's phone


@dataclass(frozen=True)
class Day:
    rows: list[DayRow]
    unbooked: list[Any]  # today's intakes that belong to no appointment
    online: set[int]  # of `unbooked`: completed on the client's phone


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _appointments(*, clinic_id, day: date, therapist_id=None):
    start, end = day_bounds(day)
    rows = Appointment.objects.filter(clinic_id=clinic_id, starts_at__gte=start, starts_at__lt=end)
    if therapist_id is not None:
        rows = rows.filter(therapist_id=therapist_id)
    return list(
        rows.select_related("client", "therapist")
        .only(
            "public_id", "starts_at", "duration_minutes", "cancelled_at", "source", "intake_id",
            "screening_id", "client_id", "therapist_id", "client__public_id",
            "client__legal_name", "client__preferred_name", "client__archived_at",
            "client__email", "client__phone", "therapist__username", "therapist__first_name",
            "therapist__last_name",
        )
        .order_by("starts_at", "id")
    )  # fmt: skip


def _state(intake: Any, link: Any) -> tuple[IntakeState, BookingStatus | None]:
    if intake is None:
        return NO_INTAKE, None
    booking = booking_status(status=intake.status, decision=intake.decision)
    if intake.status == Intake.Status.SUBMITTED:
        return SUBMITTED, booking
    if link is not None and link["verified_at"] is None and link["revoked_at"] is None:
        return LINK_SENT, None
    return IN_PROGRESS, booking


def appointments_day(*, clinic_id, day: date | None = None, therapist_id=None) -> Day:
    """The clinic's (or one therapist's) appointments of the local day in time order, each
    with its intake's state and booking status, and the day's intakes that belong to none.
    Four queries whatever the number of rows."""
    day = day or timezone.localdate()
    start, end = day_bounds(day)
    appointments = _appointments(clinic_id=clinic_id, day=day, therapist_id=therapist_id)
    attached = {a.intake_id for a in appointments if a.intake_id}
    waiting = {a.client_id for a in appointments if not a.intake_id and not a.is_cancelled}
    todays = Q(submitted_at__gte=start, submitted_at__lt=end) | Q(
        status=Intake.Status.DRAFT, started_at__gte=start, started_at__lt=end
    )
    pool = Q(pk__in=attached) | Q(
        Q(client_id__in=waiting) & (Q(status=Intake.Status.DRAFT) | todays)
    )
    wanted = pool if therapist_id is not None else pool | todays
    latest = Screening.objects.filter(intake=OuterRef("pk")).order_by("-created_at", "-id")
    intakes: list[Any] = list(
        Intake.objects.filter(clinic_id=clinic_id)
        .filter(wanted)
        .exclude(status=Intake.Status.CANCELLED)
        .annotate(
            decision=Subquery(latest.values("decision")[:1]),
            screening_public_id=Subquery(latest.values("public_id")[:1]),
        )
        .select_related("client")
        .only(
            "public_id", "kind", "status", "language", "started_at", "submitted_at",
            "client_id", "client__public_id", "client__legal_name", "client__preferred_name",
        )
        .order_by("-submitted_at", "-started_at")
    )  # fmt: skip
    links: dict[int, Any] = {}
    for row in (
        PrevisitLink.objects.filter(intake_id__in=[i.pk for i in intakes])
        .order_by("intake_id", "-created_at")
        .values("intake_id", "verified_at", "revoked_at", "completed_at")
    ):
        links.setdefault(row["intake_id"], row)
    by_pk = {i.pk: i for i in intakes}
    used = set(attached)
    rows: list[DayRow] = []
    for appointment in appointments:
        intake = by_pk.get(appointment.intake_id) if appointment.intake_id else None
        if intake is None and not appointment.is_cancelled:
            intake = _pick(intakes, appointment.client_id, used)
        if intake is not None:
            used.add(intake.pk)
        link = links.get(intake.pk) if intake else None
        state, booking = _state(intake, link)
        rows.append(DayRow(appointment, intake, state, booking, link is not None))
    unbooked = [
        i for i in intakes
        if i.pk not in used and (
            (i.submitted_at is not None and start <= i.submitted_at < end)
            or (i.status == Intake.Status.DRAFT and start <= i.started_at < end)
        )
    ]  # fmt: skip
    for intake in unbooked:
        intake.booking = booking_status(status=intake.status, decision=intake.decision)
    online = {pk for pk, link in links.items() if link["completed_at"] is not None}
    return Day(rows=rows, unbooked=unbooked, online=online)


def _pick(intakes: list[Any], client_id: int, used: set[int]) -> Any:
    """A client's intake for an appointment that has none attached yet: the open draft, else
    the newest submitted today not already another appointment's."""
    mine = [i for i in intakes if i.client_id == client_id and i.pk not in used]
    return next((i for i in mine if i.status == Intake.Status.DRAFT), None) or next(
        (i for i in mine if i.status == Intake.Status.SUBMITTED), None
    )


def get_appointment_for(user, public_id) -> Appointment:
    """The appointment with this public id in the user's clinic, or 404."""
    return get_object_or_404(
        Appointment.objects.select_related("client").filter(clinic_id=user.clinic_id),
        public_id=public_id,
    )


def upcoming_appointments(client, limit: int = 5) -> list[Appointment]:
    """The client's appointments from today on, soonest first (one query)."""
    return list(_upcoming_of(client)[:limit])


def _upcoming_of(client, start: datetime | None = None):
    if start is None:
        start, _ = day_bounds(timezone.localdate())
    return (
        Appointment.objects.filter(client=client, starts_at__gte=start)
        .select_related("therapist")
        .order_by("starts_at", "id")
    )


@dataclass(frozen=True)
class ClientRecords:
    """What a client's page lists besides the screenings."""

    client: Client
    intakes: list[Intake]  # the last ten, newest first, with their booking status
    appointments: list[Appointment]  # the next five
    link: LinkSummary | None  # the newest pre-visit link and its sends


def _along_with_the_client(start: datetime) -> dict[str, JSONRows]:
    """What the client's page lists, read in the client's own query (config/json_rows.py): the
    last ten intakes, the appointments from `start` on, the newest link and its sends."""
    newest_link = client_links(OuterRef(OuterRef("pk"))).values("pk")[:1]
    return {
        "intake_rows": JSONRows(_intakes_of(OuterRef("pk"))[:10], fields=_HISTORY_FIELDS),
        "appointment_rows": JSONRows(
            _upcoming_of(OuterRef("pk"), start)[:5], related={"therapist": User.NAME_FIELDS}
        ),
        "link_rows": JSONRows(client_links(OuterRef("pk"))[:1]),
        "delivery_rows": JSONRows(Delivery.objects.filter(link_id=Subquery(newest_link))),
    }


_ALONG = _along_with_the_client(TIME_SLOT)


def _client_with_records(clinic_id, public_id, start):
    along = _along_with_the_client(start)
    return (
        clinic_clients(clinic_id)
        .annotate(**{name: rows.expression() for name, rows in along.items()})
        .filter(public_id=public_id)
        .order_by()[:1]
    )


# Compiled once (config/statements.py): compiling its five subqueries cost more CPU than the
# database took to run them (docs/PERFORMANCE.md, "Staff pages, compiled once").
_CLIENT_WITH_RECORDS = CompiledQuery(
    _client_with_records,
    clinic_id=ID_SLOT,
    public_id=UUID_SLOT,
    start=TIME_SLOT,
    warm_up=True,
    vendor="postgresql",  # json_rows: elsewhere client_records makes its four queries
)


def client_records(user, public_id) -> ClientRecords:
    """The client with this public id in the user's clinic (else 404) and what its page lists:
    one query on PostgreSQL (config/json_rows.py), four elsewhere."""
    if not json_rows.available():
        found = get_client_for(user, public_id)
        return ClientRecords(
            client=found,
            intakes=intake_history(found),
            appointments=upcoming_appointments(found),
            link=latest_link_summary(found),
        )
    if not user.is_authenticated or user.clinic_id is None:
        raise Http404("no client")
    start, _ = day_bounds(timezone.localdate())
    client = _CLIENT_WITH_RECORDS.first(clinic_id=user.clinic_id, public_id=public_id, start=start)
    if client is None:
        raise Http404("no client")
    records = {name: rows.instances(getattr(client, name)) for name, rows in _ALONG.items()}
    links = records["link_rows"]
    return ClientRecords(
        client=client,
        intakes=_attach_status(records["intake_rows"]),
        appointments=records["appointment_rows"],
        link=link_summary(links[0] if links else None, records["delivery_rows"]),
    )
