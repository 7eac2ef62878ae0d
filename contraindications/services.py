"""Screening workflows: run the engine on an intake and keep the result reproducibly."""

from django.db import transaction

from contraindications.engine import (
    AnswerError,
    Decision,
    screen,
    validate_answers,
    visible_questions,
)
from contraindications.models import Screening
from contraindications.rulesets import active_version, compiled

INVALID_ANSWERS = "invalid_answers"
INCOMPLETE_INTAKE = "incomplete_intake"


def _incomplete_finding(missing: list[str]) -> dict:
    # An unanswered question is not a "no": a skipped red-flag question must not let a
    # session go ahead. The therapist asks the client and the intake is corrected.
    return {
        "rule_id": "INTAKE-INCOMPLETE",
        "rule_version": 1,
        "title": "Intake incomplete",
        "category": "system",
        "decision": Decision.REFER.value,
        "message": (
            "Required questions were not answered: "
            + ", ".join(missing)
            + ". Ask the client and correct the intake before any session."
        ),
        "matched": {},
        "constraints": {},
        "source": {"reference": "Engine safety policy: unanswered is not 'no'"},
        "clearance_applied": False,
        "code": INCOMPLETE_INTAKE,
    }


def _with_incomplete(result: dict, missing: list[str]) -> dict:
    finding = _incomplete_finding(missing)
    decisions = [result["decision"], finding["decision"]]
    result = dict(result)
    result["decision"] = max(decisions, key=lambda d: Decision(d).severity)
    result["session_possible"] = False
    result["findings"] = sorted(
        [*result["findings"], finding],
        key=lambda f: (-Decision(f["decision"]).severity, f["rule_id"]),
    )
    return result


def _evaluate(catalogue, ruleset, raw_answers, cleared_rule_ids):
    """(inputs snapshot, result) for stored answers; never raises for bad answers."""
    try:
        answers = validate_answers(catalogue, raw_answers, complete=False)
    except AnswerError as error:
        return dict(raw_answers), None, error
    result = screen(ruleset, answers, cleared_rule_ids=frozenset(cleared_rule_ids)).to_dict()
    missing = [
        q.id for q in visible_questions(catalogue, answers) if q.required and q.id not in answers
    ]
    if missing:
        result = _with_incomplete(result, missing)
    return answers.to_json(), result, None


def _unscreenable_result(version, catalogue_version, error: AnswerError) -> dict:
    # Answers the engine cannot read must never look like "nothing found".
    return {
        "decision": Decision.REFER.value,
        "session_possible": False,
        "findings": [
            {
                "rule_id": "INTAKE-UNREADABLE",
                "rule_version": 1,
                "title": "Intake could not be screened",
                "category": "system",
                "decision": Decision.REFER.value,
                "message": (
                    "The intake answers could not be checked against the rules "
                    f"({error.code}: {error}). Review the intake with the client before any "
                    "session."
                ),
                "matched": {},
                "constraints": {},
                "source": {"reference": "Engine safety policy: an error yields refer"},
                "clearance_applied": False,
                "code": INVALID_ANSWERS,
            }
        ],
        "constraints": {},
        "ruleset_version": version.version,
        "ruleset_checksum": version.checksum,
        "catalogue_version": catalogue_version,
        "cleared_rule_ids": [],
        "plan_check": None,
    }


@transaction.atomic
def screen_intake(*, intake, performed_by=None, cleared_rule_ids=frozenset()) -> Screening:
    """Screen a submitted intake with the rule set in use and store the result."""
    version = active_version()
    catalogue, ruleset = compiled(version)
    inputs, result, error = _evaluate(catalogue, ruleset, intake.answers, cleared_rule_ids)
    if error is not None:
        result = _unscreenable_result(version, catalogue.version, error)
    return Screening.objects.create(
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


def reproduce(screening: Screening) -> dict:
    """Recompute a stored screening with the rule set it was made with."""
    catalogue, ruleset = compiled(screening.ruleset)
    _, result, error = _evaluate(catalogue, ruleset, screening.inputs, screening.cleared_rule_ids)
    if error is not None:
        return _unscreenable_result(screening.ruleset, catalogue.version, error)
    return result
