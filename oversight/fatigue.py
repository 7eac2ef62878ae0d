"""Alert fatigue, measured: per rule, how often it fires and how often therapists go against it.

A rule that fires often and is usually set aside trains therapists to skip alerts, the
dangerous ones included; such a rule is flagged for clinical review. For the owner's clinic and
the dashboard's period, per rule:

- **fired**: screenings whose findings include the rule (an indexed GROUP BY over
  ScreeningFinding, one row per finding copied from each screening's stored result);
- **overridden**: referral decisions "Overridden (session goes ahead)" that answer the rule's
  finding (ReferralDecisionRule, the dashboard's rule tallies: no extra query);
- **plan kept against it**: screenings whose saved plan breaks one of the rule's constraints,
  the therapist having overridden the plan check with a reason (aggregated in SQL over the
  violations stored as JSON on each non-compliant plan: `jsonb_array_elements` on PostgreSQL,
  `json_each` on SQLite).

Two queries whatever the number of screenings.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, IntegerField, Max, Subquery
from django.db.models.functions import Coalesce

from oversight.words import category_name
from review.models import Screening, ScreeningFinding

# A rule is flagged for clinical review when it fired at least FLAG_MIN_FIRES times in the period
# and was gone against (overridden, or a plan kept against it) in at least FLAG_RATE of them.
FLAG_MIN_FIRES = 20
FLAG_RATE = 0.30
# The dashboard lists the flagged rules and then the most frequent ones, this many in all.
SHOWN = 25

_PLANS_AGAINST = {
    "postgresql": """
        SELECT r.rule_id, count(DISTINCT p.screening_id)
          FROM contraindications_treatmentplan p
         CROSS JOIN LATERAL jsonb_array_elements(p.check_result -> 'violations') AS v(value)
         CROSS JOIN LATERAL jsonb_array_elements_text(v.value -> 'rule_ids') AS r(rule_id)
         WHERE p.clinic_id = %s AND NOT p.compliant AND p.created_at >= %s AND p.created_at < %s
         GROUP BY 1""",
    "sqlite": """
        SELECT r.value, count(DISTINCT p.screening_id)
          FROM contraindications_treatmentplan p, json_each(p.check_result, '$.violations') AS v,
               json_each(v.value, '$.rule_ids') AS r
         WHERE p.clinic_id = %s AND NOT p.compliant AND p.created_at >= %s AND p.created_at < %s
         GROUP BY 1""",
}


@dataclass(frozen=True)
class RuleFatigue:
    rule_id: str
    category: str
    fired: int
    overridden: int
    plan_against: int
    screenings: int  # all screenings of the period, for the firing rate
    title: str = ""  # the rule's name in the clinic's rule set

    @property
    def category_name(self) -> str:
        return category_name(self.category)

    @property
    def gone_against(self) -> int:
        return self.overridden + self.plan_against

    @property
    def fire_rate(self) -> float:
        return self.fired / self.screenings if self.screenings else 0.0

    @property
    def against_rate(self) -> float:
        # Overrides are dated by decision, firings by screening: near a period's edge the two
        # can differ, never by more than the decisions of a day or two.
        return min(1.0, self.gone_against / self.fired) if self.fired else 0.0

    @property
    def flagged(self) -> bool:
        return self.fired >= FLAG_MIN_FIRES and self.against_rate >= FLAG_RATE

    @property
    def fire_percent(self) -> int:
        return round(self.fire_rate * 100)

    @property
    def against_percent(self) -> int:
        return round(self.against_rate * 100)


def _rows(sql: dict, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.get(connection.vendor, sql["sqlite"]), params)
        return cursor.fetchall()


def rule_fatigue(*, clinic_id, start, end, rule_tallies, titles=None) -> list[RuleFatigue]:
    """Per rule that fired in [start, end): firings, overrides and plans kept against it,
    flagged rules first, then by how often the rule fired. `rule_tallies`: the dashboard's
    per-rule referral tallies for the same period (their overridden counts are used)."""
    window = [clinic_id, start, end]
    period = {"clinic_id": clinic_id, "created_at__gte": start, "created_at__lt": end}
    # All screenings of the period, as a scalar subquery of the same query.
    screenings = (
        Screening.objects.filter(**period)
        .order_by()
        .values("clinic_id")
        .annotate(c=Count("id"))
        .values("c")
    )
    fired = {
        row["rule_id"]: (row["category"], row["n"], row["total"])
        for row in ScreeningFinding.objects.filter(**period)
        .order_by()
        .values("clinic_id", "rule_id")
        .annotate(
            n=Count("id"),
            category=Max("category"),
            total=Coalesce(Subquery(screenings, output_field=IntegerField()), 0),
        )
    }
    against = dict(_rows(_PLANS_AGAINST, window))
    overridden = {t.key: t.overridden for t in rule_tallies}
    rows = [
        RuleFatigue(
            rule_id=rule_id,
            category=category or "other",
            fired=n,
            overridden=overridden.get(rule_id, 0),
            plan_against=against.get(rule_id, 0),
            screenings=total,
            title=(titles or {}).get(rule_id, ""),
        )
        for rule_id, (category, n, total) in fired.items()
        if rule_id
    ]
    rows.sort(key=lambda r: (not r.flagged, -r.fired, r.rule_id))
    return rows
