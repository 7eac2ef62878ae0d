"""Clinical sign-off on the owner's rule-set pages: which rules of a version a clinician has
reviewed, and the clinic's rule that only fully reviewed versions may be activated.

Reviews are recorded by `manage.py review_rule` or the rule set's fixture (rules/services.py);
an owner reads them here and cannot add one.
"""

from dataclasses import dataclass

from django.db.models import Count

from rules.models import RuleReview, RuleSetVersion
from rules.selectors import requires_review, reviews_by_rule


@dataclass(frozen=True)
class RuleSignOff:
    rule_id: str
    title: str
    reviews: list[RuleReview]

    @property
    def reviewed(self) -> bool:
        return bool(self.reviews)


@dataclass(frozen=True)
class SignOff:
    rules: list[RuleSignOff]
    required: bool  # this clinic only activates versions with every rule reviewed

    @property
    def reviewed_count(self) -> int:
        return sum(1 for r in self.rules if r.reviewed)

    @property
    def unreviewed(self) -> list[RuleSignOff]:
        return [r for r in self.rules if not r.reviewed]

    @property
    def complete(self) -> bool:
        return not self.unreviewed


def sign_off(version: RuleSetVersion, clinic) -> SignOff:
    """Each rule of `version` with its reviews, in rule-set order (two queries)."""
    by_rule = reviews_by_rule(version)
    return SignOff(
        rules=[
            RuleSignOff(rule["id"], rule.get("title", ""), by_rule.get(rule["id"], []))
            for rule in version.rules.get("rules", [])
        ],
        required=requires_review(clinic),
    )


def reviewed_counts() -> dict[int, int]:
    """Version id -> how many distinct rules of it have a review (one query)."""
    rows = RuleReview.objects.values("version_id").annotate(n=Count("rule_id", distinct=True))
    return {row["version_id"]: row["n"] for row in rows}
