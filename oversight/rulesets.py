"""Rule-set management for owners: what changed between two versions of the installation's
library, replaying past screenings against one, activating it for the owner's clinic. Versions
are added to the library by `manage.py load_rules` only, never by an owner.

A replay re-runs the stored, validated inputs of each screening through the candidate rules with
the same code path as a live screening (`review.screening.evaluate`),
so what it predicts is what the new version will decide. It reports every change a screening
would see, not only decisions that flip: caps, areas to avoid, excluded techniques, acupoints and
oils, allowed positions, each with the rules that cause it.
"""

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from django.utils import timezone

from contraindications.engine import (
    POSITIONS,
    REGIONS,
    Constraints,
    Decision,
    item_name,
)
from contraindications.engine import Screening as EngineScreening
from oversight.words import decision_label, rule_name
from review.models import Screening
from review.screening import evaluate
from rules.models import RuleSetVersion
from rules.selectors import compiled
from rules.services import activate_for_clinic

DEFAULT_REPLAY_MONTHS = 6


# --- Diff ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str  # dotted path, e.g. "constraints.pressure_cap"
    old: str
    new: str


@dataclass(frozen=True)
class RuleChange:
    rule_id: str
    title: str
    changes: list[FieldChange]


@dataclass(frozen=True)
class RuleSetDiff:
    old_version: str
    new_version: str
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[RuleChange]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _flatten(value: Any, prefix: str = "") -> dict[str, object]:
    # Nested objects become dotted fields; lists are compared whole (their order can matter).
    if isinstance(value, dict) and value:
        flat = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else key))
        return flat
    return {prefix: value}


def _text(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


_MISSING = object()


def _worded(name: str, value: Any) -> str:
    """A field's value to read: an outcome by the decision's label ("Refer urgently")."""
    if name == "outcome" and isinstance(value, str):
        return decision_label(value)
    return _text(value)


def diff_rules(old_rules: dict[str, Any], new_rules: dict[str, Any]) -> RuleSetDiff:
    """Rules added, removed and changed (field by field) from one rule-set document to another."""
    old = {rule["id"]: rule for rule in old_rules.get("rules", [])}
    new = {rule["id"]: rule for rule in new_rules.get("rules", [])}
    changed = []
    for rule_id in sorted(old.keys() & new.keys()):
        before, after = _flatten(old[rule_id]), _flatten(new[rule_id])
        fields = [
            FieldChange(name, _worded(name, before.get(name, _MISSING)),
                        _worded(name, after.get(name, _MISSING)))
            for name in sorted(before.keys() | after.keys())
            if before.get(name, _MISSING) != after.get(name, _MISSING)
        ]  # fmt: skip
        if fields:
            changed.append(RuleChange(rule_id, new[rule_id].get("title", ""), fields))
    return RuleSetDiff(
        old_version=str(old_rules.get("version", "")),
        new_version=str(new_rules.get("version", "")),
        added=[
            {**new[r], "outcome_label": decision_label(str(new[r].get("outcome", "")))}
            for r in sorted(new.keys() - old.keys())
        ],
        removed=[old[r] for r in sorted(old.keys() - new.keys())],
        changed=changed,
    )


def diff_versions(old: RuleSetVersion, new: RuleSetVersion) -> RuleSetDiff:
    return diff_rules(old.rules, new.rules)


# --- Replay -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayChange:
    """One thing a screening would see differently, and the rules that cause it."""

    kind: str  # decision | pressure_cap | region_pressure_cap | region | modality | acupoint | oil
    #            | position
    item: str  # the code it is about ("" for the decision and the overall cap)
    old: str
    new: str
    rule_ids: list[str]
    rule_names: list[str] = field(default_factory=list)  # "Blood in the urine (KIDNEY-…)"

    @property
    def text(self) -> str:
        if self.kind == "decision":
            return f"Decision {decision_label(self.old)} → {decision_label(self.new)}"
        if self.kind == "pressure_cap":
            return f"Pressure cap {self.old} → {self.new}"
        if self.kind == "region_pressure_cap":
            return f"Pressure cap over {REGIONS[self.item]['en']} {self.old} → {self.new}"
        added = self.new == _ON
        label = item_name(self.kind, self.item)
        return (_ADDED if added else _REMOVED)[self.kind].format(label)


_ON, _OFF, _NO_CAP = "yes", "no", "no cap"
_ADDED = {
    "region": "Now an area to avoid: {}",
    "modality": "Now excluded: {}",
    "acupoint": "Now excluded: acupoint {}",
    "oil": "Now excluded: {} oil",
    "position": "Now not allowed: {}",
}
_REMOVED = {
    "region": "No longer an area to avoid: {}",
    "modality": "No longer excluded: {}",
    "acupoint": "No longer excluded: acupoint {}",
    "oil": "No longer excluded: {} oil",
    "position": "Allowed again: {}",
}


def _excluded_positions(c: Constraints) -> frozenset[str]:
    return (
        frozenset() if c.allowed_positions is None else frozenset(POSITIONS) - c.allowed_positions
    )


# Each kind of exclusion: which items a Constraints holds.
_SETS = {
    "region": lambda c: c.avoid_regions,
    "modality": lambda c: c.exclude_modalities,
    "acupoint": lambda c: c.exclude_acupoints,
    "oil": lambda c: c.exclude_oils,
    "position": _excluded_positions,
}


def _cap_text(cap: int | None) -> str:
    return _NO_CAP if cap is None else str(cap)


def _tighter(new: int | None, old: int | None) -> bool:
    return new is not None and (old is None or new < old)


def constraint_changes(before: EngineScreening, after: EngineScreening) -> list[ReplayChange]:
    """Every difference between two screening results' decisions and merged constraints, each
    with the rules behind it: for what is added or tightened, the rules imposing it after; for
    what is removed or loosened, the rules that imposed it before."""
    old_findings = _finding_constraints(before)
    new_findings = _finding_constraints(after)

    def imposing(findings: dict[str, Constraints], test: Callable[..., bool]) -> list[str]:
        return sorted(rid for rid, c in findings.items() if test(c))

    changes = []
    if before.decision is not after.decision:
        changes.append(_decision_change(before, after))
    old, new = before.constraints, after.constraints
    if old.pressure_cap != new.pressure_cap:
        tighter = _tighter(new.pressure_cap, old.pressure_cap)
        cap = new.pressure_cap if tighter else old.pressure_cap
        rules = imposing(new_findings if tighter else old_findings, lambda c: c.pressure_cap == cap)
        changes.append(
            ReplayChange(
                "pressure_cap", "", _cap_text(old.pressure_cap), _cap_text(new.pressure_cap), rules
            )
        )
    regions = {r for r, _ in old.region_pressure_caps} | {r for r, _ in new.region_pressure_caps}
    for region in sorted(regions):
        was, now = old.region_cap(region), new.region_cap(region)
        if was == now:
            continue
        tighter = _tighter(now, was)
        cap = now if tighter else was
        changes.append(
            ReplayChange(
                "region_pressure_cap", region, _cap_text(was), _cap_text(now),
                imposing(
                    new_findings if tighter else old_findings,
                    lambda c, r=region, cap=cap: c.region_cap(r) == cap,
                ),
            )
        )  # fmt: skip
    for kind, items_of in _SETS.items():
        was, now = items_of(old), items_of(new)
        for item in sorted(now - was):
            rules = imposing(new_findings, lambda c, i=item, f=items_of: i in f(c))
            changes.append(ReplayChange(kind, item, _OFF, _ON, rules))
        for item in sorted(was - now):
            rules = imposing(old_findings, lambda c, i=item, f=items_of: i in f(c))
            changes.append(ReplayChange(kind, item, _ON, _OFF, rules))
    return changes


def _finding_constraints(outcome: EngineScreening) -> dict[str, Constraints]:
    return {f.rule_id: f.constraints for f in outcome.findings}


def _decision_change(before: EngineScreening, after: EngineScreening) -> ReplayChange:
    # A stricter decision comes from the findings that now decide it; a milder one from those
    # that decided it before and no longer do.
    old, new = before.decision, after.decision
    stricter = new.severity > old.severity
    source, other = (after, before) if stricter else (before, after)
    deciding = new if stricter else old
    other_decided = _decided(other)
    rules = sorted(
        f.rule_id
        for f in source.findings
        if f.decision is deciding and other_decided.get(f.rule_id) is not deciding
    )
    return ReplayChange("decision", "", old.value, new.value, rules)


@dataclass(frozen=True)
class ReplayRow:
    screening: Screening
    old_decision: str
    new_decision: str
    rule_ids: list[str]  # rules whose findings differ (added, removed or decided differently)
    changes: list[ReplayChange]  # the decision flip and each constraint change, with their rules
    rule_names: list[str] = field(default_factory=list)

    @property
    def old_label(self) -> str:
        return decision_label(self.old_decision)

    @property
    def new_label(self) -> str:
        return decision_label(self.new_decision)

    @property
    def constraint_changes(self) -> list[ReplayChange]:
        return [c for c in self.changes if c.kind != "decision"]


@dataclass(frozen=True)
class Replay:
    candidate: RuleSetVersion
    months: int
    screened: int
    transitions: list[tuple[str, str, int]]  # (from, to, count), decisions that change
    rows: list[ReplayRow]  # every screening whose decision, findings or constraints change
    kinds: list[tuple[str, int]]  # (kind of constraint change, screenings with it)

    @property
    def changed(self) -> int:
        return sum(count for _, _, count in self.transitions)

    @property
    def transition_rows(self) -> list[tuple[str, str, str, str, int]]:
        """(from, to, from's label, to's label, count): codes for the page's data, words to read."""
        return [(a, b, decision_label(a), decision_label(b), n) for a, b, n in self.transitions]

    @property
    def constraints_changed(self) -> int:
        return sum(1 for row in self.rows if row.constraint_changes)


KIND_NAMES = {
    "pressure_cap": "pressure cap",
    "region_pressure_cap": "pressure cap over an area",
    "region": "areas to avoid",
    "modality": "excluded techniques",
    "acupoint": "excluded acupoints",
    "oil": "excluded oils",
    "position": "allowed positions",
}


def _decided(outcome: EngineScreening) -> dict[str, Decision]:
    """Each finding's decision, by rule id."""
    return {f.rule_id: f.decision for f in outcome.findings}


def replay(*, user: Any, candidate: RuleSetVersion, months: int = DEFAULT_REPLAY_MONTHS) -> Replay:
    """What the candidate would have decided for the clinic's screenings of the last `months`."""
    since = timezone.now() - timedelta(days=round(months * 30.44))
    screenings = (
        Screening.objects.filter(clinic_id=user.clinic_id, created_at__gte=since)
        .select_related("client")
        .only(
            "public_id", "decision", "inputs", "result", "cleared_rule_ids", "created_at",
            "client__public_id", "client__legal_name", "client__preferred_name",
        )
        .order_by("-created_at", "-id")
    )  # fmt: skip
    transitions: Counter[tuple[str, str]] = Counter()
    kinds: Counter[str] = Counter()
    rows: list[ReplayRow] = []
    count = 0
    titles = {rule.id: rule.title for rule in compiled(candidate)[1].rules}

    def named(rule_ids: Iterable[str]) -> list[str]:
        return [rule_name(rule_id, titles) for rule_id in rule_ids]

    for screening in screenings.iterator(chunk_size=500):
        count += 1
        # Stored inputs the candidate's catalogue cannot read give "refer", as live screening does.
        _, outcome = evaluate(candidate, screening.inputs, screening.cleared_rule_ids)
        new_decision = outcome.decision.value
        before, after = _decided(screening.outcome), _decided(outcome)
        differing = sorted(
            rid for rid in before.keys() | after.keys() if before.get(rid) != after.get(rid)
        )
        changes = [
            replace(c, rule_names=named(c.rule_ids))
            for c in constraint_changes(screening.outcome, outcome)
        ]
        if new_decision != screening.decision:
            transitions[(screening.decision, new_decision)] += 1
        kinds.update({c.kind for c in changes if c.kind != "decision"})
        if changes or differing:
            rows.append(
                ReplayRow(
                    screening, screening.decision, new_decision, differing, changes,
                    named(differing),
                )
            )  # fmt: skip
    return Replay(
        candidate=candidate,
        months=months,
        screened=count,
        transitions=[(a, b, n) for (a, b), n in transitions.most_common()],
        rows=rows,
        kinds=[(KIND_NAMES[k], kinds[k]) for k in KIND_NAMES if kinds[k]],
    )


# --- Activation ---------------------------------------------------------------------------------


def activate_version(*, version: RuleSetVersion, user: Any, ip: str | None = None) -> Any:
    """Make `version` the rule set the owner's clinic uses from now on (new screenings only);
    no other clinic is affected. Raises rules.services.ActivationRefused, recorded in the
    clinic's chain, when the clinic requires every rule reviewed and some rule is not (not in
    a transaction here, so that the refusal's record is kept)."""
    return activate_for_clinic(clinic=user.clinic, version=version, user=user, ip=ip)
