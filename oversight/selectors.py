"""Read-only queries for the owners' pages. Every query starts from the owner's clinic, and every
aggregate is computed by the database: the dashboard runs a fixed number of queries however
many screenings and decisions a clinic has (tests/oversight/test_dashboard.py counts them).
"""

from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import cached_property

from django.db.models import (
    Avg,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
)
from django.db.models.functions import TruncWeek
from django.shortcuts import get_object_or_404

from accounts.models import User
from contraindications.engine import Decision
from oversight import fatigue as fatigue_figures
from oversight.fatigue import RuleFatigue, rule_fatigue
from oversight.filters import DecisionFilters
from oversight.words import category_name, rule_name, rule_titles
from review.models import ReferralDecision, ReferralDecisionRule, Screening

ACTIONS = [value for value, _ in ReferralDecision.Action.choices]
ACTION_LABELS = dict(ReferralDecision.Action.choices)
OVERRIDDEN = ReferralDecision.Action.OVERRIDDEN.value
LIST_PAGE_SIZE = 50


def clinic_staff(user):
    """Staff of the owner's clinic who can decide (for the therapist filter)."""
    return User.objects.filter(clinic_id=user.clinic_id).only(
        "pk", "username", "first_name", "last_name"
    )


def deciding_staff(user):
    """Staff of the owner's clinic who made a referral decision (the decisions' therapist
    filter lists only the people it can filter by)."""
    deciders = ReferralDecision.objects.filter(clinic_id=user.clinic_id).values("decided_by_id")
    return clinic_staff(user).filter(pk__in=deciders).order_by("first_name", "last_name")


def _in_period(rows, user, filters: DecisionFilters):
    """Decisions, or their per-rule rows (which copy the same columns), of the user's clinic in
    the filters' period."""
    return rows.filter(
        clinic_id=user.clinic_id, decided_at__gte=filters.start, decided_at__lt=filters.end
    )


def _by_therapist_and_action(filters: DecisionFilters) -> Q:
    q = Q()
    if filters.therapist_id:
        q &= Q(decided_by_id=filters.therapist_id)
    if filters.action:
        q &= Q(action=filters.action)
    return q


def _narrowing(filters: DecisionFilters) -> Q:
    """The therapist, action and rule filters on decision-rule links (the period aside)."""
    q = _by_therapist_and_action(filters)
    if filters.rule_id:
        q &= Q(rule_id=filters.rule_id)
    return q


def decisions_for(user, filters: DecisionFilters):
    """The clinic's referral decisions matching the filters (newest first)."""
    decisions = _in_period(ReferralDecision.objects, user, filters).filter(
        _by_therapist_and_action(filters)
    )
    if filters.rule_id:
        # One link row per (decision, rule): the join never repeats a decision.
        decisions = decisions.filter(rule_links__rule_id=filters.rule_id)
    return decisions.order_by("-decided_at", "-id")


def rule_links_in_period(user, filters: DecisionFilters):
    return _in_period(ReferralDecisionRule.objects, user, filters)


def rule_links_for(user, filters: DecisionFilters):
    return rule_links_in_period(user, filters).filter(_narrowing(filters))


@dataclass
class Tally:
    """Counts per action for one row of a breakdown (a week, a therapist, a rule...)."""

    key: str
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    category: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def overridden(self) -> int:
        return self.counts[OVERRIDDEN]

    @property
    def override_rate(self) -> float:
        return self.overridden / self.total if self.total else 0.0


def _tallies(rows, key, label=lambda row, key: key, count="n") -> list[Tally]:
    tallies: dict = {}
    for row in rows:
        k = key(row)
        tally = tallies.get(k)
        if tally is None:
            tally = tallies[k] = Tally(key=str(k), label=label(row, k))
        tally.counts[row["action"]] = tally.counts.get(row["action"], 0) + row[count]
    return list(tallies.values())


def _person(row) -> str:
    name = f"{row['decided_by__first_name']} {row['decided_by__last_name']}".strip()
    return name or row["decided_by__username"]


@dataclass(frozen=True)
class UrgentSummary:
    total: int
    acted_on: int
    pending: int
    within_hour: int
    within_day: int
    average: timedelta | None
    slowest: timedelta | None

    @property
    def average_text(self) -> str:
        return duration_text(self.average)

    @property
    def slowest_text(self) -> str:
        return duration_text(self.slowest)


def duration_text(value: timedelta | None) -> str:
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} days {hours % 24} h"


def urgent_summary(user, filters: DecisionFilters) -> UrgentSummary:
    """Refer-urgent screenings in the period and how fast a referral decision followed."""
    # The first decision per screening by a join and GROUP BY, computed once per screening
    # (a correlated subquery here was repeated in every aggregate below: issue 16).
    screenings = (
        Screening.objects.filter(
            clinic_id=user.clinic_id,
            decision=Decision.REFER_URGENT.value,
            created_at__gte=filters.start,
            created_at__lt=filters.end,
        )
        .annotate(first_at=Min("referrals__decided_at"))
        .annotate(
            delay=ExpressionWrapper(F("first_at") - F("created_at"), output_field=DurationField())
        )
    )
    stats = screenings.aggregate(
        total=Count("id"),
        acted_on=Count("id", filter=Q(first_at__isnull=False)),
        within_hour=Count("id", filter=Q(delay__lte=timedelta(hours=1))),
        within_day=Count("id", filter=Q(delay__lte=timedelta(days=1))),
        average=Avg("delay"),
        slowest=Max("delay"),
    )
    return UrgentSummary(pending=stats["total"] - stats["acted_on"], **stats)


@dataclass(frozen=True)
class Dashboard:
    weeks: list[Tally]  # of the chosen therapist, or everyone
    therapists: list[Tally]  # the whole team
    rules: list[Tally]
    categories: list[Tally]
    urgent: UrgentSummary
    fatigue: list[RuleFatigue] = field(default_factory=list)  # per rule that fired

    # Worked out once per page (not per request: the object lives for one): the template reads
    # each three or four times, and each read went through every rule that fired.
    @cached_property
    def flagged_rules(self) -> list[RuleFatigue]:
        return [r for r in self.fatigue if r.flagged]

    @cached_property
    def fatigue_shown(self) -> list[RuleFatigue]:
        """Flagged rules first, then the most frequent, at most fatigue.SHOWN (or every flagged)."""
        return self.fatigue[: max(fatigue_figures.SHOWN, len(self.flagged_rules))]

    @property
    def total(self) -> int:
        return sum(t.total for t in self.weeks)

    @property
    def overridden(self) -> int:
        return sum(t.overridden for t in self.weeks)

    @property
    def override_rate(self) -> float:
        return self.overridden / self.total if self.total else 0.0


def dashboard(user, filters: DecisionFilters, *, titles: dict[str, str] | None = None) -> Dashboard:
    """Three queries whatever the number of rows: decisions per (week, therapist, action), per
    (rule, category, action), and the urgent-screening aggregate.

    The first is not filtered by therapist, so the therapist breakdown (and the therapist filter's
    choices) always shows the whole team; the weekly series is narrowed to the chosen therapist
    in Python, from the same rows.
    """
    team = replace(filters, therapist_id=None)
    rows = list(
        decisions_for(user, team)
        .order_by()
        # A date, not an aware datetime: no time-zone conversion per row in Python.
        .annotate(week=TruncWeek("decided_at", output_field=DateField()))
        .values(
            "week", "decided_by", "decided_by__first_name", "decided_by__last_name",
            "decided_by__username", "action",
        )
        .annotate(n=Count("id"))
    )  # fmt: skip
    mine = [r for r in rows if not filters.therapist_id or r["decided_by"] == filters.therapist_id]
    mine.sort(key=lambda row: row["week"])
    weeks = _tallies(mine, key=lambda row: row["week"], label=lambda row, k: k.strftime("%b %-d"))
    therapists = _tallies(
        rows, key=lambda row: row["decided_by"], label=lambda row, k: _person(row)
    )
    therapists.sort(key=lambda t: (-t.total, t.label))
    # One query for the rule and category tallies (narrowed by therapist, action, rule) and the
    # alert-fatigue table's (the whole team, every action): two counts over the same rows.
    narrowed = bool(filters.therapist_id or filters.action or filters.rule_id)
    counts = {"n": Count("id", filter=_narrowing(filters))} if narrowed else {"n": Count("id")}
    if narrowed:
        counts["everyone"] = Count("id")
    link_rows = list(
        rule_links_in_period(user, filters)
        .values("rule_id", "category", "action")
        .annotate(**counts)
        .order_by()
    )
    for row in link_rows:
        row["category"] = row["category"] or "other"
    by_rule = [row for row in link_rows if row["n"]]
    titles = rule_titles(user.clinic_id) if titles is None else titles
    rules = _tallies(
        by_rule, key=lambda row: row["rule_id"], label=lambda row, k: rule_name(k, titles)
    )
    category_of = {row["rule_id"]: row["category"] for row in by_rule}
    for tally in rules:
        tally.category = category_of[tally.key]
    rules.sort(key=lambda t: (-t.total, t.key))
    categories = _tallies(
        by_rule, key=lambda row: row["category"], label=lambda row, k: category_name(k)
    )
    categories.sort(key=lambda t: (-t.total, t.key))
    # Per-rule tallies over the whole team and every action, for the alert-fatigue table.
    if narrowed:
        all_rules = _tallies(link_rows, key=lambda row: row["rule_id"], count="everyone")
    else:
        all_rules = rules
    return Dashboard(
        weeks=weeks,
        therapists=therapists,
        rules=rules,
        categories=categories,
        urgent=urgent_summary(user, filters),
        fatigue=rule_fatigue(
            clinic_id=user.clinic_id,
            start=filters.start,
            end=filters.end,
            rule_tallies=all_rules,
            titles=titles,
        ),
    )


def decision_page(user, filters: DecisionFilters, *, page: int = 1):
    """One page of decisions (and whether there is a next one), without counting them all."""
    offset = (page - 1) * LIST_PAGE_SIZE
    rows = list(
        decisions_for(user, filters).select_related("client", "decided_by", "ruleset")[
            offset : offset + LIST_PAGE_SIZE + 1
        ]
    )
    return rows[:LIST_PAGE_SIZE], len(rows) > LIST_PAGE_SIZE


def get_decision_for(user, public_id) -> ReferralDecision:
    """A decision of the owner's clinic, or 404 (never 403: no hint that it exists)."""
    return get_object_or_404(
        ReferralDecision.objects.filter(
            clinic_id=user.clinic_id, client__clinic_id=user.clinic_id
        ).select_related("client", "decided_by", "ruleset", "screening"),
        public_id=public_id,
    )
