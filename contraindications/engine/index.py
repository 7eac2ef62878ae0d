"""Which rules could possibly fire for a set of answers, found without testing them all.

Each rule's condition has a *gate* (logic.Gate): a necessary condition on one
question. Rules are indexed by their gate so that screening looks up the answers
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


@dataclass(frozen=True, slots=True)
class RuleIndex:
    # Rules in evaluation order: most severe first, then by id, so that findings
    # come out sorted. Positions below point into this tuple.
    rules: tuple[Rule, ...]
    always: tuple[int, ...]  # rules without a usable gate
    by_answer: dict[tuple[str, object], tuple[int, ...]]  # (qid, scalar answer) -> rules
    by_item: tuple[tuple[str, dict[str, tuple[int, ...]]], ...]  # list answers: qid, item -> rules
    by_answered: tuple[tuple[str, tuple[int, ...]], ...]  # qid answered at all -> rules

    @classmethod
    def build(cls, rules: Iterable[Rule], *, use_gates: bool = True) -> RuleIndex:
        ordered = tuple(sorted(rules, key=lambda r: (-r.severity, r.id)))
        always: list[int] = []
        by_answer: dict[tuple[str, object], list[int]] = defaultdict(list)
        by_item: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        by_answered: dict[str, list[int]] = defaultdict(list)
        for pos, rule in enumerate(ordered):
            gate = rule.when.gate if use_gates else None
            if gate is None:
                always.append(pos)
            elif gate.values is None:
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
            tuple((q, {k: tuple(v) for k, v in m.items()}) for q, m in sorted(by_item.items())),
            tuple((q, tuple(v)) for q, v in sorted(by_answered.items())),
        )

    def candidates(self, d: dict) -> list[int]:
        """Positions of rules whose gate passes for answers ``d``, in order."""
        found = set(self.always)
        lookup = self.by_answer.get
        for item in d.items():  # items are (qid, value) tuples: no allocation per lookup
            hit = lookup(item)
            if hit is not None:
                found.update(hit)
        get = d.get
        for qid, by_value in self.by_item:
            x = get(qid)
            if x:
                for v in x:
                    hit = by_value.get(v)
                    if hit is not None:
                        found.update(hit)
        for qid, positions in self.by_answered:
            if qid in d:
                found.update(positions)
        return sorted(found)
