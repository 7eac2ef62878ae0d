"""Rule-set management for owners: what changed between two versions of the installation's
library, replaying past screenings against one, activating it for the owner's clinic. Versions
are added to the library by `manage.py load_rules` only, never by an owner.

A replay re-runs the stored, validated inputs of each screening through the candidate rules with
the same code path as a live screening (`review.screening.evaluate_stored_answers`),
so what it predicts is what the new version will decide.
"""

import json
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from review.models import Screening
from review.screening import evaluate_stored_answers
from rules.models import RuleSetVersion
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
    added: list[dict]
    removed: list[dict]
    changed: list[RuleChange]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _flatten(value, prefix="") -> dict[str, object]:
    # Nested objects become dotted fields; lists are compared whole (their order can matter).
    if isinstance(value, dict) and value:
        flat = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else key))
        return flat
    return {prefix: value}


def _text(value) -> str:
    if value is _MISSING:
        return "(absent)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


_MISSING = object()


def diff_rules(old_rules: dict, new_rules: dict) -> RuleSetDiff:
    """Rules added, removed and changed (field by field) from one rule-set document to another."""
    old = {rule["id"]: rule for rule in old_rules.get("rules", [])}
    new = {rule["id"]: rule for rule in new_rules.get("rules", [])}
    changed = []
    for rule_id in sorted(old.keys() & new.keys()):
        before, after = _flatten(old[rule_id]), _flatten(new[rule_id])
        fields = [
            FieldChange(name, _text(before.get(name, _MISSING)), _text(after.get(name, _MISSING)))
            for name in sorted(before.keys() | after.keys())
            if before.get(name, _MISSING) != after.get(name, _MISSING)
        ]
        if fields:
            changed.append(RuleChange(rule_id, new[rule_id].get("title", ""), fields))
    return RuleSetDiff(
        old_version=str(old_rules.get("version", "")),
        new_version=str(new_rules.get("version", "")),
        added=[new[r] for r in sorted(new.keys() - old.keys())],
        removed=[old[r] for r in sorted(old.keys() - new.keys())],
        changed=changed,
    )


def diff_versions(old: RuleSetVersion, new: RuleSetVersion) -> RuleSetDiff:
    return diff_rules(old.rules, new.rules)


# --- Replay -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayRow:
    screening: Screening
    old_decision: str
    new_decision: str
    rule_ids: list[str]  # rules whose findings differ (added, removed or decided differently)


@dataclass(frozen=True)
class Replay:
    candidate: RuleSetVersion
    months: int
    screened: int
    transitions: list[tuple[str, str, int]]  # (from, to, count), decisions that change
    rows: list[ReplayRow]  # every screening whose decision or findings change

    @property
    def changed(self) -> int:
        return sum(count for _, _, count in self.transitions)


def _findings(result: dict) -> dict[str, str]:
    return {f["rule_id"]: f["decision"] for f in result.get("findings", [])}


def replay(*, user, candidate: RuleSetVersion, months: int = DEFAULT_REPLAY_MONTHS) -> Replay:
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
    rows, count = [], 0
    for screening in screenings.iterator(chunk_size=500):
        count += 1
        # Stored inputs the candidate's catalogue cannot read give "refer", as live screening does.
        _, result = evaluate_stored_answers(candidate, screening.inputs, screening.cleared_rule_ids)
        new_decision = result["decision"]
        before, after = _findings(screening.result), _findings(result)
        differing = sorted(
            rid for rid in before.keys() | after.keys() if before.get(rid) != after.get(rid)
        )
        if new_decision != screening.decision:
            transitions[(screening.decision, new_decision)] += 1
        if new_decision != screening.decision or differing:
            rows.append(ReplayRow(screening, screening.decision, new_decision, differing))
    return Replay(
        candidate=candidate,
        months=months,
        screened=count,
        transitions=[(a, b, n) for (a, b), n in transitions.most_common()],
        rows=rows,
    )


# --- Activation ---------------------------------------------------------------------------------


@transaction.atomic
def activate_version(*, version: RuleSetVersion, user, request=None):
    """Make `version` the rule set the owner's clinic uses from now on (new screenings only);
    no other clinic is affected."""
    return activate_for_clinic(clinic=user.clinic, version=version, user=user, request=request)
