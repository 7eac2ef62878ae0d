"""The engine as a CDS Hooks 2.0 service on `appointment-book`: cards from a screening, and
feedback on them recorded as referral decisions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.errors import DomainError
from audit.models import AuditEvent
from audit.services import record_event
from contraindications.engine import Decision, Finding
from interop import mapping, selectors
from interop.models import CdsCard
from interop.screening import ScreenRequestError, screen_response
from review.models import ReferralDecision
from review.selectors import ACTIONABLE
from review.services import ReviewError, record_referral_decision

SERVICE_ID = "massage-contraindications"
HOOK = "appointment-book"
OVERRIDE_SYSTEM = f"{mapping.SYSTEM_BASE}/CodeSystem/cds-override-reason"
OVERRIDE_REASONS = (
    {
        "code": "physician-clearance",
        "system": OVERRIDE_SYSTEM,
        "display": "physician clearance on file",
    },
    {
        "code": "therapist-judgement",
        "system": OVERRIDE_SYSTEM,
        "display": "therapist's judgement, reason recorded",
    },
)


class CdsError(DomainError):
    def __init__(self, message: str, code: str, status: int = 400):
        super().__init__(message, code)
        self.status = status


def discovery() -> dict:
    return {
        "services": [
            {
                "hook": HOOK,
                "id": SERVICE_ID,
                "title": "Massage contraindication screening",
                "description": (
                    "Screens the client's latest health-history intake against the clinic's rule "
                    "set before a massage appointment is booked."
                ),
                "prefetch": {
                    "patient": "Patient/{{context.patientId}}",
                    "questionnaireResponse": (
                        "QuestionnaireResponse?subject={{context.patientId}}&_count=1"
                    ),
                },
            }
        ]
    }


@dataclass(frozen=True)
class _Screened:
    findings: tuple[Finding, ...]
    screening: Any  # review.models.Screening, or None for answers only in the prefetch
    client: Any


def cards_for(*, token, request_body: Any) -> tuple[dict, Any]:
    """({"cards": [...]}, the client or None). Raises CdsError for a malformed request."""
    body = _checked(request_body)
    clinic_id = token.clinic_id
    screened = _screened(clinic_id, body)
    if screened is None:
        return {"cards": [_no_intake_card()]}, None
    appointment = next(iter(body["context"].get("appointments") or []), None)
    cards = []
    with transaction.atomic():
        for finding in screened.findings:
            indicator = mapping.decision_to_fhir(finding.decision).cds_indicator
            if indicator is None:
                continue
            issued = CdsCard.objects.create(
                clinic_id=clinic_id,
                token=token,
                screening=screened.screening,
                hook_instance=body["hookInstance"][:100],
                rule_id=finding.rule_id[:64],
                decision=finding.decision.value,
            )
            cards.append(_card(finding, indicator, str(issued.uuid), appointment))
    return {"cards": cards}, screened.client


def _checked(body: Any) -> Mapping:
    if not isinstance(body, Mapping) or body.get("hook") != HOOK:
        raise CdsError(f"this service answers the {HOOK} hook", "wrong_hook")
    if not isinstance(body.get("hookInstance"), str) or not body["hookInstance"]:
        raise CdsError("hookInstance is required", "missing_hook_instance")
    context = body.get("context")
    if not isinstance(context, Mapping) or not isinstance(context.get("patientId"), str):
        raise CdsError("context.patientId is required", "missing_patient")
    appointments = context.get("appointments")
    if appointments is not None and not (
        isinstance(appointments, list) and all(isinstance(a, Mapping) for a in appointments)
    ):
        raise CdsError("context.appointments must be a list of Appointment", "bad_appointments")
    if body.get("prefetch") is not None and not isinstance(body["prefetch"], Mapping):
        raise CdsError("prefetch must be an object", "bad_prefetch")
    return body


def _prefetched_response(body) -> Mapping | None:
    found = (body.get("prefetch") or {}).get("questionnaireResponse")
    if isinstance(found, Mapping) and found.get("resourceType") == "Bundle":
        entries = [e.get("resource") for e in found.get("entry") or [] if isinstance(e, Mapping)]
        found = next((r for r in entries if isinstance(r, Mapping)), None)
    return found if isinstance(found, Mapping) else None


def _screened(clinic_id, body) -> _Screened | None:
    """The findings to show: the stored screening (clearances applied) when the response is one
    of this clinic's intakes or none was prefetched; else the prefetched answers, screened."""
    client = selectors.get_client(clinic_id, body["context"]["patientId"].removeprefix("Patient/"))
    prefetched = _prefetched_response(body)
    if prefetched is not None:
        intake = selectors.get_intake(clinic_id, str(prefetched.get("id", "")))
        if intake is None:
            try:
                outcome = screen_response(clinic_id=clinic_id, response=prefetched).outcome
            except ScreenRequestError as e:
                raise CdsError(f"prefetch.questionnaireResponse: {e}", "bad_prefetch") from e
            return _Screened(outcome.findings, None, client)
        client = intake.client
    if client is None:
        return None
    latest = selectors.latest_screened_intake(clinic_id, client)
    if latest is None:
        return None
    return _Screened(latest[1].outcome.findings, latest[1], client)


def _no_intake_card() -> dict:
    return {
        "summary": "No health-history intake on file",
        "detail": "Ask the client to fill in the intake before the session is booked.",
        "indicator": "warning",
        "source": {"label": "Massage contraindication screening"},
    }


def _card(finding: Finding, indicator: str, card_uuid: str, appointment) -> dict:
    source = finding.source
    lines = mapping.constraint_lines(finding.constraints)
    detail = finding.message
    if lines:
        detail += "\n\n**Session constraints:**\n" + "\n".join(f"- {line}" for line in lines)
    label = f"Rule {finding.rule_id} v{finding.rule_version}"
    if source.citation():
        label += f": {source.citation()}"
    card: dict[str, Any] = {
        "uuid": card_uuid,
        "summary": finding.title[:140],
        "detail": detail,
        "indicator": indicator,
        "source": {
            "label": label,
            "topic": {
                "system": mapping.RULE_SYSTEM,
                "code": finding.rule_id,
                "display": f"{finding.title} (version {finding.rule_version})",
            },
        },
    }
    if source.url:
        card["source"]["url"] = source.url
    if lines:
        suggestion: dict[str, Any] = {"label": "Book with these constraints: " + "; ".join(lines)}
        if appointment is not None and appointment.get("resourceType") == "Appointment":
            note = "Massage constraints (" + finding.rule_id + "): " + "; ".join(lines)
            updated = {
                **appointment,
                "comment": " ".join(x for x in (appointment.get("comment"), note) if x),
            }
            suggestion["actions"] = [{"type": "update", "description": note, "resource": updated}]
        card["suggestions"] = [suggestion]
        card["selectionBehavior"] = "at-most-one"
    if finding.decision is not Decision.REFER_URGENT:
        card["overrideReasons"] = [dict(r) for r in OVERRIDE_REASONS]
    return card


# ---------------------------------------------------------------- feedback


def record_feedback(*, token, body: Any, ip) -> int:
    """Record each card's outcome: on a referral finding, as a referral decision (accepted:
    the appointment was not booked, so the session is postponed; overridden: booked anyway, with
    the reason); on any other finding, as an audit event. Returns how many were recorded."""
    if not isinstance(body, Mapping) or not isinstance(body.get("feedback"), list):
        raise CdsError('send {"feedback": [...]}', "bad_feedback")
    recorded = 0
    with transaction.atomic():
        for item in body["feedback"]:
            _record_one(token, item, ip)
            recorded += 1
    return recorded


def _record_one(token, item, ip) -> None:
    if not isinstance(item, Mapping) or item.get("outcome") not in ("accepted", "overridden"):
        raise CdsError("each feedback needs outcome accepted or overridden", "bad_feedback")
    card_id = selectors.parse_uuid(str(item.get("card", "")))
    card = (
        CdsCard.objects.filter(clinic_id=token.clinic_id, uuid=card_id)
        .select_related("screening")
        .first()
        if card_id
        else None
    )
    if card is None:
        raise CdsError(f"unknown card {item.get('card')!r}", "unknown_card", 404)
    outcome = item["outcome"]
    reason = _override_reason(item) if outcome == "overridden" else ""
    if card.screening is None or card.decision not in ACTIONABLE:
        record_event(
            actor=token.created_by,
            clinic_id=token.clinic_id,
            action=AuditEvent.Action.DECIDE,
            target=card.screening or token,
            detail=f"CDS Hooks card {outcome}: {card.rule_id}",
            ip=ip,
        )
        return
    if outcome == "overridden" and card.decision == Decision.REFER_URGENT.value:
        raise CdsError(
            "an urgent referral is overridden only in the clinic's app, with a second confirmation",
            "urgent_override_refused",
            422,
        )
    action = (
        ReferralDecision.Action.OVERRIDDEN
        if outcome == "overridden"
        else ReferralDecision.Action.POSTPONED
    )
    try:
        record_referral_decision(
            screening=card.screening,
            rule_ids=[card.rule_id],
            action=action,
            decided_by=token.created_by,
            reason=reason or f"CDS Hooks card accepted via token {token.prefix}: not booked",
            ip=ip,
        )
    except ReviewError as e:
        raise CdsError(str(e), e.code, 422) from e


def _override_reason(item) -> str:
    given = item.get("overrideReason")
    if not isinstance(given, Mapping):
        raise CdsError("an overridden card needs an overrideReason", "override_needs_reason", 422)
    raw_reason = given.get("reason")
    reason = raw_reason if isinstance(raw_reason, Mapping) else {}
    parts = [
        str(reason.get("display") or reason.get("code") or ""),
        str(given.get("userComment") or ""),
    ]
    text = ": ".join(p.strip() for p in parts if p and p.strip())
    if not text:
        raise CdsError("an overridden card needs an overrideReason", "override_needs_reason", 422)
    return text[:1000]
