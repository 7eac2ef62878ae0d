"""Answers as the client gives them: form fields in, per-question errors out.

The engine's `validate_answers` stops at the first problem, which suits screening; a form must
show every problem next to its question. `evaluate` walks the catalogue once, in order, with the
same visibility and value rules (it asks the engine to validate each value on its own), and
keeps what is valid, so one mistyped number never costs the client their other answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from contraindications.engine import AnswerError, Catalogue, Question, validate_answers
from contraindications.engine.catalogue import json_value

YES, NO = "yes", "no"
# No answer needs more than this; longer input is refused before any parsing.
MAX_FIELD_CHARS = 2000


@dataclass(frozen=True)
class Evaluation:
    values: dict[str, Any]  # validated values of visible questions (engine types)
    visible: frozenset[str]
    errors: dict[str, AnswerError]

    def to_json(self) -> dict[str, Any]:
        return {qid: json_value(value) for qid, value in self.values.items()}


_SINGLES: dict[tuple[str, str], Catalogue] = {}


def _single(catalogue: Catalogue, qid: str) -> Catalogue:
    # A one-question catalogue lets the engine validate one value with its own rules.
    question = catalogue.by_id[qid]
    key = (catalogue.version, qid)
    single = _SINGLES.get(key)
    if single is None or single.questions[0] is not question:
        single = Catalogue(catalogue.version, catalogue.sections, (question,), {qid: question}, {})
        _SINGLES[key] = single
    return single


def check_value(catalogue: Catalogue, question: Question, value: Any) -> Any:
    """The engine's normalised value, or None for blank; raises AnswerError."""
    answers = validate_answers(
        _single(catalogue, question.id), {question.id: value}, complete=False
    )
    return answers.get(question.id)


def evaluate(
    catalogue: Catalogue, raw: dict[str, Any], *, required_in: frozenset[str] | None = None
) -> Evaluation:
    """Validate every answer in `raw`; a visible required question without an answer is an
    error only if its section is in `required_in` (None: every section)."""
    values: dict[str, Any] = {}
    visible: set[str] = set()
    errors: dict[str, AnswerError] = {}
    show_if = catalogue.show_if
    for question in catalogue.questions:
        condition = show_if.get(question.id)
        if condition is not None and not condition.test(values):
            continue
        visible.add(question.id)
        value = raw.get(question.id)
        if isinstance(value, AnswerError):  # a field that could not even be parsed
            errors[question.id] = value
            continue
        if value is not None:
            try:
                value = check_value(catalogue, question, value)
            except AnswerError as error:
                errors[question.id] = error
                continue
        if value is None:
            if question.required and (required_in is None or question.section in required_in):
                errors[question.id] = AnswerError(
                    f"{question.id!r} is required", "missing_required", question.id
                )
            continue
        values[question.id] = value
    return Evaluation(values, frozenset(visible), errors)


def _parse_number(text: str, question: Question) -> Any:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return AnswerError("not a number", "wrong_type", question.id)
    return int(number) if number.is_integer() else number


def parse_form(catalogue: Catalogue, questions, data) -> dict[str, Any]:
    """Raw answers from a QueryDict (or a dict of lists) for `questions`.

    Unparseable input becomes an AnswerError value, which `evaluate` reports on its field.
    """
    raw: dict[str, Any] = {}
    for question in questions:
        qid = question.id
        if question.type in ("multiple_choice", "body_regions"):
            items = data.getlist(qid) if hasattr(data, "getlist") else data.get(qid) or []
            raw[qid] = [str(item)[:64] for item in items][:64]
            continue
        value = data.get(qid)
        if isinstance(value, list):
            value = value[-1] if value else None
        if value is None:
            raw[qid] = None
            continue
        value = str(value)
        if len(value) > MAX_FIELD_CHARS:
            raw[qid] = AnswerError("too long", "too_long", qid)
        elif question.type == "yes_no":
            raw[qid] = {YES: True, NO: False}.get(value)
        elif question.type == "number":
            raw[qid] = _parse_number(value, question)
        elif question.type in ("single_choice", "date"):
            raw[qid] = value.strip() or None
        else:
            raw[qid] = value
    return raw


def error_message(error: AnswerError, question: Question) -> str:
    """What to tell the client, in plain words and in the active language."""
    code = error.code
    if code == "missing_required":
        if question.type in ("multiple_choice", "body_regions"):
            return _("Please tick at least one box.")
        if question.type in ("number", "date", "free_text"):
            return _("Please fill this in.")
        return _("Please choose an answer.")
    if code == "out_of_range":
        return _("Please enter a number from %(min)s to %(max)s.") % {
            "min": _plain_number(question.min),
            "max": _plain_number(question.max),
        }
    if code == "wrong_type" and question.type == "number":
        if question.integer:
            return _("Please enter a whole number, for example 35.")
        return _("Please enter a number.")
    if code == "bad_date":
        return _("Please enter a real date.")
    if code == "too_long":
        return _("Please make this shorter (at most %(max)s characters).") % {
            "max": min(question.max_length, MAX_FIELD_CHARS)
        }
    if code == "exclusive_choice":
        return _("“None of these” cannot be ticked together with another answer.")
    return _("Please choose from the answers shown.")


def _plain_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)
