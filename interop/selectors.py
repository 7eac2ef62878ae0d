"""Records of one clinic as FHIR resources, in a fixed number of queries per page.

Every lookup filters by the clinic; an id of another clinic is simply not found (a 404).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from clients.models import Client
from intake.models import Intake
from interop import mapping
from review.models import ReferralDecision, Screening
from rules.models import RuleSetVersion
from rules.selectors import active_version, compiled


def parse_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except (ValueError, TypeError, AttributeError):
        return None


def _when(dt: datetime | None) -> str:
    # Submitted intakes always carry these moments; an empty string would be invalid FHIR.
    assert dt is not None
    return dt.isoformat()


# ---------------------------------------------------------------- Questionnaire


def questionnaires(clinic_id) -> list[dict]:
    """The catalogue of the clinic's active rule set, and every other catalogue version of the
    library (intakes point at the version they were answered against)."""
    active = active_version(clinic_id)
    seen, out = set(), []
    versions = [active, *RuleSetVersion.objects.exclude(pk=active.pk).order_by("-loaded_at")]
    for version in versions:
        if version.catalogue_version not in seen:
            seen.add(version.catalogue_version)
            out.append(mapping.questionnaire(compiled(version)[0]))
    return out


def questionnaire(clinic_id, resource_id: str) -> dict | None:
    return next((q for q in questionnaires(clinic_id) if q["id"] == resource_id), None)


# ---------------------------------------------------------------- Patient


def patient_resource(client: Client) -> dict:
    return mapping.patient(
        id=str(client.public_id),
        legal_name=client.legal_name,
        preferred_name=client.preferred_name,
        birth_date=client.date_of_birth.isoformat(),
        phone=client.phone,
        email=client.email,
        language=client.preferred_language,
        active=client.archived_at is None,
    )


def get_client(clinic_id, public_id: str) -> Client | None:
    pid = parse_uuid(public_id)
    if pid is None:
        return None
    return Client.objects.filter(clinic_id=clinic_id, public_id=pid).first()


def clients_page(clinic_id, *, offset: int, count: int) -> tuple[list[Client], int]:
    qs = Client.objects.filter(clinic_id=clinic_id).order_by("created_at", "id")
    return list(qs[offset : offset + count]), qs.count()


# ---------------------------------------------------------------- intakes and their screenings


def submitted_intakes(clinic_id):
    return (
        Intake.objects.filter(clinic_id=clinic_id, status=Intake.Status.SUBMITTED)
        .select_related("client", "consent")
        .order_by("-submitted_at", "-id")
    )


def intake_resources(intakes: Iterable[Intake], kinds: frozenset[str]) -> list[dict]:
    """The resources of `kinds` (QuestionnaireResponse, Consent, Provenance, DetectedIssue) of
    these intakes: three queries whatever their number (screenings, rule sets, decisions)."""
    intakes = list(intakes)
    screenings = (
        list(Screening.objects.filter(intake__in=intakes).order_by("created_at", "id"))
        if intakes
        else []
    )
    by_intake: dict[int, list[Screening]] = defaultdict(list)
    for s in screenings:
        by_intake[s.intake_id].append(s)
    versions = _versions({s.ruleset_id for s in screenings})
    decisions = _decisions(screenings) if "DetectedIssue" in kinds else {}
    out: list[dict] = []
    for intake in intakes:
        own = by_intake.get(intake.pk, [])
        if "QuestionnaireResponse" in kinds and own:
            out.append(response_resource(intake, own[0], versions[own[0].ruleset_id]))
        if "Consent" in kinds:
            out.append(consent_resource(intake))
        if "Provenance" in kinds:
            out.append(provenance_resource(intake))
        if "DetectedIssue" in kinds:
            for screening in own:
                out += detected_issues(screening, intake, decisions.get(screening.pk, []))
    return out


def _versions(ids) -> dict[int, RuleSetVersion]:
    return {v.pk: v for v in RuleSetVersion.objects.filter(pk__in=ids)} if ids else {}


def _decisions(screenings) -> dict[int, list[ReferralDecision]]:
    out: dict[int, list[ReferralDecision]] = defaultdict(list)
    if screenings:
        for d in (
            ReferralDecision.objects.filter(screening__in=screenings)
            .select_related("decided_by")
            .order_by("decided_at", "id")
        ):
            out[d.screening_id].append(d)
    return out


def response_resource(intake: Intake, screening: Screening, version: RuleSetVersion) -> dict:
    """The answers as screened at submission (validated; hidden questions' answers dropped)."""
    catalogue = compiled(version)[0]
    return mapping.questionnaire_response(
        catalogue=catalogue,
        answers=screening.inputs,
        id=str(intake.public_id),
        patient_id=str(intake.client.public_id),
        authored=_when(intake.submitted_at),
        language=intake.language,
    )


def consent_resource(intake: Intake) -> dict:
    consent = intake.consent
    assert consent is not None  # a submitted intake names the consent text it agreed to
    return mapping.consent(
        id=str(intake.public_id),
        patient_id=str(intake.client.public_id),
        response_id=str(intake.public_id),
        signed_at=_when(intake.signed_at),
        consent_version=consent.version,
        consent_language=consent.language,
        consent_title=consent.title,
        consent_text=consent.text,
    )


def provenance_resource(intake: Intake) -> dict:
    return mapping.provenance(
        id=str(intake.public_id),
        patient_id=str(intake.client.public_id),
        response_id=str(intake.public_id),
        consent_id=str(intake.public_id),
        signed_at=_when(intake.signed_at),
        method=intake.signature_method,
        signature_png=bytes(intake.signature_png) if intake.signature_png else None,
        typed_name=intake.signature_typed_name,
    )


def detected_issues(screening: Screening, intake: Intake, decisions) -> list[dict]:
    out = []
    for index, finding in enumerate(screening.outcome.findings):
        on_rule = [
            {
                "action": d.action,
                "reason": d.reason,
                "referred_to": d.referred_to,
                "decided_at": d.decided_at.isoformat(),
                "decided_by": d.decided_by.get_full_name() or d.decided_by.get_username(),
            }
            for d in decisions
            if finding.rule_id in d.rule_ids
        ]
        out.append(
            mapping.detected_issue(
                finding=finding,
                id=mapping.detected_issue_id(str(screening.public_id), index),
                patient_id=str(intake.client.public_id),
                response_id=str(intake.public_id),
                identified=_when(screening.created_at),
                decisions=on_rule,
            )
        )
    return out


def get_intake(clinic_id, public_id: str) -> Intake | None:
    pid = parse_uuid(public_id)
    if pid is None:
        return None
    return submitted_intakes(clinic_id).filter(public_id=pid).first()


def get_detected_issue(clinic_id, resource_id: str) -> tuple[dict, Screening] | None:
    screening_id, _, index = resource_id.rpartition("-")
    pid = parse_uuid(screening_id)
    if pid is None or not index.isdigit():
        return None
    screening = (
        Screening.objects.filter(clinic_id=clinic_id, public_id=pid)
        .select_related("intake__client")
        .first()
    )
    if screening is None or int(index) >= len(screening.outcome.findings):
        return None
    issues = detected_issues(
        screening, screening.intake, _decisions([screening]).get(screening.pk, [])
    )
    return issues[int(index)], screening


def latest_screened_intake(clinic_id, client: Client) -> tuple[Intake, Screening] | None:
    """The client's latest submitted intake and its latest screening (clearances applied)."""
    intake = submitted_intakes(clinic_id).filter(client=client).first()
    if intake is None:
        return None
    screening = (
        Screening.objects.filter(intake=intake)
        .select_related("ruleset")
        .order_by("-created_at", "-id")
        .first()
    )
    return (intake, screening) if screening is not None else None
