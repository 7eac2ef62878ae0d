"""Fail-safe policy: answers the engine cannot trust never look like "nothing found".

- Answers that do not validate against the catalogue give a ``refer`` result with one
  INTAKE-UNREADABLE finding instead of an exception.
- A required question left unanswered is not a "no": an INTAKE-INCOMPLETE ``refer``
  finding is added, so a skipped red-flag question cannot let a session go ahead.

``screen_answers`` is the one entry point for screening stored or submitted answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .catalogue import Answers, Catalogue, validate_answers, visible_questions
from .constraints import EMPTY
from .errors import AnswerError
from .rules import RuleSet, Source
from .screening import SYSTEM_CATEGORY, UNREADABLE_RULE_ID, Finding, Screening, screen
from .vocabulary import Decision

INVALID_ANSWERS = "invalid_answers"
INCOMPLETE_INTAKE = "incomplete_intake"
INCOMPLETE_RULE_ID = "INTAKE-INCOMPLETE"


def system_finding(*, rule_id: str, title: str, message: str, code: str, reference: str) -> Finding:
    """A ``refer`` finding the safety policy adds when answers cannot be trusted."""
    return Finding(
        rule_id=rule_id,
        rule_version=1,
        title=title,
        category=SYSTEM_CATEGORY,
        decision=Decision.REFER,
        message=message,
        constraints=EMPTY,
        source=Source(reference=reference),
        clearance_applied=False,
        code=code,
    )


def with_incomplete(result: Screening, missing: list[str]) -> Screening:
    """``result`` with an INTAKE-INCOMPLETE finding for the unanswered ``missing`` questions."""
    finding = system_finding(
        rule_id=INCOMPLETE_RULE_ID,
        title="Intake incomplete",
        message=(
            "Required questions were not answered: "
            + ", ".join(missing)
            + ". Ask the client and correct the intake before any session."
        ),
        code=INCOMPLETE_INTAKE,
        reference="Engine safety policy: unanswered is not 'no'",
    )
    findings = sorted([*result.findings, finding], key=lambda f: (-f.severity, f.rule_id))
    return Screening(
        Decision.most_severe([result.decision, finding.decision]),
        result.constraints,
        result.ruleset_version,
        result.ruleset_checksum,
        result.catalogue_version,
        result.cleared_rule_ids,
        result.plan_check,
        tuple(findings),
    )


def unscreenable(ruleset: RuleSet, catalogue_version: str, error: AnswerError) -> Screening:
    """The result for answers the engine cannot read: refer, never "nothing found"."""
    finding = system_finding(
        rule_id=UNREADABLE_RULE_ID,
        title="Intake could not be screened",
        message=(
            "The intake answers could not be checked against the rules "
            f"({error.code}: {error}). Review the intake with the client before any session."
        ),
        code=INVALID_ANSWERS,
        reference="Engine safety policy: an error yields refer",
    )
    return Screening(
        Decision.REFER,
        EMPTY,
        ruleset.version,
        ruleset.checksum,
        catalogue_version,
        frozenset(),
        None,
        (finding,),
    )


def screen_answers(
    catalogue: Catalogue,
    ruleset: RuleSet,
    raw_answers: Mapping[str, Any],
    *,
    cleared_rule_ids: frozenset[str] | set[str] = frozenset(),
) -> tuple[dict[str, Any], Screening]:
    """(answers snapshot, result) for raw answers; never raises for bad answers."""
    try:
        answers: Answers = validate_answers(catalogue, raw_answers, complete=False)
    except AnswerError as error:
        return dict(raw_answers), unscreenable(ruleset, catalogue.version, error)
    result = screen(ruleset, answers, cleared_rule_ids=frozenset(cleared_rule_ids))
    missing = [
        q.id for q in visible_questions(catalogue, answers) if q.required and q.id not in answers
    ]
    if missing:
        result = with_incomplete(result, missing)
    return answers.to_json(), result
