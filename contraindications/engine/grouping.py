"""Findings grouped by cause: findings triggered by exactly the same answers are one block.

A pregnant client fires several pregnancy rules, each explained by "pregnant: yes"; the
therapist reads that answer once, with every rule it triggered below it. Pure: the screen,
the PDFs and the ``screen`` command all group with this one function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from .screening import Finding

T = TypeVar("T")


def _key(matched: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(
        sorted((q, tuple(v) if isinstance(v, list | tuple) else v) for q, v in matched.items())
    )


def group_by_cause(
    findings: Iterable[T], matched: Callable[[T], Mapping[str, Any]]
) -> tuple[tuple[T, ...], ...]:
    """Findings in groups of equal ``matched`` answers (question id -> value).

    Groups come in the order of their first finding, and findings keep their order within
    a group, so findings sorted most severe first give groups sorted the same way. A
    finding explained by no answer (an engine safety finding, an evaluation error) is
    never grouped with another: nothing shows that they share a cause.
    """
    groups: dict[Any, list[T]] = {}
    for n, finding in enumerate(findings):
        key = _key(matched(finding)) or ("unexplained", n)
        groups.setdefault(key, []).append(finding)
    return tuple(tuple(g) for g in groups.values())


def grouped_findings(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """JSON-ready groups of findings: the shared answers, and the rule ids and decisions of
    the findings they triggered."""
    return [
        {
            "matched": {q: list(v) if isinstance(v, tuple) else v for q, v in group[0].matched},
            "rule_ids": [f.rule_id for f in group],
            "decisions": [f.decision.value for f in group],
        }
        for group in group_by_cause(findings, lambda f: dict(f.matched))
    ]
