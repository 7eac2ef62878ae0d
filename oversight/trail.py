"""The owners' audit trail: reads, exports and decisions (AuditEvent) merged with the row-change
history of clients (django-simple-history) and the screenings themselves, newest first, one page
at a time. Screenings are append-only, so each row is its own history; plans, decisions and
clearances are append-only too and each creation is an audit event.

One UNION query per page (each part filtered by clinic, date, actor, action and client on its own
indexes), then one query each for the names of the actors and clients on the page: a page costs
the same however long the trail is.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, CharField, F, IntegerField, Value, When
from django.db.models.functions import Cast

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from clients.selectors import search_clients
from review.models import Screening

PAGE_SIZE = 50
HISTORY_ACTIONS = {"+": "create", "~": "update", "-": "delete"}
ACTION_CHOICES = [
    *AuditEvent.Action.choices,
    ("delete", "Deleted"),
]
# Models whose row history the trail shows, with the field that names the client.
TRACKED = [(Client, "id")]


@dataclass(frozen=True)
class TrailFilters:
    date_from: datetime | None = None
    date_to: datetime | None = None  # exclusive
    actor_id: int | None = None
    action: str = ""
    client_query: str = ""


@dataclass(frozen=True)
class TrailRow:
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: str
    ip_address: str | None
    client: Client | None
    source: str  # "event" (audit trail) or "history" (row change)


COLUMNS = ["t_at", "t_actor", "t_action", "t_type", "t_oid", "t_detail", "t_ip", "t_client",
           "t_source"]  # fmt: skip


def _columns(**exprs):
    return {f"t_{name}": expr for name, expr in exprs.items()}


def _events(user, filters, clients):
    events = AuditEvent.objects.filter(clinic_id=user.clinic_id)
    if filters.date_from:
        events = events.filter(at__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(at__lt=filters.date_to)
    if filters.actor_id:
        events = events.filter(actor_id=filters.actor_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if clients is not None:
        events = events.filter(
            object_type=Client._meta.label, object_id__in=[str(c.public_id) for c in clients]
        )
    return (
        events.annotate(
            **_columns(
                at=F("at"),
                actor=F("actor_id"),
                action=F("action"),
                type=F("object_type"),
                oid=F("object_id"),
                detail=F("detail"),
                ip=F("ip_address"),
                client=Value(None, output_field=IntegerField()),
                source=Value("event"),
            )
        )
        .order_by()
        .values(*COLUMNS)
    )


def _history(model, client_field, user, filters, clients):
    rows = model.history.filter(clinic_id=user.clinic_id)
    if filters.date_from:
        rows = rows.filter(history_date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(history_date__lt=filters.date_to)
    if filters.actor_id:
        rows = rows.filter(history_user_id=filters.actor_id)
    if filters.action:
        types = [t for t, action in HISTORY_ACTIONS.items() if action == filters.action]
        rows = rows.filter(history_type__in=types)
    if clients is not None:
        rows = rows.filter(**{f"{client_field}__in": [c.pk for c in clients]})
    action = Case(
        *[When(history_type=t, then=Value(a)) for t, a in HISTORY_ACTIONS.items()],
        output_field=CharField(),
    )
    return (
        rows.annotate(
            **_columns(
                at=F("history_date"),
                actor=F("history_user_id"),
                action=action,
                type=Value(model._meta.label),
                oid=Cast("public_id", CharField()),
                detail=Value("row changed"),
                ip=F("history_ip"),
                client=F(client_field),
                source=Value("history"),
            )
        )
        .order_by()
        .values(*COLUMNS)
    )


def _screenings(user, filters, clients):
    rows = Screening.objects.filter(clinic_id=user.clinic_id)
    if filters.date_from:
        rows = rows.filter(created_at__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(created_at__lt=filters.date_to)
    if filters.actor_id:
        rows = rows.filter(performed_by_id=filters.actor_id)
    if clients is not None:
        rows = rows.filter(client_id__in=[c.pk for c in clients])
    return (
        rows.annotate(
            **_columns(
                at=F("created_at"),
                actor=F("performed_by_id"),
                action=Value("create"),
                type=Value(Screening._meta.label),
                oid=Cast("public_id", CharField()),
                detail=Value("screening"),
                ip=Value(None, output_field=CharField()),
                client=F("client_id"),
                source=Value("record"),
            )
        )
        .order_by()
        .values(*COLUMNS)
    )


def trail_page(user, filters: TrailFilters, *, page: int = 1) -> tuple[list[TrailRow], bool]:
    """One page of the clinic's trail, newest first, and whether an older page exists."""
    clients = None
    if filters.client_query:
        clients = list(
            search_clients(user=user, query=filters.client_query, include_archived=True)[:50]
        )
    parts = [_events(user, filters, clients)]
    if filters.action in ("", "create", "update", "delete"):
        parts += [_history(m, field, user, filters, clients) for m, field in TRACKED]
    if filters.action in ("", "create"):
        parts.append(_screenings(user, filters, clients))
    offset = (page - 1) * PAGE_SIZE
    union = parts[0].union(*parts[1:], all=True).order_by("-t_at")
    raw = list(union[offset : offset + PAGE_SIZE + 1])
    has_more = len(raw) > PAGE_SIZE
    raw = raw[:PAGE_SIZE]
    actor_ids = {row["t_actor"] for row in raw if row["t_actor"]}
    actors = {u.pk: str(u) for u in User.objects.filter(pk__in=actor_ids)} if actor_ids else {}
    client_pks = {row["t_client"] for row in raw if row["t_client"]}
    client_uuids = {row["t_oid"] for row in raw if row["t_type"] == Client._meta.label}
    known = {}
    if client_pks or client_uuids:
        for client in Client.objects.filter(clinic_id=user.clinic_id).filter(
            pk__in=client_pks
        ) | Client.objects.filter(clinic_id=user.clinic_id, public_id__in=client_uuids):
            known[client.pk] = known[str(client.public_id)] = client
    rows = [
        TrailRow(
            at=row["t_at"],
            actor=actors.get(row["t_actor"], "system"),
            action=row["t_action"],
            object_type=row["t_type"],
            object_id=row["t_oid"],
            detail=row["t_detail"],
            ip_address=row["t_ip"],
            client=known.get(row["t_client"]) or known.get(row["t_oid"]),
            source=row["t_source"],
        )
        for row in raw
    ]
    return rows, has_more
