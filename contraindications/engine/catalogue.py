"""The intake question catalogue: loading, validation of answers, visibility.

A catalogue is data (fixtures/catalogue/intake_questions.json). Wording is
client-facing plain language in English and Spanish.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import AnswerError, CatalogueError, LogicError
from .logic import ISO_DATE, Condition, compile_condition
from .vocabulary import REGIONS

SECTIONS: tuple[str, ...] = (
    "about_you",
    "visit_and_pain",
    "symptoms",
    "medications",
    "conditions_history",
    "pregnancy",
    "preferences",
    "consent",
)
QUESTION_TYPES = frozenset(
    {"yes_no", "single_choice", "multiple_choice", "number", "date", "free_text", "body_regions"}
)
LANGUAGES = ("en", "es")
DEFAULT_TEXT_MAX = 500


@dataclass(frozen=True, slots=True)
class Text:
    en: str
    es: str

    def get(self, lang: str) -> str:
        return self.es if lang == "es" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"en": self.en, "es": self.es}


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: Text


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    section: str
    type: str
    text: Text
    help: Text | None = None
    choices: tuple[Choice, ...] = ()
    required: bool = False
    show_if: Any = None  # raw condition; compiled form lives in Catalogue.show_if
    min: float | None = None
    max: float | None = None
    integer: bool = False
    max_length: int = DEFAULT_TEXT_MAX
    exclusive: frozenset[str] = frozenset()  # choices that must be ticked alone ("none")

    @property
    def choice_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.choices)


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: str
    sections: tuple[str, ...]
    questions: tuple[Question, ...]
    by_id: Mapping[str, Question] = field(repr=False)
    show_if: Mapping[str, Condition] = field(repr=False, compare=False)

    def __contains__(self, qid: object) -> bool:
        return qid in self.by_id


class Answers(Mapping[str, Any]):
    """Immutable, validated answers. Values: bool, str, int/float, datetime.date,
    or frozenset[str] (multiple_choice, body_regions)."""

    __slots__ = ("_d",)
    _d: dict[str, Any]

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_d", dict(data or {}))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Answers is immutable")

    def __getitem__(self, key: str) -> Any:
        return self._d[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __repr__(self) -> str:
        return f"Answers({self.to_json()!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Answers):
            return self._d == other._d
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset((k, _hashable(v)) for k, v in self._d.items()))

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict, keys sorted; round-trips through validate_answers."""
        return {k: json_value(self._d[k]) for k in sorted(self._d)}


def _hashable(v: Any) -> Any:
    return v if not isinstance(v, (list, dict)) else repr(v)


def json_value(v: Any) -> Any:
    """Answer value -> JSON value (sets become sorted lists, dates ISO strings)."""
    if isinstance(v, (frozenset, set)):
        return sorted(v)
    if isinstance(v, _dt.date):
        return v.isoformat()
    return v


# ---------------------------------------------------------------- loading


def _optional_text(raw: Any, where: str, qid: str | None) -> Text | None:
    return None if raw is None else _text(raw, where, qid)


def _text(raw: Any, where: str, qid: str | None) -> Text:
    if not isinstance(raw, dict) or any(
        not isinstance(raw.get(lang), str) or not raw[lang].strip() for lang in LANGUAGES
    ):
        raise CatalogueError(f"{where}: needs non-empty 'en' and 'es' text", "bad_text", qid)
    return Text(raw["en"], raw["es"])


def load_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """Build a Catalogue from its JSON form; raise CatalogueError (with code) if malformed."""
    if not isinstance(data, Mapping) or not isinstance(data.get("version"), str):
        raise CatalogueError("catalogue needs a string 'version'", "missing_version")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise CatalogueError("catalogue needs a non-empty 'questions' list", "missing_questions")
    questions: list[Question] = []
    by_id: dict[str, Question] = {}
    show_if: dict[str, Condition] = {}
    last_section = 0
    for raw in raw_questions:
        q = _load_question(raw)
        if q.id in by_id:
            raise CatalogueError(f"duplicate question id {q.id!r}", "duplicate_question", q.id)
        section_index = SECTIONS.index(q.section)
        if section_index < last_section:
            raise CatalogueError(
                f"question {q.id!r}: sections must appear in the order {SECTIONS}",
                "section_order",
                q.id,
            )
        last_section = section_index
        if q.show_if is not None:
            # Only earlier questions are visible to show_if: this rules out cycles
            # and lets visibility be decided in one pass.
            try:
                show_if[q.id] = compile_condition(q.show_if, by_id)
            except LogicError as e:
                raise CatalogueError(
                    f"question {q.id!r} show_if: {e.message} "
                    "(show_if may only use earlier questions)",
                    e.code,
                    q.id,
                ) from e
        questions.append(q)
        by_id[q.id] = q
    return Catalogue(data["version"], SECTIONS, tuple(questions), by_id, show_if)


_QUESTION_KEYS = frozenset(
    {
        "id",
        "section",
        "type",
        "text",
        "help",
        "choices",
        "required",
        "show_if",
        "min",
        "max",
        "integer",
        "max_length",
        "exclusive",
    }
)


def _load_question(raw: Any) -> Question:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise CatalogueError(f"question without a string id: {raw!r:.80}", "bad_question")
    qid = raw["id"]
    unknown = set(raw) - _QUESTION_KEYS
    if unknown:
        raise CatalogueError(
            f"question {qid!r}: unknown keys {sorted(unknown)}", "unknown_key", qid
        )
    if raw.get("section") not in SECTIONS:
        raise CatalogueError(f"question {qid!r}: unknown section", "unknown_section", qid)
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        raise CatalogueError(f"question {qid!r}: unknown type {qtype!r}", "unknown_type", qid)
    choices: tuple[Choice, ...] = ()
    if qtype in ("single_choice", "multiple_choice"):
        raw_choices = raw.get("choices")
        if not isinstance(raw_choices, list) or len(raw_choices) < 2:
            raise CatalogueError(f"question {qid!r}: needs 2+ choices", "bad_choices", qid)
        choices = tuple(
            Choice(c["id"], _text(c.get("label"), f"{qid} choice {c.get('id')!r}", qid))
            for c in raw_choices
        )
        if len({c.id for c in choices}) != len(choices):
            raise CatalogueError(f"question {qid!r}: duplicate choice ids", "bad_choices", qid)
    elif "choices" in raw:
        raise CatalogueError(
            f"question {qid!r}: only choice questions have choices", "bad_choices", qid
        )
    exclusive = frozenset(raw.get("exclusive", ()))
    if not exclusive <= {c.id for c in choices}:
        raise CatalogueError(
            f"question {qid!r}: exclusive names unknown choices", "bad_choices", qid
        )
    lo, hi = raw.get("min"), raw.get("max")
    if qtype == "number" and (lo is None or hi is None or lo > hi):
        raise CatalogueError(f"question {qid!r}: number needs min <= max", "bad_range", qid)
    return Question(
        id=qid,
        section=raw["section"],
        type=qtype,
        text=_text(raw.get("text"), f"question {qid!r} text", qid),
        help=_optional_text(raw.get("help"), f"question {qid!r} help", qid),
        choices=choices,
        required=bool(raw.get("required", False)),
        show_if=raw.get("show_if"),
        min=lo,
        max=hi,
        integer=bool(raw.get("integer", False)),
        max_length=int(raw.get("max_length", DEFAULT_TEXT_MAX)),
        exclusive=exclusive,
    )


# ---------------------------------------------------------------- answers


def validate_answers(
    catalogue: Catalogue, raw: Mapping[str, Any], *, complete: bool = True
) -> Answers:
    """Validate raw (JSON-like) answers against the catalogue.

    Answers to hidden questions are dropped; ``None`` and blank text count as
    unanswered. With ``complete`` (the default, use it at submission) every
    visible required question must be answered. Raises AnswerError.
    """
    if not isinstance(raw, Mapping):
        raise AnswerError("answers must be an object", "bad_answers")
    for qid in raw:
        if qid not in catalogue.by_id:
            raise AnswerError(f"unknown question id {qid!r}", "unknown_question", qid)
    out: dict[str, Any] = {}
    show_if = catalogue.show_if
    for q in catalogue.questions:
        cond = show_if.get(q.id)
        if cond is not None and not cond.test(out):
            continue  # hidden: any answer is dropped
        value = raw.get(q.id)
        if value is not None:
            value = _validate_value(q, value)
        if value is None:
            if complete and q.required:
                raise AnswerError(f"question {q.id!r} is required", "missing_required", q.id)
            continue
        out[q.id] = value
    return Answers(out)


def _validate_value(q: Question, v: Any) -> Any:
    """Return the normalised value, or None for 'blank'; raise AnswerError."""
    t = q.type
    if t == "yes_no":
        if not isinstance(v, bool):
            raise AnswerError(f"{q.id!r} takes true or false", "wrong_type", q.id)
        return v
    if t == "single_choice":
        if not isinstance(v, str):
            raise AnswerError(f"{q.id!r} takes one choice id", "wrong_type", q.id)
        if v not in q.choice_ids:
            raise AnswerError(f"{q.id!r}: {v!r} is not a choice", "bad_choice", q.id)
        return v
    if t in ("multiple_choice", "body_regions"):
        if not isinstance(v, (list, tuple, set, frozenset)) or not all(
            isinstance(x, str) for x in v
        ):
            raise AnswerError(f"{q.id!r} takes a list of codes", "wrong_type", q.id)
        allowed = q.choice_ids if t == "multiple_choice" else REGIONS.keys()
        for x in v:
            if x not in allowed:
                code = "bad_choice" if t == "multiple_choice" else "bad_region"
                raise AnswerError(f"{q.id!r}: {x!r} is not allowed", code, q.id)
        items = frozenset(v)
        if len(items) > 1 and items & q.exclusive:
            raise AnswerError(
                f"{q.id!r}: {sorted(items & q.exclusive)} must be ticked alone",
                "exclusive_choice",
                q.id,
            )
        return items or None
    if t == "number":
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise AnswerError(f"{q.id!r} takes a number", "wrong_type", q.id)
        if q.integer and isinstance(v, float):
            if not v.is_integer():
                raise AnswerError(f"{q.id!r} takes a whole number", "wrong_type", q.id)
            v = int(v)
        if not (q.min <= v <= q.max):
            raise AnswerError(f"{q.id!r}: {v} is outside {q.min}..{q.max}", "out_of_range", q.id)
        return v
    if t == "date":
        if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
            return v
        if not isinstance(v, str) or not ISO_DATE.match(v):
            raise AnswerError(f"{q.id!r} takes a date YYYY-MM-DD", "bad_date", q.id)
        try:
            return _dt.date.fromisoformat(v)
        except ValueError:
            raise AnswerError(f"{q.id!r}: {v!r} is not a valid date", "bad_date", q.id) from None
    if t == "free_text":
        if not isinstance(v, str):
            raise AnswerError(f"{q.id!r} takes text", "wrong_type", q.id)
        v = v.strip()
        if len(v) > q.max_length:
            raise AnswerError(f"{q.id!r}: longer than {q.max_length} characters", "too_long", q.id)
        return v or None
    raise AnswerError(f"{q.id!r}: unsupported type {t!r}", "wrong_type", q.id)  # pragma: no cover


def visible_questions(catalogue: Catalogue, answers: Mapping[str, Any]) -> tuple[Question, ...]:
    """Questions to show now, in order. ``answers`` may be partial raw answers or Answers."""
    if not isinstance(answers, Answers):
        answers = validate_answers(catalogue, answers, complete=False)
    d = answers._d
    return tuple(
        q
        for q in catalogue.questions
        if (cond := catalogue.show_if.get(q.id)) is None or cond.test(d)
    )
