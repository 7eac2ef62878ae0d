"""Screening workflows: run the engine on an intake and keep the result reproducibly."""

from django.db import transaction

from contraindications.engine import (
    AnswerError,
    Decision,
    screen,
    validate_answers,
    visible_questions,
)
from review.models import Screening, ScreeningFinding
from rules.selectors import active_version, compiled

INVALID_ANSWERS = "invalid_answers"
INCOMPLETE_INTAKE = "incomplete_intake"


def _system_finding(*, rule_id, title, message, code, reference) -> dict:
    """A `refer` finding the engine's safety policy adds when answers cannot be trusted."""
    return {
        "rule_id": rule_id,
        "rule_version": 1,
        "title": title,
        "category": "system",
        "decision": Decision.REFER.value,
        "message": message,
        "matched": {},
        "constraints": {},
        "source": {"reference": reference},
        "clearance_applied": False,
        "code": code,
    }


def _with_incomplete(result: dict, missing: list[str]) -> dict:
    # An unanswered question is not a "no": a skipped red-flag question must not let a
    # session go ahead. The therapist asks the client and the intake is corrected.
    finding = _system_finding(
        rule_id="INTAKE-INCOMPLETE",
        title="Intake incomplete",
        message=(
            "Required questions were not answered: "
            + ", ".join(missing)
            + ". Ask the client and correct the intake before any session."
        ),
        code=INCOMPLETE_INTAKE,
        reference="Engine safety policy: unanswered is not 'no'",
    )
    result = dict(result)
    result["decision"] = max(
        [result["decision"], finding["decision"]], key=lambda d: Decision(d).severity
    )
    result["session_possible"] = False
    result["findings"] = sorted(
        [*result["findings"], finding],
        key=lambda f: (-Decision(f["decision"]).severity, f["rule_id"]),
    )
    return result


def _unscreenable_result(version, catalogue_version, error: AnswerError) -> dict:
    # Answers the engine cannot read must never look like "nothing found".
    finding = _system_finding(
        rule_id="INTAKE-UNREADABLE",
        title="Intake could not be screened",
        message=(
            "The intake answers could not be checked against the rules "
            f"({error.code}: {error}). Review the intake with the client before any session."
        ),
        code=INVALID_ANSWERS,
        reference="Engine safety policy: an error yields refer",
    )
    return {
        "decision": Decision.REFER.value,
        "session_possible": False,
        "findings": [finding],
        "constraints": {},
        "ruleset_version": version.version,
        "ruleset_checksum": version.checksum,
        "catalogue_version": catalogue_version,
        "cleared_rule_ids": [],
        "plan_check": None,
    }


def evaluate_stored_answers(version, raw_answers, cleared_rule_ids) -> tuple[dict, dict]:
    """(inputs snapshot, result) of stored answers under a rule-set version; never raises for
    bad answers: they give a `refer` result instead."""
    catalogue, ruleset = compiled(version)
    try:
        answers = validate_answers(catalogue, raw_answers, complete=False)
    except AnswerError as error:
        return dict(raw_answers), _unscreenable_result(version, catalogue.version, error)
    result = screen(ruleset, answers, cleared_rule_ids=frozenset(cleared_rule_ids)).to_dict()
    missing = [
        q.id for q in visible_questions(catalogue, answers) if q.required and q.id not in answers
    ]
    if missing:
        result = _with_incomplete(result, missing)
    return answers.to_json(), result


@transaction.atomic
def screen_intake(*, intake, performed_by=None, cleared_rule_ids=frozenset()) -> Screening:
    """Screen a submitted intake with its clinic's rule set and store the result."""
    version = active_version(intake.clinic_id)
    inputs, result = evaluate_stored_answers(version, intake.answers, cleared_rule_ids)
    screening = Screening.objects.create(
        clinic_id=intake.clinic_id,
        client_id=intake.client_id,
        intake=intake,
        ruleset=version,
        decision=result["decision"],
        inputs=inputs,
        result=result,
        cleared_rule_ids=sorted(cleared_rule_ids),
        performed_by=performed_by,
    )
    # One row per finding, for the owners' per-rule figures (oversight/fatigue.py).
    ScreeningFinding.objects.bulk_create(ScreeningFinding.rows_for(screening))
    return screening


def reproduce(screening: Screening) -> dict:
    """Recompute a stored screening with the rule set it was made with."""
    return evaluate_stored_answers(screening.ruleset, screening.inputs, screening.cleared_rule_ids)[
        1
    ]
