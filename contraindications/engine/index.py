"""Which rules could possibly fire for a set of answers, found without testing them all.

Each rule's condition has *gates* (logic.Gate): necessary conditions on one question
each, at least one of which must pass (an ``any`` over several questions has one gate
per question). Rules are indexed by their gate so that screening looks up the answers
it has instead of testing every rule; only the few candidates are then tested.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol


class Rule(Protocol):
    """What the index reads from a rule (rules.Rule; not imported: rules.py builds the index)."""

    @property
    def id(self) -> str: ...
    @property
    def severity(self) -> int: ...
    @property
    def when(self) -> Any: ...
    @property
    def avoid_regions_from(self) -> Any: ...
    @property
    def outcome(self) -> Any: ...
    @property
    def constraints(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class RuleIndex:
    # Rules in evaluation order: most severe first, then by id, so that findings
    # come out sorted. Positions below point into this tuple.
    rules: tuple[Rule, ...]
    always: tuple[int, ...]  # rules without a usable gate
    by_answer: dict[tuple[str, object], tuple[int, ...]]  # (qid, scalar answer) -> rules
    # list answers: qid, item -> rules, and the items that have rules
    by_item: tuple[tuple[str, dict[str, tuple[int, ...]], frozenset[str]], ...]
    by_answered: dict[str, tuple[int, ...]]  # qid answered at all -> rules
    # The keys of by_answer and by_answered, to intersect with the answers in C.
    answer_keys: frozenset[tuple[str, object]] = frozenset()
    answered_keys: frozenset[str] = frozenset()
    # Per position, the screening hit (screening.Hit) of a rule whose finding does not
    # depend on the answers (no regions taken from them), built once; None otherwise.
    # Screening uses it when no clearance is on file.
    fixed_hits: tuple[tuple[Any, ...] | None, ...] = ()

    @classmethod
    def build(cls, rules: Iterable[Rule], *, use_gates: bool = True) -> RuleIndex:
        ordered = tuple(sorted(rules, key=lambda r: (-r.severity, r.id)))
        always: list[int] = []
        by_answer: dict[tuple[str, object], list[int]] = defaultdict(list)
        by_item: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        by_answered: dict[str, list[int]] = defaultdict(list)
        for pos, rule in enumerate(ordered):
            gates = rule.when.gates if use_gates else None
            if gates is None:
                always.append(pos)
                continue
            # A rule gated on several questions (an "any" over them) is listed under
            # each: it becomes a candidate when any one of its gates passes.
            for gate in gates:
                if gate.values is None:
                    by_answered[gate.qid].append(pos)
                elif gate.multi:
                    for v in gate.values:
                        by_item[gate.qid][v].append(pos)
                else:
                    for v in gate.values:
                        by_answer[(gate.qid, v)].append(pos)
        return cls(
            ordered,
            tuple(always),
            {k: tuple(v) for k, v in by_answer.items()},
            tuple(
                (q, {k: tuple(v) for k, v in m.items()}, frozenset(m))
                for q, m in sorted(by_item.items())
            ),
            {q: tuple(v) for q, v in sorted(by_answered.items())},
            frozenset(by_answer),
            frozenset(by_answered),
            tuple(
                None
                if r.avoid_regions_from
                else ((-r.severity, r.id), r, r.outcome, r.constraints, False, None)
                for r in ordered
            ),
        )

    def candidates(self, d: dict[str, Any]) -> list[int]:
        """Positions of rules whose gate passes for answers ``d``, in order."""
        # This lookup is most of a screening's cost: the loops over the answers run in C
        # (set intersections); Python only touches the few gates that pass.
        found = set(self.always)
        by_answer = self.by_answer
        for item in self.answer_keys.intersection(d.items()):  # (qid, value) pairs
            found.update(by_answer[item])
        get = d.get
        for qid, by_value, keys in self.by_item:
            x = get(qid)
            if x and not keys.isdisjoint(x):
                for v in keys.intersection(x):
                    found.update(by_value[v])
        by_answered = self.by_answered
        for qid in self.answered_keys.intersection(d):
            found.update(by_answered[qid])
        return sorted(found)
