"""Screening: run a rule set over one client's answers.

Pure: no database, no clock. The hot loop is kept allocation-light because the
tablet may re-screen on every answer change (see bench.py for the budget).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .catalogue import Answers, json_value
from .constraints import EMPTY, Constraints, merge_constraints
from .plan_check import Plan, PlanCheck, check_plan
from .rules import Rule, RuleSet, Source
from .vocabulary import CLEARABLE, NO_SESSION, SEVERITY, Decision

EVALUATION_ERROR = "evaluation_error"
# Findings the fail-safe policy adds (policy.py): no rule behind them, so no constraints
# and no clinical summary; they are stored in that short form.
SYSTEM_CATEGORY = "system"
UNREADABLE_RULE_ID = "INTAKE-UNREADABLE"  # answers could not be screened at all
_CLEARABLE = CLEARABLE


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    rule_version: int
    title: str
    category: str
    decision: Decision
    message: str
    constraints: Constraints
    source: Source
    clearance_applied: bool = False  # a physician clearance turned this into "modify"
    code: str | None = None  # "evaluation_error" when the rule itself failed
    clinical_summary: str = ""  # physician-facing wording, for referral letters
    # The explanation is computed on first access: screening stays cheap, and most
    # screenings are never rendered. Either a tuple or (explain_fn, answers_dict).
    _matched: Any = field(default=(), repr=False, compare=False)

    @property
    def matched(self) -> tuple[tuple[str, Any], ...]:
        """(question_id, JSON-ready value) pairs that made the rule fire, sorted."""
        m = self._matched
        if m and callable(m[0]):
            explain, d = m
            m = tuple(sorted({q: _frozen_json(v) for q, v in explain(d)}.items()))
            object.__setattr__(self, "_matched", m)
        return m  # type: ignore[no-any-return]  # built lazily, then a tuple

    @property
    def severity(self) -> int:
        return SEVERITY[self.decision]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # equality uses the lazy explanation

    def to_dict(self) -> dict[str, Any]:
        system = self.category == SYSTEM_CATEGORY
        d: dict[str, Any] = {
            "rule_id": self.rule_id,
            "rule_version": self.rule_version,
            "title": self.title,
            "category": self.category,
            "decision": self.decision.value,
            "message": self.message,
            "matched": {}
            if system
            else {q: list(v) if isinstance(v, tuple) else v for q, v in self.matched},
            "constraints": {} if system else self.constraints.to_dict(),
            "source": self.source.to_dict(),
            "clearance_applied": self.clearance_applied,
            "code": self.code,
        }
        # System findings are stored in their short form (no clinical summary), as they
        # always were: stored screenings must keep comparing equal after a reload.
        if not system:
            d["clinical_summary"] = self.clinical_summary
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Finding:
        matched = tuple(
            (q, tuple(v) if isinstance(v, list) else v) for q, v in sorted(d["matched"].items())
        )
        return cls(
            rule_id=d["rule_id"],
            rule_version=d["rule_version"],
            title=d["title"],
            category=d["category"],
            decision=Decision(d["decision"]),
            message=d["message"],
            constraints=Constraints.from_dict(d["constraints"]),
            source=Source.from_dict(d["source"]),
            clearance_applied=d.get("clearance_applied", False),
            code=d.get("code"),
            clinical_summary=d.get("clinical_summary", ""),
            _matched=matched,
        )


@dataclass(frozen=True, slots=True)
class Screening:
    decision: Decision
    constraints: Constraints  # merged over all findings
    ruleset_version: str
    ruleset_checksum: str
    catalogue_version: str
    cleared_rule_ids: frozenset[str] = frozenset()
    plan_check: PlanCheck | None = None
    # Findings are built on first access (most severe first, then by rule id): the
    # decision and constraints are all a busy screen needs. Tuple, or a builder.
    _findings: Any = field(default=(), repr=False, compare=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        f = self._findings
        if not isinstance(f, tuple):
            f = f()
            object.__setattr__(self, "_findings", f)
        return f  # type: ignore[no-any-return]  # built lazily, then a tuple

    @property
    def session_possible(self) -> bool:
        return self.decision not in NO_SESSION

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(f.rule_id for f in self.findings)

    def finding(self, rule_id: str) -> Finding | None:
        return next((f for f in self.findings if f.rule_id == rule_id), None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Screening):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready and deterministic: equal screenings give equal dicts."""
        return {
            "decision": self.decision.value,
            "session_possible": self.session_possible,
            "findings": [f.to_dict() for f in self.findings],
            # Unscreenable answers: no rule ran, so there are no constraints at all.
            "constraints": ({} if self.finding(UNREADABLE_RULE_ID) else self.constraints.to_dict()),
            "ruleset_version": self.ruleset_version,
            "ruleset_checksum": self.ruleset_checksum,
            "catalogue_version": self.catalogue_version,
            "cleared_rule_ids": sorted(self.cleared_rule_ids),
            "plan_check": None if self.plan_check is None else self.plan_check.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Screening:
        pc = d.get("plan_check")
        return cls(
            decision=Decision(d["decision"]),
            constraints=Constraints.from_dict(d["constraints"]),
            ruleset_version=d["ruleset_version"],
            ruleset_checksum=d["ruleset_checksum"],
            catalogue_version=d["catalogue_version"],
            cleared_rule_ids=frozenset(d.get("cleared_rule_ids", ())),
            plan_check=None if pc is None else PlanCheck.from_dict(pc),
            _findings=tuple(Finding.from_dict(f) for f in d["findings"]),
        )


# A hit is (sort key, rule, decision, constraints, clearance applied, error or None).
Hit = tuple[Any, ...]


def _hit(rule: Rule, d: dict[str, Any], cleared: frozenset[str] | set[str]) -> Hit:
    constraints = rule.constraints
    if rule.avoid_regions_from:
        regions = set(constraints.avoid_regions)
        for qid in rule.avoid_regions_from:
            regions.update(d.get(qid, ()))
        constraints = _with_regions(constraints, frozenset(regions))
    decision = rule.outcome
    if cleared and decision in _CLEARABLE and rule.id in cleared:
        # A valid physician clearance: proceed with the rule's constraints.
        return ((-1, rule.id), rule, Decision.MODIFY, constraints, True, None)
    return ((-rule.severity, rule.id), rule, decision, constraints, False, None)


def _error_hit(rule: Rule, exc: BaseException) -> Hit:
    # A rule that cannot be evaluated must never let a session proceed silently.
    return ((-SEVERITY[Decision.REFER], rule.id), rule, Decision.REFER, EMPTY, False, exc)


def _frozen_json(v: Any) -> Any:
    v = json_value(v)
    return tuple(v) if isinstance(v, list) else v


def _with_regions(c: Constraints, regions: frozenset[str]) -> Constraints:
    return Constraints(
        c.pressure_cap,
        c.region_pressure_caps,
        regions,
        c.exclude_modalities,
        c.exclude_acupoints,
        c.exclude_oils,
        c.positioning,
        c.allowed_positions,
        c.precautions,
    )


def _build_findings(hits: list[Hit], d: dict[str, Any]) -> tuple[Finding, ...]:
    out = []
    for _, rule, decision, constraints, applied, exc in hits:
        failed = exc is not None
        message = (
            f"Rule {rule.id} could not be evaluated ({type(exc).__name__}); "
            "treat as a referral until the intake is reviewed."
            if failed
            else rule.message
        )
        out.append(
            Finding(
                rule.id,
                rule.version,
                rule.title,
                rule.category,
                decision,
                message,
                constraints,
                rule.source,
                applied,  # never for a rule that failed (_error_hit)
                EVALUATION_ERROR if failed else None,
                rule.clinical_summary,
                () if failed else (rule.when.explain, d),
            )
        )
    return tuple(out)


def screen(
    ruleset: RuleSet,
    answers: Answers | Mapping[str, Any],
    *,
    plan: Plan | None = None,
    cleared_rule_ids: frozenset[str] | set[str] = frozenset(),
) -> Screening:
    """Screen validated answers. ``cleared_rule_ids``: rules for which a valid
    physician clearance is on file (never downgrades refer_urgent)."""
    d = answers._d if isinstance(answers, Answers) else dict(answers)
    index = ruleset.index
    rules = index.rules
    hits: list[Hit] = []
    resort = False
    try:
        positions = index.candidates(d)
    except Exception:
        positions = range(len(rules))
    fixed = () if cleared_rule_ids else index.fixed_hits  # a clearance may change a hit
    for pos in positions:
        rule = rules[pos]
        try:
            if rule.when.test(d):
                hit = fixed[pos] if fixed and fixed[pos] is not None else None
                if hit is None:
                    hit = _hit(rule, d, cleared_rule_ids)
                    resort = resort or hit[4]
                hits.append(hit)
        except Exception as exc:
            hits.append(_error_hit(rule, exc))
            resort = True
    if hits:
        # Candidates come in severity-then-id order, so hits arrive sorted
        # unless a clearance or an error changed a decision.
        if resort:
            hits.sort(key=_first)
        decision = hits[0][2]
        constraints = hits[0][3] if len(hits) == 1 else merge_constraints([h[3] for h in hits])
    else:
        decision, constraints = Decision.PROCEED, EMPTY
    result = Screening(
        decision,
        constraints,
        ruleset.version,
        ruleset.checksum,
        ruleset.catalogue_version,
        frozenset(cleared_rule_ids),
        None,
        (lambda: _build_findings(hits, d)) if hits else (),
    )
    if plan is not None:
        # The check needs the finished screening; we are still building it here.
        object.__setattr__(result, "plan_check", check_plan(result, plan))
    return result


def _first(hit: Hit) -> tuple[int, str]:
    key: tuple[int, str] = hit[0]
    return key
