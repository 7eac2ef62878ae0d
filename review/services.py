"""Therapist review workflows: check and save a session plan, record what was done about a
finding (referral, postponement, override), record a physician clearance and re-screen.

Every function here only ever creates rows: decisions are append-only.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.errors import DomainError
from audit.services import record_creation
from contraindications.engine import Decision, Finding, Plan, PlanCheck, PlanError, check_plan
from review.models import (
    PhysicianClearance,
    ReferralDecision,
    ReferralDecisionRule,
    Screening,
    TreatmentPlan,
)
from review.screening import screen_intake
from review.selectors import cleared_rule_ids_for
from rules.selectors import compiled


class ReviewError(DomainError):
    """A review action that cannot be done as asked; `code` says why, `field` where."""


# --- Plans -------------------------------------------------------------------------------------


def parse_plan(data: dict[str, Any]) -> Plan:
    """A Plan from JSON-ready data (the JSON endpoint and the form both end here)."""
    try:
        return Plan.from_dict(data)
    except (PlanError, TypeError) as error:
        raise ReviewError(str(error), getattr(error, "code", "invalid_plan")) from error


def check_plan_for(*, screening: Screening, plan: Plan) -> PlanCheck:
    return check_plan(screening.outcome, plan)


@dataclass(frozen=True)
class ViolationView:
    kind: str
    item: str
    message: str
    rules: list[dict[str, str]]  # [{"id", "title"}]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "item": self.item, "message": self.message, "rules": self.rules}


def describe_check(*, screening: Screening, check: PlanCheck) -> dict[str, Any]:
    """The check as the plan editor shows it: each violation with the rules behind it."""
    _, ruleset = compiled(screening.ruleset)
    violations = []
    for v in check.violations:
        rules = [
            {"id": rid, "title": ruleset.by_id[rid].title if rid in ruleset.by_id else rid}
            for rid in v.rule_ids
        ]
        violations.append(ViolationView(v.kind, v.item, v.message, rules).to_dict())
    data = check.to_dict()
    data["violations"] = violations
    return data


def screening_fields(screening: Screening) -> dict[str, Any]:
    """What a plan, a referral decision and a clearance keep of the screening they answer: the
    screening, and its clinic, client and rule set copied onto the row (no query)."""
    return {
        "clinic_id": screening.clinic_id,
        "client_id": screening.client_id,
        "screening": screening,
        "ruleset_id": screening.ruleset_id,
    }


def plan_fields(
    *, screening: Screening, plan: Plan, check: PlanCheck, override_reason: str
) -> dict[str, Any]:
    """The fields of the TreatmentPlan row that keeps `plan` for `screening` with the check it
    passed or overrode (the reason is kept only for a plan that breaks a constraint). No query:
    `save_plan` creates one row from them, the demo history inserts thousands at once."""
    return {
        **screening_fields(screening),
        "modalities": list(plan.modalities),
        "regions": list(plan.regions),
        "pressure": plan.pressure,
        "region_pressure": dict(plan.region_pressure),
        "acupoints": list(plan.acupoints),
        "oils": list(plan.oils),
        "position": plan.position or "",
        "duration_minutes": plan.duration_minutes,
        "notes": plan.notes,
        "check_result": check.to_dict(),
        "compliant": check.ok,
        "override_reason": override_reason if not check.ok else "",
    }


@transaction.atomic
def save_plan(
    *,
    screening: Screening,
    plan: Plan,
    created_by: Any,
    override_reason: str = "",
    ip: str | None = None,
) -> TreatmentPlan:
    """Keep a plan. One that breaks a constraint needs the therapist's written reason."""
    check = check_plan_for(screening=screening, plan=plan)
    reason = override_reason.strip()
    if not check.ok and not reason:
        raise ReviewError(
            "This plan breaks the screening's constraints: change it, or give a reason to "
            "override them.",
            "plan_violates_constraints",
            "override_reason",
        )
    saved = TreatmentPlan.objects.create(
        **plan_fields(screening=screening, plan=plan, check=check, override_reason=reason),
        created_by=created_by,
    )
    record_creation(
        saved,
        by=created_by,
        detail="treatment plan" + (" (override)" if not check.ok else ""),
        ip=ip,
    )
    return saved


# --- Referral decisions -------------------------------------------------------------------------


def _findings_by_id(screening: Screening) -> dict[str, Finding]:
    return {f.rule_id: f for f in screening.outcome.findings}


@transaction.atomic
def record_referral_decision(
    *,
    screening: Screening,
    rule_ids: Iterable[str],
    action: str,
    decided_by: Any,
    referred_to: str = "",
    method: str = "",
    urgency: str = "",
    request_text: str = "",
    reason: str = "",
    urgent_override_confirmed: bool = False,
    ip: str | None = None,
) -> ReferralDecision:
    """Record what the therapist did about refer / refer_urgent / clearance findings."""
    findings = _findings_by_id(screening)
    rule_ids = sorted(set(rule_ids))
    if not rule_ids:
        raise ReviewError("Choose the findings this decision is about.", "no_findings", "rule_ids")
    unknown = [r for r in rule_ids if r not in findings or not findings[r].decision.actionable]
    if unknown:
        raise ReviewError(
            f"Not a referral finding of this screening: {', '.join(unknown)}",
            "unknown_finding",
            "rule_ids",
        )
    if action not in ReferralDecision.Action.values:
        raise ReviewError(f"Unknown action {action!r}", "unknown_action", "action")
    urgent = any(findings[r].decision is Decision.REFER_URGENT for r in rule_ids)
    reason = reason.strip()
    referred_to = referred_to.strip()
    if action == ReferralDecision.Action.REFERRED:
        if not referred_to:
            raise ReviewError(
                "Say to whom the client is referred.", "referral_needs_recipient", "referred_to"
            )
        if not method or not urgency:
            raise ReviewError("Say how and how urgently.", "referral_needs_method", "method")
    if action == ReferralDecision.Action.OVERRIDDEN:
        if not reason:
            raise ReviewError(
                "An override needs a written reason.", "override_needs_reason", "reason"
            )
        if urgent and not urgent_override_confirmed:
            raise ReviewError(
                "Overriding an urgent referral needs a second confirmation.",
                "urgent_override_unconfirmed",
                "urgent_override_confirmed",
            )
    decision = ReferralDecision.objects.create(
        **screening_fields(screening),
        rule_ids=rule_ids,
        urgent=urgent,
        action=action,
        referred_to=referred_to if action == ReferralDecision.Action.REFERRED else "",
        method=method if action == ReferralDecision.Action.REFERRED else "",
        urgency=urgency if action == ReferralDecision.Action.REFERRED else "",
        request_text=request_text.strip(),
        reason=reason,
        urgent_override_confirmed=bool(urgent_override_confirmed and urgent),
        decided_by=decided_by,
    )
    ReferralDecisionRule.objects.bulk_create(
        ReferralDecisionRule(
            decision=decision,
            clinic_id=decision.clinic_id,
            rule_id=rule_id,
            category=findings[rule_id].category,
            action=action,
            decided_by=decided_by,
            decided_at=decision.decided_at,
        )
        for rule_id in rule_ids
    )
    record_creation(decision, by=decided_by, detail=f"referral decision: {action}", ip=ip)
    return decision


# --- Physician clearance -----------------------------------------------------------------------


@dataclass(frozen=True)
class ClearanceResult:
    clearance: PhysicianClearance
    screening: Screening  # the new screening with the clearance applied


@transaction.atomic
def record_clearance(
    *,
    screening: Screening,
    physician_name: str,
    cleared_on: date,
    expires_on: date,
    rule_ids: Iterable[str],
    recorded_by: Any,
    notes: str = "",
    ip: str | None = None,
) -> ClearanceResult:
    """Keep a physician's clearance and re-screen the intake with every valid clearance applied.

    Only refer and clearance_required findings can be cleared; refer_urgent never is.
    """
    findings = _findings_by_id(screening)
    rule_ids = sorted(set(rule_ids))
    if not rule_ids:
        raise ReviewError("Choose what the physician cleared.", "no_findings", "rule_ids")
    for rid in rule_ids:
        if rid not in findings:
            raise ReviewError(
                f"{rid} is not a finding of this screening.", "unknown_finding", "rule_ids"
            )
        if findings[rid].decision is Decision.REFER_URGENT:
            raise ReviewError(
                f"{rid} is an urgent referral: a clearance cannot turn it into a session.",
                "urgent_not_clearable",
                "rule_ids",
            )
        if not findings[rid].decision.clearable and not findings[rid].clearance_applied:
            raise ReviewError(f"{rid} does not need a clearance.", "not_clearable", "rule_ids")
    physician_name = physician_name.strip()
    if not physician_name:
        raise ReviewError("Name the physician.", "clearance_needs_physician", "physician_name")
    today = timezone.localdate()
    if cleared_on > today:
        raise ReviewError(
            "A clearance cannot be dated in the future.", "clearance_in_future", "cleared_on"
        )
    if expires_on < today:
        raise ReviewError("This clearance has already expired.", "clearance_expired", "expires_on")
    clearance = PhysicianClearance.objects.create(
        **screening_fields(screening),
        physician_name=physician_name,
        cleared_on=cleared_on,
        expires_on=expires_on,
        rule_ids=rule_ids,
        notes=notes.strip(),
        recorded_by=recorded_by,
    )
    record_creation(clearance, by=recorded_by, detail="physician clearance", ip=ip)
    rescreened = rescreen_with_clearances(screening=screening, performed_by=recorded_by)
    return ClearanceResult(clearance=clearance, screening=rescreened)


def rescreen_with_clearances(*, screening: Screening, performed_by: Any) -> Screening:
    """Screen the same intake again with the client's valid clearances applied."""
    return screen_intake(
        intake=screening.intake,
        performed_by=performed_by,
        cleared_rule_ids=cleared_rule_ids_for(screening.client),
    )
