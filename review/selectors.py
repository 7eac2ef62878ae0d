"""Read-only queries shared by the review pages and the PDFs (display: review/presenters.py).

Clinic scoping comes from clients.selectors: a screening is visible only through a client the
user may see.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, JSONField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from config import json_rows
from config.json_rows import JSONRows
from config.statements import ID_SLOT, SECOND_ID_SLOT, TIME_SLOT, UUID_SLOT, CompiledQuery
from contraindications.engine import Decision
from contraindications.engine import Screening as EngineScreening
from review.models import (
    PhysicianClearance,
    ReferralDecision,
    Screening,
    SessionNote,
    TreatmentPlan,
)

# Decisions that need the therapist to record what was done (referral decision).
ACTIONABLE = frozenset(d.value for d in Decision if d.actionable)
CLEARABLE = frozenset(d.value for d in Decision if d.clearable)

TODAY_WINDOW = timedelta(days=2)


def screenings_visible_to(user):
    if not user.is_authenticated or user.clinic_id is None:
        return Screening.objects.none()
    return Screening.objects.filter(clinic_id=user.clinic_id, client__clinic_id=user.clinic_id)


def _screening_of(clinic_id, public_id, *, for_pdf: bool) -> QuerySet[Screening]:
    screenings = Screening.objects.filter(
        clinic_id=clinic_id, client__clinic_id=clinic_id
    ).select_related("client", "ruleset", "intake")
    if for_pdf:
        screenings = screenings.select_related("client__clinic").annotate(
            latest_plan_record=_latest_json(TreatmentPlan.objects, "created_by", "created_at"),
            latest_referral_record=_latest_json(
                ReferralDecision.objects, "decided_by", "decided_at"
            ),
        )
    # Not read from a screening's page: the rule set's rules and catalogue (about 90 KB of
    # JSON, decoded on every request; `compiled` builds them once per process from the
    # checksum), the intake's raw answers (the screening keeps its own snapshot) and its
    # signature image.
    return (
        screenings.defer(
            "ruleset__rules", "ruleset__catalogue", "intake__answers", "intake__signature_png"
        )
        .filter(public_id=public_id)
        .order_by()[:1]
    )


# Compiled once (config/statements.py), one for a page and one for a PDF: every screening page
# and download starts with it (docs/PERFORMANCE.md, "Staff pages, compiled once").
_SCREENING = {
    for_pdf: CompiledQuery(
        lambda clinic_id, public_id, for_pdf=for_pdf: _screening_of(
            clinic_id, public_id, for_pdf=for_pdf
        ),
        clinic_id=ID_SLOT,
        public_id=UUID_SLOT,
        warm_up=True,
    )
    for for_pdf in (False, True)
}


def get_screening_for(user, public_id, *, for_pdf: bool = False) -> Screening:
    """The screening in the user's clinic, or 404 (never 403: no hint it exists).

    `for_pdf` loads, in the same query, what a PDF's cache key needs besides the screening: the
    client's clinic (letterhead) and which plan and referral decision are the latest
    (latest_records_of), so a cached download pays one query for all of it."""
    if not user.is_authenticated or user.clinic_id is None:
        raise Http404("no screening")
    screening = _SCREENING[for_pdf].first(clinic_id=user.clinic_id, public_id=public_id)
    if screening is None:
        raise Http404("no screening")
    if for_pdf:
        # The same row: the query keeps only screenings whose client is in its clinic.
        screening.clinic = screening.client.clinic
    return screening


def _valid_on(on: date) -> dict:
    return {"cleared_on__lte": on, "expires_on__gte": on}


def screenings_for_review(user, *, now=None):
    """The therapist's "today" list in one query: recent screenings, most severe first.

    `has_clearance` (a valid clearance for the client) only says which rows
    `covered_by_clearance` must look at; most have none, so the list stays one query.
    """
    now = now or timezone.now()
    on = timezone.localdate(now)
    return (
        screenings_visible_to(user)
        .filter(created_at__gte=now - TODAY_WINDOW, client__archived_at__isnull=True)
        .select_related("client")
        .only(
            "public_id",
            "decision",
            "created_at",
            "client__public_id",
            "client__legal_name",
            "client__preferred_name",
        )
        .annotate(
            has_plan=Exists(TreatmentPlan.objects.filter(screening=OuterRef("pk"))),
            has_referral=Exists(ReferralDecision.objects.filter(screening=OuterRef("pk"))),
            has_clearance=Exists(
                PhysicianClearance.objects.filter(client=OuterRef("client_id"), **_valid_on(on))
            ),
        )
        .order_by("-created_at", "-id")
    )


def valid_clearances(client, *, on: date | None = None):
    on = on or timezone.localdate()
    return PhysicianClearance.objects.filter(client=client, **_valid_on(on)).order_by(
        "-recorded_at"
    )


def cleared_rule_ids_for(client, *, on: date | None = None) -> frozenset[str]:
    """Rules covered by a valid clearance today: pass these to screen_intake for this client."""
    ids: set[str] = set()
    for rule_ids in valid_clearances(client, on=on).values_list("rule_ids", flat=True):
        ids.update(rule_ids)
    return frozenset(ids)


def clearance_covers(outcome: EngineScreening, cleared: frozenset[str]) -> bool:
    """A clearance supersedes a screening when it covers every finding that called for a
    referral decision (an urgent referral is never cleared, so it is never covered)."""
    findings = outcome.findings
    needing = {f.rule_id for f in findings if f.decision.actionable}
    urgent = any(f.decision is Decision.REFER_URGENT for f in findings)
    return bool(needing) and not urgent and needing <= cleared


def covered_by_clearance(screenings, *, on: date | None = None) -> set[int]:
    """The ids, among ``screenings``, of those a valid clearance supersedes (two queries)."""
    ids = [s.pk for s in screenings]
    if not ids:
        return set()
    on = on or timezone.localdate()
    rows = list(Screening.objects.filter(pk__in=ids).only("pk", "client_id", "result"))
    cleared: dict[int, set[str]] = {}
    for client_id, rule_ids in PhysicianClearance.objects.filter(
        client_id__in={s.client_id for s in rows}, **_valid_on(on)
    ).values_list("client_id", "rule_ids"):
        cleared.setdefault(client_id, set()).update(rule_ids)
    return {
        s.pk
        for s in rows
        if s.client_id in cleared and clearance_covers(s.outcome, frozenset(cleared[s.client_id]))
    }


# What a history shows on each screening: (attribute, its relation on Screening, the records
# newest first as their models order themselves, with their author's name).
_AUTHOR = User.NAME_FIELDS
_HISTORY_RECORDS = (
    ("referral_list", "referrals", ReferralDecision.objects.select_related("decided_by"),
     {"decided_by": _AUTHOR}),
    ("plan_list", "plans", TreatmentPlan.objects.select_related("created_by"),
     {"created_by": _AUTHOR}),
    ("clearance_list", "clearances", PhysicianClearance.objects.select_related("recorded_by"),
     {"recorded_by": _AUTHOR}),
)  # fmt: skip


def _history_of(client_id) -> QuerySet[Screening]:
    return (
        Screening.objects.filter(client_id=client_id)
        .only("public_id", "decision", "created_at", "cleared_rule_ids", "client_id")
        .order_by("-created_at", "-id")
    )


# Each screening's records, read in the screening's own row (config/json_rows.py).
_ALONG = {
    attr: JSONRows(records.filter(screening=OuterRef("pk")), related=related)
    for attr, _, records, related in _HISTORY_RECORDS
}
# Compiled once (config/statements.py): compiling the three subqueries cost more CPU than the
# database took to run them (docs/PERFORMANCE.md, "Staff pages, compiled once").
_HISTORY_WITH_RECORDS = CompiledQuery(
    lambda client_id: _history_of(client_id).annotate(
        **{attr: rows.expression() for attr, rows in _ALONG.items()}
    ),
    client_id=ID_SLOT,
    warm_up=True,
    vendor="postgresql",  # json_rows: elsewhere client_history makes one query per kind
)


def client_history(client) -> list[Screening]:
    """The client's screenings, newest first, each with its referral decisions, plans and
    clearances (``referral_list``, ``plan_list``, ``clearance_list``) and their authors: one
    query on PostgreSQL (config/json_rows.py), else one per kind of record."""
    if not json_rows.available():
        return list(
            _history_of(client.pk).prefetch_related(
                *(
                    Prefetch(relation, records, to_attr=attr)
                    for attr, relation, records, _ in _HISTORY_RECORDS
                )
            )
        )
    history = _HISTORY_WITH_RECORDS.rows(client_id=client.pk)
    for screening in history:
        for attr, rows in _ALONG.items():
            setattr(screening, attr, rows.instances(getattr(screening, attr)))
    return history


@dataclass(frozen=True)
class ScreeningRecords:
    """What the screening page shows besides the screening, from the client's history."""

    history: list[Screening]
    plan: TreatmentPlan | None
    referral: ReferralDecision | None
    clearances: list[PhysicianClearance]


def screening_records(screening: Screening, *, on: date | None = None) -> ScreeningRecords:
    """The client's history (client_history, one query) and, read from it rather than
    queried again, this screening's latest plan and referral and the client's clearances valid
    `on` (every clearance belongs to one of the client's screenings)."""
    on = on or timezone.localdate()
    history = client_history(screening.client)
    this = next((s for s in history if s.pk == screening.pk), None)
    plans = this.plan_list if this else ()
    referrals = this.referral_list if this else ()
    clearances = [
        c for s in history for c in s.clearance_list if c.cleared_on <= on <= c.expires_on
    ]
    return ScreeningRecords(
        history=history,
        plan=max(plans, key=lambda p: (p.created_at, p.pk), default=None),
        referral=max(referrals, key=lambda r: (r.decided_at, r.pk), default=None),
        clearances=sorted(clearances, key=lambda c: c.recorded_at, reverse=True),
    )


def latest_referral(screening: Screening) -> ReferralDecision | None:
    return screening.referrals.select_related("decided_by").order_by("-decided_at", "-id").first()


def latest_plan(screening: Screening) -> TreatmentPlan | None:
    return screening.plans.select_related("created_by").order_by("-created_at", "-id").first()


def _latest_json(records, by: str, at: str) -> Subquery:
    return Subquery(
        records.filter(screening=OuterRef("pk"))
        .order_by(f"-{at}", "-id")
        .values(
            row=JSONObject(
                id="id",
                first_name=f"{by}__first_name",
                last_name=f"{by}__last_name",
                username=f"{by}__username",
            )
        )[:1],
        output_field=JSONField(),
    )


def latest_records_of(screening: Screening) -> dict:
    """Which plan and referral decision are the screening's latest, and the names of who made
    them (printed beside them), in one query, or none if get_screening_for loaded them:
    {"plan": {id, first_name, last_name, username} or None, "referral": the same}. The rows
    are append-only (a trigger refuses UPDATE), so the id stands for every column; the names
    are on the user row, which can change."""
    if hasattr(screening, "latest_plan_record"):  # get_screening_for(for_pdf=True)
        return {
            "plan": getattr(screening, "latest_plan_record"),  # noqa: B009 - an annotation
            "referral": getattr(screening, "latest_referral_record"),  # noqa: B009
        }
    return dict(
        Screening.objects.filter(pk=screening.pk)
        .values(
            plan=_latest_json(TreatmentPlan.objects, "created_by", "created_at"),
            referral=_latest_json(ReferralDecision.objects, "decided_by", "decided_at"),
        )
        .get()
    )


# --- Session notes -----------------------------------------------------------------------------


def _notes():
    return SessionNote.objects.select_related("signed_by").prefetch_related("addenda__author")


def get_note_for(user, public_id) -> SessionNote:
    """A session note of the user's clinic, or 404."""
    if not user.is_authenticated or user.clinic_id is None:
        return get_object_or_404(SessionNote.objects.none())
    return get_object_or_404(
        _notes().select_related("screening", "client"),
        clinic_id=user.clinic_id,
        client__clinic_id=user.clinic_id,
        public_id=public_id,
    )


def _notes_of(client_id, screening_id, created_at) -> QuerySet[SessionNote]:
    last_before = (
        SessionNote.objects.filter(client_id=client_id, screening__created_at__lt=created_at)
        .exclude(screening_id=screening_id)
        .order_by("-signed_at", "-id")
        .values("pk")[:1]
    )
    return (
        _notes()
        .filter(Q(screening_id=screening_id) | Q(pk=Subquery(last_before)))
        .order_by("signed_at", "id")
    )


# Compiled once (config/statements.py): every screening page reads it.
_NOTES = CompiledQuery(
    _notes_of, client_id=ID_SLOT, screening_id=SECOND_ID_SLOT, created_at=TIME_SLOT, warm_up=True
)


def screening_notes(screening: Screening) -> tuple[list[SessionNote], SessionNote | None]:
    """The notes signed for sessions given on this screening (oldest first), and the client's
    last signed note from an earlier screening: what the previous session found, shown on the
    next screening's page. One query (and one for their addenda)."""
    notes = _NOTES.rows(
        client_id=screening.client_id, screening_id=screening.pk, created_at=screening.created_at
    )
    on = [n for n in notes if n.screening_id == screening.pk]
    before = next((n for n in notes if n.screening_id != screening.pk), None)
    return on, before
