"""Answers the clinic already knows, so the client is not asked them (docs/INTAKE.md, "Asked
only when unknown"): the age, from the date of birth on the record, and whether this is a
first visit, from the record's earlier intakes.

They are filled in when the intake starts (over anything carried from the last intake, which
may be a year old) and stored like any answer, so the engine reads them as before. The tablet
does not show them as questions, and ignores them if sent. An age outside the question's range
(a wrong date of birth) is left to the client to give.
"""

from datetime import date
from typing import Any

from contraindications.engine import Catalogue

AGE, FIRST_VISIT = "age", "first_visit"
DERIVED = frozenset({AGE, FIRST_VISIT})


def age_on(born: date, day: date) -> int:
    """Whole years between `born` and `day` (a birthday on 29 February counts on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def derived_answers(
    *, catalogue: Catalogue, born: date, day: date, has_earlier_intake: bool
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    question = catalogue.by_id.get(AGE)
    if question is not None and question.type == "number":
        age = age_on(born, day)
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 200
        if low <= age <= high:
            found[AGE] = age
    question = catalogue.by_id.get(FIRST_VISIT)
    if question is not None and question.type == "yes_no":
        found[FIRST_VISIT] = not has_earlier_intake
    return found


def known_here(answers: dict) -> frozenset[str]:
    """The derived questions this intake holds an answer to: not asked, not taken from a form."""
    return frozenset(qid for qid in DERIVED if answers.get(qid) is not None)
