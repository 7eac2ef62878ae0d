"""The owners' audit trail: reads, exports and decisions (AuditEvent) merged with the row-change
history of clients (django-simple-history) and the screenings themselves, newest first, one page
at a time. Screenings are append-only, so each row is its own history; plans, decisions and
clearances are append-only too and each creation is an audit event.

One UNION query per page (each part filtered by clinic, date, actor, action and client on its own
indexes), then one query for the actors' names, one per kind of client-owned record on the page
(screening, plan, decision, ...) to find whose it is, and one for the clients' names: a page
costs the same however long the trail is (tests/oversight/test_words.py). Each row reads as a
sentence: "Theo Hart viewed Hannah Whitfield's screening".
"""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, CharField, F, IntegerField, Model, Value, When
from django.db.models.functions import Cast

from accounts.models import User
from audit.models import AuditEvent
from clients.models import Client
from clients.selectors import search_clients
from intake.models import Intake
from previsit.models import PrevisitLink
from review.models import PhysicianClearance, ReferralDecision, Screening, TreatmentPlan

PAGE_SIZE = 50
HISTORY_ACTIONS = {"+": "create", "~": "update", "-": "delete"}
ACTION_CHOICES = [
    *AuditEvent.Action.choices,
    ("delete", "Deleted"),
]
# Models whose row history the trail shows, with the field that names the client.
TRACKED = [(Client, "id")]
# Records that belong to one client: the trail looks their client up (one query per kind on
# the page) to say whose record it was.
CLIENT_OWNED: list[type[Model]] = [Screening, TreatmentPlan, ReferralDecision,
                                   PhysicianClearance, Intake, PrevisitLink]  # fmt: skip
# What each kind of record is called in a sentence ("Theo Hart viewed Hannah Whitfield's
# screening"); a read names the part it showed, in the words of audit/reads.py.
NOUNS = {
    Client._meta.label: "record",
    Screening._meta.label: "screening",
    TreatmentPlan._meta.label: "treatment plan",
    ReferralDecision._meta.label: "referral decision",
    PhysicianClearance._meta.label: "physician clearance",
    Intake._meta.label: "intake",
    PrevisitLink._meta.label: "intake link",
    "rules.RuleSetVersion": "a rule set",
    "rules.ClinicRulePolicy": "the clinic's rule settings",
    "rules.RuleReview": "a rule review",
    "interop.ApiToken": "an API token",
    "accounts.User": "a staff account",
}
READ_NOUNS = {"clinical detail": "screening", "client record": "record"}
# Ids are for the database: the page names things instead.
_UUID = re.compile(r"\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DECISION_ACTIONS = dict(ReferralDecision.Action.choices)
VERBS = {
    "view": "viewed",
    "create": "created",
    "update": "changed",
    "archive": "archived",
    "export": "exported",
    "decide": "decided on",
    "delete": "deleted",
}


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

    @property
    def sentence(self) -> str:
        """Who did what to whose record: "Theo Hart viewed Hannah Whitfield's screening"."""
        noun = NOUNS.get(self.object_type, "a record")
        if self.action in ("view", "export") and self.detail and self.source == "event":
            what = self.detail.split(" (", 1)[0]
            noun = READ_NOUNS.get(what, what)
        verb = VERBS.get(self.action, self.action)
        if self.client is not None:
            return f"{self.actor} {verb} {self.client.display_name}'s {noun}"
        return f"{self.actor} {verb} {noun}"

    @property
    def detail_text(self) -> str:
        """The detail without the ids it may carry ("clinical detail (screening)")."""
        text = _UUID.sub("", self.detail).replace("( ", "(").replace(" )", ")")
        what, _, action = text.partition("referral decision: ")
        if action in DECISION_ACTIONS:  # stored as a code by review.services
            return f"{what}referral decision: {DECISION_ACTIONS[action]}"
        return text


COLUMNS = ["t_at", "t_actor", "t_action", "t_type", "t_oid", "t_detail", "t_ip", "t_client",
           "t_source"]  # fmt: skip


def _columns(**exprs):
    return {f"t_{name}": expr for name, expr in exprs.items()}


def _in_period_by_actor(rows, filters, *, at: str, actor: str):
    """`rows` of one source kept to the filters' dates and person, named by its own columns."""
    if filters.date_from:
        rows = rows.filter(**{f"{at}__gte": filters.date_from})
    if filters.date_to:
        rows = rows.filter(**{f"{at}__lt": filters.date_to})
    if filters.actor_id:
        rows = rows.filter(**{actor: filters.actor_id})
    return rows


def _events(user, filters, clients):
    events = AuditEvent.objects.filter(clinic_id=user.clinic_id)
    events = _in_period_by_actor(events, filters, at="at", actor="actor_id")
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
    rows = _in_period_by_actor(rows, filters, at="history_date", actor="history_user_id")
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
    rows = _in_period_by_actor(rows, filters, at="created_at", actor="performed_by_id")
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
    owners = _owners_of(raw, clinic_id=user.clinic_id)
    for row in raw:
        if not row["t_client"] and row["t_oid"] in owners:
            row["t_client"] = owners[row["t_oid"]]
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
            actor=actors.get(row["t_actor"], "The system"),
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


def _owners_of(raw, *, clinic_id) -> dict[str, int]:
    """{public id: client pk} for the client-owned records on the page, one query per kind."""
    wanted: dict[str, set[str]] = {}
    for row in raw:
        if row["t_source"] == "event" and not row["t_client"]:
            wanted.setdefault(row["t_type"], set()).add(row["t_oid"])
    owners = {}
    for model in CLIENT_OWNED:
        ids = wanted.get(model._meta.label)
        if not ids:
            continue
        found = model._default_manager.filter(clinic_id=clinic_id, public_id__in=_uuids(ids))
        for public_id, client_id in found.values_list("public_id", "client_id"):
            owners[str(public_id)] = client_id
    return owners


def _uuids(values):
    out = []
    for value in values:
        try:
            out.append(uuid.UUID(value))
        except ValueError:
            continue
    return out
