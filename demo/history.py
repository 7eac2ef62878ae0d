"""Six months of clinic history for the demo, so every chart, filter, replay and audit page has
something to show on the first run (issue 15, point 6).

Deterministic: a seeded random.Random and dates counted back from the day it runs (the 26 weeks
before today). It makes ~300 clients and ~650 screenings spread over every decision, by five
therapists with their own habits (some override more often than others), with plans, referral
decisions, overrides with their reasons, physician clearances (and the re-screening each one
triggers), the clinic's reads of clinical detail, and two rule-set versions: an earlier one in
use for the first three months, then the current one.

How it backdates. Screenings, plans, decisions and clearances are append-only (a trigger refuses
any UPDATE) and their times are `auto_now_add`, so they cannot be written now and moved later.
Rows are inserted with their past times as given, through Django's raw insert, the path
`loaddata` takes for fixtures (`Model.save_base(raw=True)`), batched. Everything else a service
writes alongside is written too, in order: the audit events (hash-chained in time order, after
taking the same advisory lock as `audit.services.record_event`), the finding and decision-rule
rows the dashboards count, and one chained row-change history row per client, intake and rule
set (`verify_audit` checks both chains). Each past intake is built by
`demo.builders.submitted_intake_row`, the bulk twin of the tablet path's `submitted_intake`.

Runs once per clinic: when the clinic already has screenings under the earlier rule set, it does
nothing (seed_demo may be re-run). It runs before the rest of seed_demo so the clinic's audit
chain reads in time order.
"""

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Clinic, User
from accounts.roles import Role
from audit.chain import GENESIS, digest_of, history_digest_of
from audit.history import HISTORY_LOCK_NAMESPACE, table_lock_key
from audit.models import AuditEvent
from audit.services import CHAIN_LOCK_NAMESPACE
from clients.models import Client
from contraindications.engine import (
    RULE_CASES_DIR,
    Decision,
    Plan,
    catalogue_checksum,
    check_plan,
    ruleset_checksum,
    screen_answers,
)
from contraindications.engine import Screening as EngineScreening
from demo.answers import demo_answers
from demo.builders import _consent, stored_signature_png, submitted_intake_row
from intake.models import Intake
from review.models import (
    PhysicianClearance,
    ReferralDecision,
    ReferralDecisionRule,
    Screening,
    ScreeningFinding,
    TreatmentPlan,
)
from review.services import plan_fields
from rules.models import RuleSetActivation, RuleSetVersion
from rules.selectors import active_or_none, active_version, compiled

SEED = 20260602  # the same history every run
WEEKS = 26
CLIENTS = 300
SWITCH_WEEK = 13  # the current rule set replaces the earlier one this many weeks back
# The earlier rule set: the current one without rules "added since" (demo data, labelled so).
EARLIER_SUFFIX = "-earlier-demo"
EARLIER_SOURCE = "Demo data: the clinic's earlier rule set (the current one without 3 rules)"
ADDED_SINCE = ["VARICOSE-VEINS", "BACK-PAIN-NEW-OVER-50", "HEAD-INJURY-ON-BLOOD-THINNER"]

# (username, first, last, share of the visits, how often they keep a plan against the rules)
THERAPISTS = [
    ("therapist", "Theo", "Hart", 3, 0.25),
    ("nadia", "Nadia", "Brennan", 3, 0.04),
    ("kofi", "Kofi", "Mensah", 2, 0.60),
    ("lena", "Lena", "Fischer", 2, 0.35),
    ("raj", "Raj", "Iyer", 2, 0.15),
]
# Decisions and how common each is among the clinic's visits.
DECISION_WEIGHTS = {
    Decision.PROCEED: 38,
    Decision.MODIFY: 34,
    Decision.CLEARANCE_REQUIRED: 8,
    Decision.POSTPONE: 7,
    Decision.REFER: 7,
    Decision.REFER_URGENT: 6,
}
FIRST = [
    "Adriana", "Alejandro", "Alice", "Amir", "Ana", "Andrea", "Anton", "Beatriz", "Benjamin",
    "Camila", "Caroline", "Chloe", "Claire", "Daniela", "David", "Diego", "Dmitri", "Eleanor",
    "Elif", "Emma", "Esther", "Felipe", "Fiona", "Francesca", "Gabriel", "Hana", "Hugo", "Imani",
    "Irene", "Isaac", "Ivan", "Jamal", "Javier", "Joanna", "Jorge", "Julia", "Kaito", "Karen",
    "Kwame", "Laura", "Leila", "Lucia", "Marco", "Margaret", "Marta", "Mei", "Michael", "Miguel",
    "Nadia", "Nicolas", "Nina", "Olga", "Oscar", "Patricia", "Paula", "Pedro", "Rachel", "Rosa",
    "Ruth", "Samir", "Sara", "Sean", "Simone", "Stefan", "Tariq", "Teresa", "Thomas", "Valeria",
    "Victor", "Wen", "Yara", "Yusuf"
]  # fmt: skip
LAST = [
    "Abbott", "Acosta", "Adeyemi", "Alvarez", "Andersen", "Baker", "Bennett", "Cardenas",
    "Castillo", "Chowdhury", "Cohen", "Costa", "Delgado", "Dubois", "Edwards", "Ferreira",
    "Fitzgerald", "Fuentes", "Goldberg", "Gonzalez", "Gupta", "Herrera", "Hoffman", "Hughes",
    "Ibrahim", "Jensen", "Kaplan", "Kowalski", "Larsen", "Lindqvist", "Mahmoud", "Marino",
    "Mendoza", "Moreau", "Nakamura", "Navarro", "Nguyen", "O'Connell", "Ortega", "Park", "Pereira",
    "Quinn", "Ramirez", "Reyes", "Rivera", "Romero", "Sato", "Schmidt", "Sharma", "Sullivan",
    "Takahashi", "Torres", "Vargas", "Vasquez", "Watanabe", "Weber", "Yilmaz", "Zhang"
]  # fmt: skip
STREETS = ["Harbor Street", "Elm Avenue", "Maple Road", "Beacon Street", "Summer Street"]
PHYSICIANS = [
    ("Dr. Rebecca Lang", "Harbor Family Medicine", "+16175550142", "+16175550143"),
    ("Dr. Samuel Ortiz", "Harbor Family Medicine", "+16175550144", "+16175550145"),
    ("Dr. Priya Natarajan", "Back Bay Primary Care", "+16175550152", "+16175550153"),
    ("Dr. Henry Walsh", "Southside Health Center", "+16175550162", "+16175550163"),
]
# Why a therapist kept a plan the rules advised against, or went ahead despite a referral.
PLAN_OVERRIDE_REASONS = [
    "Long-standing and stable; the client's physician confirmed it at their last visit. "
    "Light pressure only over the area.",
    "Client asked to keep the usual routine; worked the area briefly with light strokes.",
    "Checked with the client before the session: no change since last time, letter on file.",
    "Treated around the area, not on it; the plan lists it for the client's own record.",
]
REFERRAL_OVERRIDE_REASONS = [
    "Seen by their physician this week for the same finding (letter on file); relaxation "
    "massage away from the area only.",
    "Known, investigated condition; the physician's note allows gentle massage.",
]
CLEARANCE_NOTES = [
    "Letter on file: gentle massage is fine, light pressure, no deep work.",
    "Faxed note from the physician: cleared for relaxation massage.",
]
STAFF_ADDRESSES = {"frontdesk": "192.168.10.20", "owner": "192.168.10.21"}
PLAN_WISHES = [
    {"modalities": ["deep_tissue"], "regions": ["upper_back", "neck", "lumbar_spine"],
     "pressure": 4, "position": "prone"},
    {"modalities": ["swedish"], "regions": ["upper_back", "calf_left", "calf_right"],
     "pressure": 3, "position": "prone"},
    {"modalities": ["hot_stone", "swedish"], "regions": ["upper_back", "shoulder_left"],
     "pressure": 3, "position": "prone"},
    {"modalities": ["trigger_point"], "regions": ["neck", "shoulder_right", "abdomen"],
     "pressure": 4, "position": "supine"},
]  # fmt: skip


@dataclass
class Staff:
    frontdesk: User
    owner: User
    therapists: list[tuple[User, float]]  # (therapist, override rate)

    def address(self, user: User) -> str:
        """The clinic-network address the trail shows for `user`'s requests."""
        if user.username in STAFF_ADDRESSES:
            return STAFF_ADDRESSES[user.username]
        return f"192.168.10.{30 + [t.pk for t, _ in self.therapists].index(user.pk)}"


@dataclass
class History:
    """What one run wrote, for the tests and the console."""

    clients: int = 0
    screenings: int = 0
    decisions: dict[str, int] = field(default_factory=dict)
    plans: int = 0
    overrides: int = 0
    referral_decisions: int = 0
    clearances: int = 0
    events: int = 0


# --- Writing as given ---------------------------------------------------------------------------


def insert_as_given(model: type[models.Model], objs: Sequence[models.Model], batch: int = 500):
    """Insert `objs` with every value as set, `auto_now_add` times included (the raw insert
    fixtures take), batched; set their primary keys."""
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    relations: list[Any] = [f for f in fields if f.is_relation]
    returning = model._meta.db_returning_fields
    for obj in objs:
        for relation in relations:  # a related row inserted after `obj` was built
            if getattr(obj, relation.attname) is None and relation.is_cached(obj):
                related = relation.get_cached_value(obj)
                if related is not None:
                    setattr(obj, relation.attname, related.pk)
    for start in range(0, len(objs), batch):
        chunk = list(objs[start : start + batch])
        rows = model._base_manager._insert(  # type: ignore[attr-defined]
            chunk, fields=fields, returning_fields=returning, raw=True
        )
        for obj, row in zip(chunk, rows, strict=True):
            obj.pk = row[0]
            obj._state.adding = False
            obj._state.db = "default"


def add_history(model: type[models.Model], rows: Sequence[tuple[Any, Any, Any]]):
    """One chained row-change history row per (instance, when, who): what the tracked model's
    save leaves (audit/history.py), written in bulk after taking the table's chain lock."""
    historical = model.history.model  # type: ignore[attr-defined]
    table = historical._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [HISTORY_LOCK_NAMESPACE, table_lock_key(table)],
            )
    prev = (
        historical._base_manager.order_by("-history_id")
        .values_list("history_hash", flat=True)
        .first()
        or GENESIS
    )
    made = []
    for instance, when, user in rows:
        row = historical(
            history_date=when,
            history_type="+",
            history_user=user,
            history_change_reason=None,
            history_ip=None,
            **{f.attname: getattr(instance, f.attname) for f in historical.tracked_fields},
        )
        row.history_prev_hash = prev
        row.history_hash = prev = history_digest_of(row, prev)
        made.append(row)
    historical._base_manager.bulk_create(made, batch_size=500)


class Trail:
    """The clinic's audit events, collected out of order and appended in time order."""

    def __init__(self, clinic: Clinic):
        self.clinic = clinic
        self.pending: list[tuple[datetime, int, dict[str, Any]]] = []

    def add(self, at, actor, action, target, detail="", ip=None) -> None:
        object_id = getattr(target, "public_id", None) or target.pk
        self.pending.append(
            (
                at,
                len(self.pending),
                {
                    "actor": actor,
                    "action": action,
                    "object_type": target._meta.label,
                    "object_id": str(object_id),
                    "detail": detail[:500],
                    "ip_address": ip,
                },
            )
        )

    def write(self) -> int:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", [CHAIN_LOCK_NAMESPACE, self.clinic.pk]
                )
        prev = (
            AuditEvent.objects.filter(clinic_id=self.clinic.pk)
            .order_by("-id")
            .values_list("hash", flat=True)
            .first()
            or GENESIS
        )
        events = []
        for at, _, values in sorted(self.pending, key=lambda item: (item[0], item[1])):
            event = AuditEvent(clinic_id=self.clinic.pk, at=at, prev_hash=prev, **values)
            event.hash = prev = digest_of(event, prev)
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=1000)
        return len(events)


# --- The people ---------------------------------------------------------------------------------


def _staff(clinic: Clinic) -> Staff:
    group = Group.objects.get(name=Role.THERAPIST.value)
    therapists = []
    for username, first, last, _, rate in THERAPISTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "clinic": clinic}
        )
        if created:
            user.set_unusable_password()  # in the figures only; nobody logs in as them
            user.save()
            user.groups.add(group)
        therapists.append((user, rate))
    return Staff(
        frontdesk=User.objects.get(username="frontdesk"),
        owner=User.objects.get(username="owner"),
        therapists=therapists,
    )


def _names(rng: random.Random, taken: set[str]) -> list[str]:
    names: list[str] = []
    pairs = [(first, last) for first in FIRST for last in LAST]
    rng.shuffle(pairs)
    for first, last in pairs:
        name = f"{first} {last}"
        if name not in taken:
            names.append(name)
            taken.add(name)
        if len(names) == CLIENTS:
            break
    return names


# --- The rule sets ------------------------------------------------------------------------------


def _earlier_version(current: RuleSetVersion, owner: User, loaded_at: datetime, trail: Trail):
    """The demo's earlier rule set (the current one without ADDED_SINCE), stored once."""
    version_name = f"{current.version}{EARLIER_SUFFIX}"[:40]
    existing = RuleSetVersion.objects.filter(version=version_name).first()
    if existing is not None:
        return existing
    data = json.loads(json.dumps(current.rules))
    data["version"] = version_name
    data["rules"] = [rule for rule in data["rules"] if rule["id"] not in ADDED_SINCE]
    earlier = RuleSetVersion(
        version=version_name,
        checksum=ruleset_checksum(data),
        catalogue_version=current.catalogue_version,
        rules=data,
        catalogue=current.catalogue,
        catalogue_checksum=catalogue_checksum(current.catalogue),
        rule_count=len(data["rules"]),
        source_name=EARLIER_SOURCE,
        loaded_at=loaded_at,
        loaded_by=owner,
    )
    compiled(earlier)  # refuses a rule set the engine would not load, before it is stored
    insert_as_given(RuleSetVersion, [earlier])
    add_history(RuleSetVersion, [(earlier, loaded_at, owner)])
    trail.add(
        loaded_at,
        owner,
        AuditEvent.Action.CREATE,
        earlier,
        f"rule set {earlier.version} loaded into the installation's library",
    )
    return earlier


def _activate(clinic, version, previous, owner, at, trail: Trail) -> None:
    RuleSetActivation.objects.create(
        clinic=clinic, version=version, activated_by=owner, activated_at=at
    )
    trail.add(
        at,
        owner,
        AuditEvent.Action.UPDATE,
        version,
        f"rule set {version.version} activated for this clinic"
        + (f" (replacing {previous.version})" if previous is not None else ""),
        STAFF_ADDRESSES["owner"],
    )


# --- The answers --------------------------------------------------------------------------------


def _profiles(version: RuleSetVersion) -> dict[Decision, list[dict]]:
    """Complete answer sets by the decision they give, from the rules' own test cases (each
    case's answers over the "nothing to report" baseline)."""
    catalogue, ruleset = compiled(version)
    pool: dict[Decision, list[dict]] = {decision: [] for decision in DECISION_WEIGHTS}
    for path in sorted(RULE_CASES_DIR.glob("[!_]*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            answers = demo_answers(**case["answers"])
            _, result = screen_answers(catalogue, ruleset, answers)
            if all(f.rule_id in ruleset.by_id for f in result.findings):  # complete answers
                pool[result.decision].append(answers)
    pool[Decision.PROCEED].append(demo_answers())
    return pool


# --- The visits ---------------------------------------------------------------------------------


@dataclass
class Visit:
    client: Client
    at: datetime
    therapist: User
    override_rate: float
    answers: dict
    intake: Intake | None = None
    screening: Screening | None = None
    outcome: EngineScreening | None = None


def _visit_times(rng: random.Random, today: date, count: int) -> list[datetime]:
    """`count` appointment times over the WEEKS weeks before today, Monday to Saturday 9 to 6,
    a little busier in recent weeks (the clinic is growing)."""
    start = today - timedelta(weeks=WEEKS)
    days = [
        start + timedelta(days=n)
        for n in range((today - start).days)
        if (start + timedelta(days=n)).weekday() < 6
    ]
    weights = [1 + index / len(days) for index in range(len(days))]
    chosen = sorted(rng.choices(days, weights=weights, k=count))
    tz = timezone.get_current_timezone()
    return sorted(
        timezone.make_aware(
            datetime.combine(day, time(rng.randint(9, 17), rng.choice([0, 15, 30, 45]))), tz
        )
        + timedelta(seconds=rng.randint(0, 59), microseconds=rng.randint(0, 999_999))
        for day in chosen
    )


def _clients(clinic, staff, rng, names, first_visits, trail) -> list[Client]:
    clients = []
    for index, (name, first_visit) in enumerate(zip(names, first_visits, strict=True)):
        created = first_visit - timedelta(days=rng.randint(1, 10), minutes=rng.randint(1, 300))
        physician, practice, phone, fax = PHYSICIANS[index % len(PHYSICIANS)]
        first = name.split()[0]
        clients.append(
            Client(
                clinic=clinic,
                legal_name=name,
                date_of_birth=date(rng.randint(1945, 2005), rng.randint(1, 12), rng.randint(1, 28)),
                phone=f"+1617{rng.randint(2000000, 9999999)}",
                email=f"{first.lower()}.{index}@example.com",
                address=f"{rng.randint(1, 400)} {rng.choice(STREETS)}\nBoston, MA 02110",
                preferred_language="es" if rng.random() < 0.18 else "en",
                emergency_contact_name="Partner on file",
                emergency_contact_relationship=rng.choice(["Partner", "Sister", "Son", "Friend"]),
                emergency_contact_phone=f"+1617{rng.randint(2000000, 9999999)}",
                physician_name=physician,
                physician_practice=practice,
                physician_phone=phone,
                physician_fax=fax,
                physician_email="referrals@example.com",
                created_at=created,
                created_by=staff.frontdesk,
                updated_at=created,
                updated_by=staff.frontdesk,
            )
        )
    insert_as_given(Client, clients)
    add_history(Client, [(c, c.created_at, staff.frontdesk) for c in clients])
    for client in clients:
        trail.add(
            client.created_at,
            staff.frontdesk,
            AuditEvent.Action.CREATE,
            client,
            ip=STAFF_ADDRESSES["frontdesk"],
        )
    return clients


def _pick_answers(rng, pool, client, at) -> dict:
    decision = rng.choices(list(DECISION_WEIGHTS), weights=list(DECISION_WEIGHTS.values()))[0]
    answers = dict(rng.choice(pool[decision] or pool[Decision.PROCEED]))
    born = client.date_of_birth
    answers["age"] = at.year - born.year - ((at.month, at.day) < (born.month, born.day))
    return answers


def _screening(visit: Visit, version: RuleSetVersion, at: datetime, cleared=frozenset()):
    """The screening of the visit's intake (the outcome already computed, unless `cleared`)."""
    catalogue, ruleset = compiled(version)
    if cleared or visit.outcome is None:
        inputs, outcome = screen_answers(
            catalogue, ruleset, visit.answers, cleared_rule_ids=cleared
        )
    else:
        inputs, outcome = visit.answers, visit.outcome
    screening = Screening(
        clinic_id=visit.client.clinic_id,
        client=visit.client,
        intake=visit.intake,
        ruleset=version,
        decision=outcome.decision.value,
        inputs=inputs,
        result=outcome.to_dict(),
        cleared_rule_ids=sorted(cleared),
        performed_by=visit.therapist,
        created_at=at,
    )
    return screening, outcome, inputs


@dataclass
class Batch:
    screenings: list[Screening] = field(default_factory=list)
    plans: list[TreatmentPlan] = field(default_factory=list)
    decisions: list[ReferralDecision] = field(default_factory=list)


def _plan(screening, outcome, visit, rng, at) -> TreatmentPlan | None:
    wish = {**rng.choice(PLAN_WISHES), "duration_minutes": rng.choice([30, 45, 60, 60, 90])}
    wanted = Plan.from_dict(wish)
    check = check_plan(outcome, wanted)
    reason = ""
    plan = wanted
    if not check.ok:
        if rng.random() < visit.override_rate:
            reason = rng.choice(PLAN_OVERRIDE_REASONS)
        elif check.nearest_plan is not None:
            plan = check.nearest_plan
            check = check_plan(outcome, plan)
        else:
            return None
    if not check.ok and not reason:
        return None
    return TreatmentPlan(
        **plan_fields(screening=screening, plan=plan, check=check, override_reason=reason),
        created_by=visit.therapist,
        created_at=at,
    )


def _about(screening: Screening) -> dict:
    """What a referral decision or a clearance copies from the screening it is about (the
    review services copy the same); the objects, so that the unsaved rows can be followed."""
    return {
        "clinic_id": screening.clinic_id,
        "client": screening.client,
        "screening": screening,
        "ruleset": screening.ruleset,
    }


def _decision(screening, outcome, visit, rng, at) -> ReferralDecision | None:
    actionable = [f for f in outcome.findings if f.decision.actionable]
    if not actionable:
        return None
    urgent = any(f.decision is Decision.REFER_URGENT for f in actionable)
    override = rng.random() < visit.override_rate * (0.15 if urgent else 0.5)
    client = visit.client
    physician = f"{client.physician_name}, {client.physician_practice}"
    if override:
        action, fields = (
            ReferralDecision.Action.OVERRIDDEN,
            {
                "reason": rng.choice(REFERRAL_OVERRIDE_REASONS),
                "urgent_override_confirmed": urgent,
            },
        )
    elif outcome.decision is Decision.CLEARANCE_REQUIRED and rng.random() < 0.3:
        action, fields = ReferralDecision.Action.POSTPONED, {}
    else:
        action = ReferralDecision.Action.REFERRED
        fields = {
            "referred_to": physician,
            "method": rng.choice(["phone", "emergency"])
            if urgent
            else rng.choice(["letter", "fax", "email", "client_self"]),
            "urgency": rng.choice(["emergency", "today"])
            if urgent
            else rng.choice(["within_week", "routine"]),
            "request_text": "Please assess before any further massage."
            if urgent
            else "Please let us know in writing whether massage is suitable, and any limits.",
        }
    rule_ids = sorted({f.rule_id for f in actionable})
    decision = ReferralDecision(
        **_about(screening),
        rule_ids=rule_ids,
        urgent=urgent,
        action=action,
        decided_by=visit.therapist,
        decided_at=at,
        **fields,
    )
    by_id = {f.rule_id: f for f in actionable}
    decision._rule_rows = [  # type: ignore[attr-defined]
        ReferralDecisionRule(
            clinic_id=screening.clinic_id,
            rule_id=rule_id,
            category=by_id[rule_id].category,
            action=action,
            decided_by=visit.therapist,
            decided_at=at,
        )
        for rule_id in rule_ids
    ]
    return decision


def _write_screenings(screenings: list[Screening]) -> None:
    insert_as_given(Screening, screenings)
    ScreeningFinding.objects.bulk_create(
        [row for s in screenings for row in ScreeningFinding.rows_for(s)], batch_size=1000
    )


def _write_reviews(batch: Batch, trail: Trail, staff: Staff) -> None:
    insert_as_given(TreatmentPlan, batch.plans)
    for plan in batch.plans:
        trail.add(
            plan.created_at,
            plan.created_by,
            AuditEvent.Action.CREATE,
            plan,
            "treatment plan" + ("" if plan.compliant else " (override)"),
            staff.address(plan.created_by),
        )
    insert_as_given(ReferralDecision, batch.decisions)
    rule_rows = []
    for decision in batch.decisions:
        for row in decision._rule_rows:  # type: ignore[attr-defined]
            row.decision = decision
            rule_rows.append(row)
        trail.add(
            decision.decided_at,
            decision.decided_by,
            AuditEvent.Action.CREATE,
            decision,
            f"referral decision: {decision.action}",
            staff.address(decision.decided_by),
        )
    ReferralDecisionRule.objects.bulk_create(rule_rows, batch_size=1000)


@transaction.atomic
def seed_demo_history(clinic: Clinic, *, today: date | None = None) -> History:
    """Six months of the clinic's history (once); returns what it wrote (nothing when the
    clinic has it already)."""
    if active_or_none() is None:
        call_command("load_rules", verbosity=0)
    current = active_version(clinic)
    if Screening.objects.filter(clinic=clinic, ruleset__source_name=EARLIER_SOURCE).exists():
        return History()
    rng = random.Random(SEED)  # noqa: S311  # nosec B311 - demo data, not security
    today = today or timezone.localdate()
    now = timezone.now()
    staff = _staff(clinic)
    trail = Trail(clinic)
    start = timezone.make_aware(
        datetime.combine(today - timedelta(weeks=WEEKS), time(8, 0)),
        timezone.get_current_timezone(),
    )
    switch = start + timedelta(weeks=WEEKS - SWITCH_WEEK)
    earlier = _earlier_version(current, staff.owner, start - timedelta(days=3), trail)
    _activate(clinic, earlier, None, staff.owner, start - timedelta(days=2), trail)
    _activate(clinic, current, earlier, staff.owner, switch, trail)
    pools = {earlier.pk: _profiles(earlier), current.pk: _profiles(current)}

    taken = set(Client.objects.for_clinic(clinic.pk).values_list("legal_name", flat=True))
    names = _names(rng, taken)
    # Most clients come two or three times; a few are regulars.
    visits_of = [rng.choices([1, 2, 3, 4], weights=[25, 35, 25, 15])[0] for _ in names]
    times = _visit_times(rng, today, sum(visits_of))
    order = [index for index, n in enumerate(visits_of) for _ in range(n)]
    rng.shuffle(order)
    by_client: dict[int, list[datetime]] = {}
    for index, at in zip(order, times, strict=True):
        by_client.setdefault(index, []).append(at)
    firsts = [by_client[index][0] for index in range(len(names))]
    clients = _clients(clinic, staff, rng, names, firsts, trail)

    weights = [share for *_, share, _ in THERAPISTS]
    own_therapist = [rng.choices(staff.therapists, weights=weights)[0] for _ in clients]
    rounds: list[list[Visit]] = [[] for _ in range(max(visits_of))]
    for index, client in enumerate(clients):
        for number, at in enumerate(by_client[index]):
            therapist, rate = (
                own_therapist[index]
                if rng.random() < 0.8
                else rng.choices(staff.therapists, weights=weights)[0]
            )
            version = current if at >= switch else earlier
            answers = _pick_answers(rng, pools[version.pk], client, at)
            rounds[number].append(Visit(client, at, therapist, rate, answers))

    consent = {lang: _consent(lang) for lang in ("en", "es")}
    png = stored_signature_png()
    made = History(clients=len(clients))
    previous: dict[int, Intake] = {}
    batch = Batch()
    for visits in rounds:  # each round's intakes point at the round before (an update intake)
        intakes = []
        for visit in visits:
            version = current if visit.at >= switch else earlier
            catalogue, ruleset = compiled(version)
            inputs, outcome = screen_answers(catalogue, ruleset, visit.answers)
            if any(f.rule_id not in ruleset.by_id for f in outcome.findings):
                # The client's age made a follow-up question appear: a plain visit instead.
                plain = demo_answers(age=visit.answers["age"])
                inputs, outcome = screen_answers(catalogue, ruleset, plain)
            visit.answers = inputs
            visit.outcome = outcome
            visit.intake = submitted_intake_row(
                client=visit.client,
                answers=inputs,
                catalogue_version=catalogue.version,
                consent=consent.get(visit.client.preferred_language) or consent["en"],
                started_by=staff.frontdesk,
                started_at=visit.at - timedelta(minutes=14),
                submitted_at=visit.at - timedelta(minutes=2),
                previous=previous.get(visit.client.pk),
                signature_png_bytes=png,
            )
            intakes.append(visit.intake)
        insert_as_given(Intake, intakes)
        add_history(Intake, [(i, i.submitted_at, i.started_by) for i in intakes])
        for visit in visits:
            intake = visit.intake
            assert intake is not None
            previous[visit.client.pk] = intake
            trail.add(
                intake.started_at,
                staff.frontdesk,
                AuditEvent.Action.VIEW,
                visit.client,
                "client record",
                STAFF_ADDRESSES["frontdesk"],
            )
            trail.add(
                intake.started_at,
                staff.frontdesk,
                AuditEvent.Action.CREATE,
                intake,
                f"intake started ({intake.kind})",
                STAFF_ADDRESSES["frontdesk"],
            )
            version = current if visit.at >= switch else earlier
            visit.screening, visit.outcome, _ = _screening(visit, version, visit.at)
            batch.screenings.append(visit.screening)
    _write_screenings(batch.screenings)

    rescreens: list[tuple[Visit, PhysicianClearance]] = []
    for visits in rounds:
        for visit in visits:
            assert visit.screening is not None
            assert visit.outcome is not None
            screening, outcome = visit.screening, visit.outcome
            address = staff.address(visit.therapist)
            read_at = visit.at + timedelta(minutes=1, seconds=rng.randint(0, 50))
            trail.add(
                read_at, visit.therapist, AuditEvent.Action.VIEW, screening, "clinical detail",
                address,
            )  # fmt: skip
            decided_at = visit.at + timedelta(minutes=rng.randint(3, 9))
            if outcome.decision.may_proceed:
                plan = _plan(screening, outcome, visit, rng, decided_at)
                if plan is not None:
                    batch.plans.append(plan)
                    if rng.random() < 0.15:
                        trail.add(
                            decided_at + timedelta(minutes=1), visit.therapist,
                            AuditEvent.Action.EXPORT, screening, "session summary PDF", address,
                        )  # fmt: skip
                continue
            decision = _decision(screening, outcome, visit, rng, decided_at)
            if decision is None:
                continue
            batch.decisions.append(decision)
            trail.add(
                decided_at - timedelta(seconds=30), visit.therapist, AuditEvent.Action.VIEW,
                screening, "referral decision form", address,
            )  # fmt: skip
            clearable = sorted(f.rule_id for f in outcome.findings if f.decision.clearable)
            if (
                outcome.decision is Decision.CLEARANCE_REQUIRED
                and clearable
                and rng.random() < 0.65
            ):
                recorded = visit.at + timedelta(days=rng.randint(3, 18), hours=rng.randint(0, 3))
                if recorded >= now - timedelta(hours=1):
                    continue
                cleared_on = recorded.date() - timedelta(days=rng.randint(0, 2))
                physician = visit.client.physician_name
                clearance = PhysicianClearance(
                    **_about(screening),
                    physician_name=physician,
                    cleared_on=cleared_on,
                    expires_on=cleared_on + timedelta(days=rng.choice([28, 56, 90])),
                    rule_ids=clearable,
                    notes=rng.choice(CLEARANCE_NOTES),
                    recorded_by=visit.therapist,
                    recorded_at=recorded,
                )
                rescreens.append((visit, clearance))

    # Clearances, and the re-screening each one triggers (with the rule set in use by then).
    clearances = [clearance for _, clearance in rescreens]
    insert_as_given(PhysicianClearance, clearances)
    again = []
    for visit, clearance in rescreens:
        trail.add(
            clearance.recorded_at, visit.therapist, AuditEvent.Action.CREATE, clearance,
            "physician clearance", staff.address(visit.therapist),
        )  # fmt: skip
        version = current if clearance.recorded_at >= switch else earlier
        rescreened, outcome, _ = _screening(
            visit, version, clearance.recorded_at, frozenset(clearance.rule_ids)
        )
        again.append(rescreened)
        if outcome.decision.may_proceed:
            plan = _plan(
                rescreened, outcome, visit, rng, clearance.recorded_at + timedelta(hours=1)
            )
            if plan is not None:
                batch.plans.append(plan)
    _write_screenings(again)
    _write_reviews(batch, trail, staff)

    made.screenings = len(batch.screenings) + len(again)
    for stored in [*batch.screenings, *again]:
        made.decisions[stored.decision] = made.decisions.get(stored.decision, 0) + 1
    made.plans = len(batch.plans)
    made.overrides = sum(not p.compliant for p in batch.plans) + sum(
        d.action == ReferralDecision.Action.OVERRIDDEN for d in batch.decisions
    )
    made.referral_decisions = len(batch.decisions)
    made.clearances = len(clearances)
    made.events = trail.write()
    return made
