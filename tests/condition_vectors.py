"""The shared condition vectors (fixtures/condition_vectors.json) and vectors generated from
every show_if in the real catalogue, for the engine's test and the browser's test alike.

A vector is {name, condition, answers, expected}; `catalogue` says whose questions it uses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from contraindications.engine import CATALOGUE_PATH, Catalogue, load_catalogue

VECTORS_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "condition_vectors.json"


@dataclass(frozen=True)
class Vector:
    name: str
    condition: Any
    answers: dict[str, Any]
    expected: bool
    catalogue: str  # "vectors" (the file's own questions) or "real"

    @property
    def id(self) -> str:
        return f"{self.catalogue}: {self.name}"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.id, "condition": self.condition, "answers": self.answers}


@cache
def vectors_file() -> dict[str, Any]:
    return json.loads(VECTORS_PATH.read_text(encoding="utf-8"))


def _without_show_if(questions: list[dict]) -> list[dict]:
    # Answers are validated one question at a time: whether the question a condition reads is
    # itself shown is the business of that question's own show_if, tested on its own.
    return [{k: v for k, v in q.items() if k != "show_if"} for q in questions]


def _question(qid: str, spec: dict[str, Any]) -> dict[str, Any]:
    text = {"en": qid, "es": qid}
    q: dict[str, Any] = {"id": qid, "section": "about_you", "type": spec["type"], "text": text}
    if "choices" in spec:
        q["choices"] = [{"id": c, "label": {"en": c, "es": c}} for c in spec["choices"]]
    q.update({k: v for k, v in spec.items() if k not in ("type", "choices")})
    return q


@cache
def catalogues() -> dict[str, Catalogue]:
    """Question sets to validate answers and compile conditions against, without show_if."""
    own = [_question(qid, spec) for qid, spec in vectors_file()["questions"].items()]
    real = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    return {
        "vectors": load_catalogue({"version": "condition-vectors", "questions": own}),
        "real": load_catalogue({**real, "questions": _without_show_if(real["questions"])}),
    }


def file_vectors() -> list[Vector]:
    return [Vector(**v, catalogue="vectors") for v in vectors_file()["vectors"]]


def real_show_ifs() -> dict[str, Any]:
    real = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    return {q["id"]: q["show_if"] for q in real["questions"] if "show_if" in q}


def catalogue_vectors() -> list[Vector]:
    """For every show_if in the catalogue: answers that show the question and answers that
    hide it (every other choice, and no answer at all)."""
    by_id = catalogues()["real"].by_id
    out = []
    for qid, cond in real_show_ifs().items():
        for label, answers, expected in _show_and_hide(cond, by_id):
            name = f"{qid} {'shown' if expected else 'hidden'}: {label}"
            out.append(Vector(name, cond, answers, expected, "real"))
    return out


def _show_and_hide(cond: dict, by_id) -> list[tuple[str, dict, bool]]:
    if "any" in cond or "all" in cond:
        return _compound(cond, by_id)
    if "not" in cond:
        return [(f"not {label}", a, not e) for label, a, e in _show_and_hide(cond["not"], by_id)]
    ops = set(cond) - {"q"}
    if "q" not in cond or len(ops) != 1:
        raise NotImplementedError(f"no vector generator for {cond!r}: add one here")
    (op,) = ops
    target = by_id[cond["q"]]
    value = cond[op]
    choices = sorted(target.choice_ids)
    cases = [("unanswered", {}, False)]
    if op == "eq" and target.type == "yes_no":
        cases += [(str(value), {target.id: value}, True)]
        cases += [(str(not value), {target.id: not value}, False)]
    elif op in ("eq", "in") and target.type == "single_choice":
        shown = {value} if op == "eq" else set(value)
        cases += [(c, {target.id: c}, c in shown) for c in choices]
    elif op in ("contains", "contains_any") and target.type == "multiple_choice":
        wanted = {value} if op == "contains" else set(value)
        others = [c for c in choices if c not in wanted]
        cases += [(c, {target.id: [c]}, c in wanted) for c in choices]
        mixable = [c for c in others if c not in target.exclusive]
        if mixable:
            both = sorted([*wanted, mixable[0]])
            cases.append(("+".join(both), {target.id: both}, True))
            if len(mixable) > 1:
                cases.append(("+".join(mixable), {target.id: mixable}, False))
        cases.append(("empty list", {target.id: []}, False))
    else:
        raise NotImplementedError(f"no vector generator for {op} on {target.type}: add one here")
    return cases


def _compound(cond: dict, by_id) -> list[tuple[str, dict, bool]]:
    """any: each part's own cases with the other parts unanswered (so false); all: each part's
    cases with every other part shown. Parts read different questions in the catalogue."""
    kind = "any" if "any" in cond else "all"
    parts = [_show_and_hide(part, by_id) for part in cond[kind]]
    cases = [("all unanswered", {}, False)]
    for i, part_cases in enumerate(parts):
        others = {}
        if kind == "all":
            for j, other in enumerate(parts):
                if j != i:
                    others.update(next(a for _, a, e in other if e))
        for label, answers, expected in part_cases:
            if answers or kind == "any":
                cases.append((f"{kind}[{i}] {label}", {**others, **answers}, expected))
    return cases


def all_vectors() -> list[Vector]:
    return file_vectors() + catalogue_vectors()
