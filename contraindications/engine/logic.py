"""A small declarative condition language, compiled once into closures.

Grammar (JSON):
    {"all": [cond, ...]}   {"any": [cond, ...]}   {"not": cond}
    {"q": "<question_id>", "<op>": value}

Closures read a plain dict of validated answers (see catalogue.Answers). An
unanswered question makes every comparison false, except ``is_answered: false``;
``ne`` is false too, because "unknown" is not "different". No eval/exec.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import LogicError
from .vocabulary import REGIONS

Test = Callable[[dict[str, Any]], bool]
# Exactly YYYY-MM-DD: Python's fromisoformat also takes "20260105" and "2026-W02-1", which the
# kiosk's JavaScript (comparing ISO strings) would order differently.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
Explain = Callable[[dict[str, Any]], tuple[Any, ...]]

_NUMERIC_OPS = ("eq", "ne", "gt", "gte", "lt", "lte")
# Which operators each question type supports.
OPS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "yes_no": ("eq", "ne", "is_answered"),
    "single_choice": ("eq", "ne", "in", "is_answered"),
    "multiple_choice": ("contains", "contains_any", "contains_all", "is_answered"),
    "body_regions": ("contains", "contains_any", "is_answered"),
    "number": (*_NUMERIC_OPS, "is_answered"),
    "date": (*_NUMERIC_OPS, "is_answered"),
    "free_text": ("text_contains_any", "is_answered"),
}
ALL_OPS = frozenset(op for ops in OPS_BY_TYPE.values() for op in ops)


class QuestionLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def choice_ids(self) -> frozenset[str]: ...


@dataclass(frozen=True, slots=True)
class Gate:
    """``when`` can only be true if question ``qid`` is answered and, when ``values``
    is set, the answer is one of ``values`` (or, for list answers, shares one)."""

    qid: str
    values: frozenset[Any] | None
    multi: bool


# A disjunction of gates: the condition can only be true if one of them passes
# (an "any" over several questions is indexed under each). None: no usable gate.
Gates = tuple[Gate, ...] | None


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition. ``test`` is the fast path; ``explain`` lists the
    (question_id, value) pairs that made it true, and is only called on a hit."""

    spec: Any = field(compare=False, repr=False)
    reads: frozenset[str]
    test: Test = field(compare=False, repr=False)
    explain: Explain = field(compare=False, repr=False)
    # Necessary conditions used to skip rules cheaply (see Gate): ``when`` can only be
    # true if at least one of these gates passes. None = always test.
    gates: Gates = field(default=None, compare=False, repr=False)

    def evaluate(self, answers: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
        d = answers if isinstance(answers, dict) else dict(answers)
        if not self.test(d):
            return False, {}
        return True, dict(self.explain(d))


def normalise_text(text: str) -> str:
    """Lower-case and strip accents, so "Warfarina" / "APIXABÁN" match plain terms."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def compile_condition(spec: Any, questions: Mapping[str, QuestionLike]) -> Condition:
    """Compile ``spec``; raise LogicError (with a code) if it is malformed."""
    return _compile(spec, questions, "$")


def _compile(spec: Any, questions: Mapping[str, QuestionLike], path: str) -> Condition:
    if not isinstance(spec, dict) or not spec:
        raise LogicError(f"{path}: a condition must be a non-empty object", "bad_logic")
    if "q" in spec:
        return _compile_comparison(spec, questions, path)
    if len(spec) != 1:
        raise LogicError(f"{path}: use exactly one of all/any/not, got {sorted(spec)}", "bad_logic")
    ((key, arg),) = spec.items()
    if key == "not":
        child = _compile(arg, questions, f"{path}.not")
        ctest = child.test
        return Condition(spec, child.reads, lambda d: not ctest(d), _explain_none)
    if key not in ("all", "any"):
        raise LogicError(f"{path}: unknown operator {key!r}", "unknown_op")
    if not isinstance(arg, list) or not arg:
        raise LogicError(f"{path}.{key}: needs a non-empty list", "bad_logic")
    children = [_compile(c, questions, f"{path}.{key}[{i}]") for i, c in enumerate(arg)]
    reads = frozenset().union(*(c.reads for c in children))
    if len(children) == 1:
        only = children[0]
        return Condition(spec, reads, only.test, only.explain, only.gates)
    tests = tuple(c.test for c in children)
    pairs = tuple((c.test, c.explain) for c in children)
    test = _join(tests, every=key == "all")
    if key == "all":
        return Condition(spec, reads, test, _explain_all(pairs), _gate_all(children))
    return Condition(spec, reads, test, _explain_any(pairs), _gate_any(children))


def _gate_all(children: list[Condition]) -> Gates:
    # Any child's gates are necessary for the whole; prefer gates that check a value,
    # then the fewest of them.
    options = [c.gates for c in children if c.gates is not None]
    if not options:
        return None
    return min(options, key=lambda g: (any(x.values is None for x in g), len(g)))


def _gate_any(children: list[Condition]) -> Gates:
    # One of the branches must be true, so one of their gates must pass: the union of
    # the branches' gates, merged per question. Only when every branch has gates.
    if any(c.gates is None for c in children):
        return None
    merged: dict[tuple[str, bool], frozenset[Any] | None] = {}
    for child in children:
        for gate in child.gates or ():
            key = (gate.qid, gate.multi)
            before = merged.get(key, frozenset())
            if key in merged and (before is None or gate.values is None):
                merged[key] = None  # "answered at all" covers any value
            elif before is not None and gate.values is not None:
                merged[key] = before | gate.values
            else:
                merged[key] = gate.values
    return tuple(Gate(qid, values, multi) for (qid, multi), values in merged.items())


def _join(tests: tuple[Test, ...], *, every: bool) -> Test:
    """``all`` (every=True) or ``any`` (every=False) of ``tests``, stopping at the first
    test that settles it."""
    # Unrolled for the common sizes: a generator-based all() costs ~3x more per call.
    if len(tests) == 2:
        a, b = tests
        return (lambda d: a(d) and b(d)) if every else (lambda d: a(d) or b(d))
    if len(tests) == 3:
        a, b, c = tests
        if every:
            return lambda d: a(d) and b(d) and c(d)
        return lambda d: a(d) or b(d) or c(d)

    def test(d: dict[str, Any]) -> bool:
        # A plain loop beats all()/any() over a generator here. A false test settles "all",
        # a true one "any".
        for t in tests:
            if (not t(d)) is every:
                return not every
        return every

    return test


def _explain_none(d: dict[str, Any]) -> tuple[Any, ...]:
    return ()


def _explain_all(pairs: tuple[tuple[Test, Explain], ...]) -> Explain:
    return lambda d: tuple(item for _, ex in pairs for item in ex(d))


def _explain_any(pairs: tuple[tuple[Test, Explain], ...]) -> Explain:
    return lambda d: tuple(item for t, ex in pairs if t(d) for item in ex(d))


def _compile_comparison(
    spec: dict[str, Any], questions: Mapping[str, QuestionLike], path: str
) -> Condition:
    qid = spec["q"]
    ops = [k for k in spec if k != "q"]
    if len(ops) != 1:
        raise LogicError(f"{path}: a comparison needs exactly one operator, got {ops}", "bad_logic")
    op = ops[0]
    value = spec[op]
    if not isinstance(qid, str) or qid not in questions:
        raise LogicError(f"{path}: unknown question id {qid!r}", "unknown_question")
    if op not in ALL_OPS:
        raise LogicError(f"{path}: unknown operator {op!r}", "unknown_op")
    question = questions[qid]
    if op not in OPS_BY_TYPE[question.type]:
        raise LogicError(
            f"{path}: operator {op!r} does not apply to {question.type} question {qid!r}",
            "bad_op_for_type",
        )
    checked = _check_value(op, value, question, path)
    test = _make_test(op, qid, checked)

    def explain(d: dict[str, Any]) -> tuple[Any, ...]:
        return ((qid, d[qid]),) if qid in d else ()

    return Condition(spec, frozenset({qid}), test, explain, _gate(op, qid, checked, question.type))


def _gate(op: str, qid: str, v: Any, qtype: str) -> Gates:
    multi = qtype in ("multiple_choice", "body_regions")
    if op == "is_answered":
        return (Gate(qid, None, multi),) if v else None
    if op == "eq" and qtype in ("yes_no", "single_choice"):
        return (Gate(qid, frozenset({v}), False),)
    if op == "in":
        return (Gate(qid, v, False),)
    if op == "contains":
        return (Gate(qid, frozenset({v}), True),)
    if op in ("contains_any", "contains_all"):
        return (Gate(qid, v, True),)
    return (Gate(qid, None, multi),)  # every other comparison needs an answer


def _bad(path: str, msg: str) -> LogicError:
    return LogicError(f"{path}: {msg}", "bad_value")


def _check_value(op: str, value: Any, q: QuestionLike, path: str) -> Any:
    """Check that ``value`` fits question ``q`` and operator ``op``; return it normalised."""
    if op == "is_answered":
        if not isinstance(value, bool):
            raise _bad(path, "is_answered takes true or false")
        return value
    qtype = q.type
    if qtype == "yes_no":
        if not isinstance(value, bool):
            raise _bad(path, f"{q.id!r} is yes_no; compare with true or false")
        return value
    if qtype in ("single_choice", "multiple_choice", "body_regions"):
        allowed = REGIONS.keys() if qtype == "body_regions" else q.choice_ids
        many = op in ("in", "contains_any", "contains_all")
        items = value if many else [value]
        if many and (not isinstance(value, list) or not value):
            raise _bad(path, f"{op} takes a non-empty list")
        for item in items:
            if not isinstance(item, str) or item not in allowed:
                raise _bad(path, f"{item!r} is not a valid choice for {q.id!r}")
        return frozenset(items) if many else value
    if qtype == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _bad(path, f"{q.id!r} is a number; compare with a number")
        return value
    if qtype == "date":
        try:
            if not ISO_DATE.match(value):
                raise ValueError(value)
            return _dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise _bad(path, f"{q.id!r} is a date; compare with 'YYYY-MM-DD'") from None
    if qtype == "free_text":
        if not isinstance(value, list) or not value:
            raise _bad(path, "text_contains_any takes a non-empty list of terms")
        for term in value:
            # A term of accents only would normalise to "" and match between any two spaces.
            if not isinstance(term, str) or not normalise_text(term).strip():
                raise _bad(path, "text_contains_any terms must be non-empty strings")
        return tuple(value)
    raise _bad(path, f"unsupported question type {qtype!r}")  # pragma: no cover


def _make_test(op: str, qid: str, v: Any) -> Test:
    # One specialised closure per operator: no dispatch at evaluation time.
    if op == "is_answered":
        return (lambda d: qid in d) if v else (lambda d: qid not in d)
    if op == "eq":
        if v is True or v is False:
            return lambda d: d.get(qid) is v
        return lambda d: d.get(qid) == v
    if op == "ne":

        def ne(d: dict[str, Any]) -> bool:
            x = d.get(qid)
            return x is not None and x != v

        return ne
    if op in ("gt", "gte", "lt", "lte"):
        return _order_test(op, qid, v)
    if op == "in":
        return lambda d: d.get(qid) in v
    if op == "contains":
        return lambda d: v in d.get(qid, ())
    if op == "contains_any":
        return lambda d: not v.isdisjoint(d.get(qid, ()))
    if op == "contains_all":
        return lambda d: v.issubset(d.get(qid, ()))
    if op == "text_contains_any":
        terms = sorted({normalise_text(t.strip()) for t in v}, key=len, reverse=True)
        # Whole-word match; \w on both sides keeps "asa" from matching "masaje".
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)")

        def text(d: dict[str, Any]) -> bool:
            x = d.get(qid)
            return x is not None and pattern.search(normalise_text(x)) is not None

        return text
    raise LogicError(f"unknown operator {op!r}", "unknown_op")  # pragma: no cover


def _order_test(op: str, qid: str, v: Any) -> Test:
    if op == "gt":

        def gt(d: dict[str, Any]) -> bool:
            x = d.get(qid)
            return x is not None and x > v

        return gt
    if op == "gte":

        def gte(d: dict[str, Any]) -> bool:
            x = d.get(qid)
            return x is not None and x >= v

        return gte
    if op == "lt":

        def lt(d: dict[str, Any]) -> bool:
            x = d.get(qid)
            return x is not None and x < v

        return lt

    def lte(d: dict[str, Any]) -> bool:
        x = d.get(qid)
        return x is not None and x <= v

    return lte


def referenced_questions(spec: Any) -> frozenset[str]:
    """Question ids a raw (uncompiled) condition mentions; tolerant of malformed specs."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("q"), str):
                found.add(node["q"])
            for key in ("all", "any"):
                if isinstance(node.get(key), list):
                    for child in node[key]:
                        walk(child)
            if "not" in node:
                walk(node["not"])

    walk(spec)
    return frozenset(found)
