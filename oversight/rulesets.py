"""Rule-set management for owners: what changed between two versions, loading a new version
from an uploaded file (stored, not in use), replaying past screenings against it, activating it.

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

from audit.models import AuditEvent
from audit.services import record_event
from config.jsonbody import BadJSONBody, parse_json_body
from contraindications.engine import CatalogueError, RuleSetError
from review.models import Screening
from review.screening import evaluate_stored_answers
from rules.models import RuleSetVersion
from rules.selectors import active_or_none
from rules.services import store_ruleset

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
DEFAULT_REPLAY_MONTHS = 6


class RuleSetUploadError(Exception):
    """An uploaded rule set that cannot be stored; `code` says why, `rule_id` which rule."""

    def __init__(self, message: str, code: str, rule_id: str | None = None):
        super().__init__(message)
        self.code = code
        self.rule_id = rule_id


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


# --- Upload -------------------------------------------------------------------------------------


def load_uploaded_ruleset(*, upload, user, request=None) -> RuleSetVersion:
    """Validate an uploaded rule-set JSON file against the catalogue in use and store it without
    activating it. Nothing is stored when anything is wrong; the error names the rule."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise RuleSetUploadError("The file is larger than 2 MB.", "file_too_large")
    try:
        rules_data = parse_json_body(upload.read(), max_bytes=MAX_UPLOAD_BYTES)
    except BadJSONBody as error:
        raise RuleSetUploadError(f"The file is not valid JSON: {error}", error.code) from error
    current = active_or_none()
    if current is None:
        raise RuleSetUploadError("No rule set is in use yet to validate against.", "no_ruleset")
    try:
        stored = store_ruleset(
            rules_data=rules_data,
            catalogue_data=current.catalogue,
            source_name=getattr(upload, "name", "")[:200],
            loaded_by=user,
            activate=False,
        )
    except (RuleSetError, CatalogueError) as error:
        raise RuleSetUploadError(
            error.message, error.code, getattr(error, "rule_id", None)
        ) from error
    if not stored.created:
        raise RuleSetUploadError(
            f"Rule set {stored.version.version} is already loaded.", "already_loaded"
        )
    record_event(
        actor=user,
        clinic_id=user.clinic_id,
        action=AuditEvent.Action.CREATE,
        target=stored.version,
        detail=f"rule set {stored.version.version} loaded (not in use)",
        request=request,
    )
    return stored.version


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
    transitions, rows, count = Counter(), [], 0
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
def activate_version(*, version: RuleSetVersion, user, request=None) -> RuleSetVersion:
    """Make `version` the rule set in use from now on (for new screenings only)."""
    previous = active_or_none()
    version = RuleSetVersion.objects.select_for_update().get(pk=version.pk)
    version.activated_at = timezone.now()
    version.save(update_fields=["activated_at"])
    record_event(
        actor=user,
        clinic_id=user.clinic_id,
        action=AuditEvent.Action.UPDATE,
        target=version,
        detail=(
            f"rule set {version.version} activated"
            + (f" (replacing {previous.version})" if previous and previous != version else "")
        ),
        request=request,
    )
    return version
