"""The condition language (contraindications/engine/logic.py) as FHIR: `enableWhen` where it can
say the same thing, else an SDC `enableWhenExpression` in FHIRPath.

Pure: catalogue questions in, dicts out. The one trap: FHIR's `!=` is true for an unanswered
question, the engine's `ne` is false ("unknown" is not "different"), so `ne` always becomes an
expression; so do `not`, nested all/any, `contains_all` and free-text matching.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contraindications.engine.logic import normalise_text

SYSTEM_BASE = "https://massage-safety.example/fhir"
REGION_SYSTEM = f"{SYSTEM_BASE}/CodeSystem/body-region"
SDC_ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)
_FHIR_OP = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
# FHIRPath has no Unicode folding: after lower(), replace each character the engine's
# normalise_text changes, over the ranges intake text uses (Latin-1 letters, combining accents,
# ligatures, full-width forms, final sigma); the tests compare both on the shared vectors.
_FOLD_RANGES = (
    range(0xC0, 0x100),
    range(0x300, 0x310),
    range(0x327, 0x328),
    range(0x3C2, 0x3C3),
    range(0xFB00, 0xFB07),
    range(0xFF10, 0xFF1A),
    range(0xFF41, 0xFF5B),
)
_FOLD = tuple(
    (c, normalise_text(c))
    for r in _FOLD_RANGES
    for c in map(chr, r)
    if c == c.lower() and normalise_text(c) != c
)


def choice_system(qid: str) -> str:
    return f"{SYSTEM_BASE}/CodeSystem/intake-{qid}"


def coding_system(question) -> str:
    return REGION_SYSTEM if question.type == "body_regions" else choice_system(question.id)


# The QuestionnaireResponse answer[x] element of each question type (numbers: see answer_key).
ANSWER_KEYS = {
    "yes_no": "valueBoolean",
    "single_choice": "valueCoding",
    "multiple_choice": "valueCoding",
    "body_regions": "valueCoding",
    "date": "valueDate",
    "free_text": "valueString",
}


def answer_key(question) -> str:
    """The QuestionnaireResponse answer[x] element a question's answers use."""
    if question.type == "number":
        return "valueInteger" if question.integer else "valueDecimal"
    return ANSWER_KEYS[question.type]


def _answer_value(question, value) -> tuple[str, Any]:
    """(answerX key, value) of an enableWhen comparing with `value`."""
    key = answer_key(question).replace("value", "answer", 1)
    if key == "answerCoding":
        return key, {"system": coding_system(question), "code": value}
    return key, value


# ---------------------------------------------------------------- enableWhen


def to_enable_when(spec: Mapping[str, Any], questions: Mapping[str, Any]) -> dict[str, Any]:
    """The FHIR form of a show_if: {"enableWhen": [...], "enableBehavior": ...} when enableWhen
    can express it exactly, else {"extension": [enableWhenExpression]}."""
    flat = _flat(spec, questions)
    if flat is not None:
        behavior, items = flat
        out: dict[str, Any] = {"enableWhen": items}
        if len(items) > 1:
            out["enableBehavior"] = behavior
        return out
    return {
        "extension": [
            {
                "url": SDC_ENABLE_WHEN_EXPRESSION,
                "valueExpression": {
                    "language": "text/fhirpath",
                    "expression": to_fhirpath(spec, questions),
                },
            }
        ]
    }


def _flat(spec, questions) -> tuple[str, list[dict]] | None:
    """(behavior, enableWhen items), or None if enableWhen cannot say it exactly."""
    if "q" in spec:
        return _comparison_items(spec, questions)
    ((kind, parts),) = spec.items()
    if kind not in ("all", "any"):
        return None
    items: list[dict] = []
    for part in parts:
        if "q" not in part:
            return None
        sub = _comparison_items(part, questions)
        # A part that expands into several items ("in") only fits inside an "any".
        if sub is None or (sub[0] != kind and len(sub[1]) > 1):
            return None
        items += sub[1]
    return kind, items


def _comparison_items(spec, questions) -> tuple[str, list[dict]] | None:
    qid = spec["q"]
    ((op, value),) = ((k, v) for k, v in spec.items() if k != "q")
    question = questions[qid]
    if op == "is_answered":
        return "all", [{"question": qid, "operator": "exists", "answerBoolean": bool(value)}]
    if op in _FHIR_OP:
        return "all", [_item(qid, _FHIR_OP[op], question, value)]
    if op == "contains":
        # For a repeating question, "=" is true when any of its answers equals the value.
        return "all", [_item(qid, "=", question, value)]
    if op in ("in", "contains_any"):
        return "any", [_item(qid, "=", question, v) for v in sorted(value)]
    return None  # ne, contains_all, text_contains_any


def _item(qid, operator, question, value) -> dict:
    key, answer = _answer_value(question, value)
    return {"question": qid, "operator": operator, key: answer}


# ---------------------------------------------------------------- FHIRPath


def _answers(qid: str, key: str) -> str:
    return f"%resource.repeat(item).where(linkId={_lit(qid)}).answer.{key}"


def _lit(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def to_fhirpath(spec: Mapping[str, Any], questions: Mapping[str, Any]) -> str:
    """A FHIRPath boolean over %resource (the QuestionnaireResponse). Every comparison ends in
    exists(), so an unanswered question gives false, never an empty (unknown) result."""
    if "q" not in spec:
        ((kind, arg),) = spec.items()
        if kind == "not":
            return f"({to_fhirpath(arg, questions)}).not()"
        joiner = " and " if kind == "all" else " or "
        return joiner.join(f"({to_fhirpath(part, questions)})" for part in arg)
    qid = spec["q"]
    ((op, value),) = ((k, v) for k, v in spec.items() if k != "q")
    question = questions[qid]
    key = answer_key(question)
    if op == "is_answered":
        return _answers(qid, key) + (".exists()" if value else ".exists().not()")
    if key == "valueCoding":
        codes = _codes(qid, question)
        if op in ("eq", "contains"):
            return f"{codes}.where($this = {_lit(value)}).exists()"
        if op == "ne":
            return f"{codes}.where($this != {_lit(value)}).exists()"
        if op in ("in", "contains_any"):
            wanted = " | ".join(_lit(v) for v in sorted(value))
            return f"{codes}.where($this in ({wanted})).exists()"
        if op == "contains_all":
            return " and ".join(f"{codes}.where($this = {_lit(v)}).exists()" for v in sorted(value))
    if op == "text_contains_any":
        folded = "lower()" + "".join(f".replace({_lit(a)}, {_lit(b)})" for a, b in _FOLD)
        terms = "|".join(_regex_escape(normalise_text(t.strip())) for t in sorted(value))
        pattern = _lit(f"(^|[^\\w])({terms})([^\\w]|$)")
        return f"{_answers(qid, key)}.where({folded}.matches({pattern})).exists()"
    literal = f"@{value}" if question.type == "date" else _lit(value)
    operator = {"eq": "=", "ne": "!=", **_FHIR_OP}[op]
    return f"{_answers(qid, key)}.where($this {operator} {literal}).exists()"


def _codes(qid: str, question) -> str:
    return _answers(qid, "valueCoding") + f".where(system = {_lit(coding_system(question))}).code"


def _regex_escape(term: str) -> str:
    return "".join(f"\\{c}" if c in r".^$*+?{}[]\|()" else c for c in term)
