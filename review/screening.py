"""Screening workflows: run the engine on an intake and keep the result reproducibly."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from contraindications.engine import Screening as EngineScreening
from contraindications.engine import screen_answers
from intake.models import Intake
from review.models import Screening, ScreeningFinding
from rules.models import RuleSetVersion
from rules.selectors import active_version, compiled

# The fail-safe policy (unreadable or incomplete answers give "refer") is the engine's:
# contraindications/engine/policy.py.


def evaluate_stored_answers(
    version: RuleSetVersion, raw_answers: Any, cleared_rule_ids: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(inputs snapshot, result) of stored answers under a rule-set version; never raises for
    bad answers: they give a `refer` result instead."""
    inputs, result = evaluate(version, raw_answers, cleared_rule_ids)
    return inputs, result.to_dict()


def evaluate(
    version: RuleSetVersion, raw_answers: Any, cleared_rule_ids: Iterable[str]
) -> tuple[dict[str, Any], EngineScreening]:
    """As evaluate_stored_answers, with the typed engine result."""
    catalogue, ruleset = compiled(version)
    return screen_answers(
        catalogue, ruleset, raw_answers, cleared_rule_ids=frozenset(cleared_rule_ids)
    )


@transaction.atomic
def screen_intake(
    *,
    intake: Intake,
    performed_by: Any = None,
    cleared_rule_ids: frozenset[str] = frozenset(),
    version: RuleSetVersion | None = None,
) -> Screening:
    """Screen a submitted intake with its clinic's rule set and store the result. `version`:
    that rule set when the caller has read it already (`rules.selectors.version_read_along`)."""
    if version is None:
        version = active_version(intake.clinic_id)
    inputs, outcome = evaluate(version, intake.answers, cleared_rule_ids)
    screening = Screening.objects.create(
        clinic_id=intake.clinic_id,
        client_id=intake.client_id,
        intake=intake,
        ruleset=version,
        decision=outcome.decision.value,
        inputs=inputs,
        result=outcome.to_dict(),
        cleared_rule_ids=sorted(cleared_rule_ids),
        performed_by=performed_by,
    )
    # One row per finding, for the owners' per-rule figures (oversight/fatigue.py).
    ScreeningFinding.objects.bulk_create(ScreeningFinding.rows_for(screening))
    return screening


def reproduce(screening: Screening) -> dict[str, Any]:
    """Recompute a stored screening with the rule set it was made with."""
    return evaluate_stored_answers(screening.ruleset, screening.inputs, screening.cleared_rule_ids)[
        1
    ]
