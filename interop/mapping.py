"""Catalogue, answers, findings, consent and signature as FHIR R4 resources (plain dicts).

Pure: no Django, no database. Views and selectors fetch the records and call these; `validate`
checks a resource with fhir.resources (its R4B models: the elements used here are the same in
R4 and R4B). The one place a decision becomes FHIR is `decision_to_fhir`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from contraindications.engine import (
    POSITIONS,
    REGIONS,
    AnswerError,
    Catalogue,
    Constraints,
    Decision,
    Finding,
    Source,
)
from contraindications.engine.catalogue import _validate_value

from .conditions import ANSWER_KEYS, SYSTEM_BASE, answer_key, coding_system, to_enable_when

QUESTIONNAIRE_URL = f"{SYSTEM_BASE}/Questionnaire/intake"
RULE_SYSTEM = f"{SYSTEM_BASE}/CodeSystem/rule"
DECISION_SYSTEM = f"{SYSTEM_BASE}/CodeSystem/decision"
CONSTRAINT_SYSTEM = f"{SYSTEM_BASE}/CodeSystem/constraint"
REFERRAL_ACTION_SYSTEM = f"{SYSTEM_BASE}/CodeSystem/referral-action"
CLIENT_ID_SYSTEM = f"{SYSTEM_BASE}/NamingSystem/client"
CITATION_EXTENSION = f"{SYSTEM_BASE}/StructureDefinition/rule-citation"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
_SECTION_TITLES = {
    "about_you": ("About you", "Sobre usted"),
    "visit_and_pain": ("Today's visit and pain", "La visita de hoy y el dolor"),
    "symptoms": ("Symptoms", "Síntomas"),
    "medications": ("Medications", "Medicamentos"),
    "conditions_history": ("Health conditions", "Problemas de salud"),
    "pregnancy": ("Pregnancy", "Embarazo"),
    "preferences": ("Preferences", "Preferencias"),
    "consent": ("Consent", "Consentimiento"),
}
_ITEM_TYPE = {
    "yes_no": "boolean",
    "single_choice": "choice",
    "multiple_choice": "choice",
    "body_regions": "choice",
    "date": "date",
    "free_text": "text",
}


@dataclass(frozen=True)
class DecisionCoding:
    """What one engine decision is in FHIR and CDS Hooks terms."""

    detected_issue_severity: str  # DetectedIssue.severity: high | moderate | low
    cds_indicator: str | None  # CDS Hooks card indicator; None: no card
    display: str


# The engine's display colour of a decision (Decision.colour: how urgent it reads on every
# page) in FHIR's DetectedIssue.severity and a CDS Hooks card's indicator; proceed has no card.
_BY_COLOUR: dict[str, tuple[str, str | None]] = {
    "danger": ("high", "critical"),
    "warning": ("moderate", "warning"),
    "info": ("low", "info"),
    "success": ("low", None),
}


def decision_to_fhir(decision: str) -> DecisionCoding:
    """The one mapping from an engine decision (its string value) to FHIR and CDS Hooks: the
    engine's own colour and words, so an EHR ranks a decision as the clinic's pages do."""
    d = Decision(decision)
    severity, indicator = _BY_COLOUR[d.colour]
    return DecisionCoding(severity, indicator, d.label("en"))


def fhir_id(text: str) -> str:
    """A FHIR id ([A-Za-z0-9.-]{1,64}) from any version string."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", text)[:64]


def _translated(es: str) -> dict:
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [
                    {"url": "lang", "valueCode": "es"},
                    {"url": "content", "valueString": es},
                ],
            }
        ]
    }


# ---------------------------------------------------------------- Questionnaire


def questionnaire_id(catalogue_version: str) -> str:
    return fhir_id(f"intake-{catalogue_version}")


def questionnaire_canonical(catalogue_version: str) -> str:
    return f"{QUESTIONNAIRE_URL}|{catalogue_version}"


def questionnaire(catalogue: Catalogue) -> dict[str, Any]:
    """The question catalogue, one group per section, Spanish as translation extensions."""
    groups: dict[str, list[dict]] = {}
    for q in catalogue.questions:
        groups.setdefault(q.section, []).append(_question_item(q, catalogue))
    return {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(catalogue.version),
        "url": QUESTIONNAIRE_URL,
        "version": catalogue.version,
        "name": "MassageIntake",
        "title": "Massage health-history intake",
        "_title": _translated("Historia de salud para masaje"),
        "status": "active",
        "subjectType": ["Patient"],
        "language": "en",
        "item": [
            {
                "linkId": section,
                "type": "group",
                "text": _SECTION_TITLES[section][0],
                "_text": _translated(_SECTION_TITLES[section][1]),
                "item": items,
            }
            for section, items in groups.items()
        ],
    }


def _question_item(q, catalogue: Catalogue) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": q.id,
        "text": q.text.en,
        "_text": _translated(q.text.es),
        "type": "integer"
        if q.type == "number" and q.integer
        else _ITEM_TYPE.get(q.type, "decimal"),
        "required": q.required,
    }
    if q.type in ("multiple_choice", "body_regions"):
        item["repeats"] = True
    if q.type in ("single_choice", "multiple_choice"):
        item["answerOption"] = [
            _option(coding_system(q), c.id, c.label.en, c.label.es) for c in q.choices
        ]
    if q.type == "body_regions":
        item["answerOption"] = [
            _option(coding_system(q), code, label["en"], label["es"])
            for code, label in REGIONS.items()
        ]
    if q.type == "number":
        key = "valueInteger" if q.integer else "valueDecimal"
        item["extension"] = [
            {"url": MIN_VALUE, key: int(q.min) if q.integer else q.min},
            {"url": MAX_VALUE, key: int(q.max) if q.integer else q.max},
        ]
    if q.type == "free_text":
        item["maxLength"] = q.max_length
    if q.show_if is not None:
        fhir = to_enable_when(q.show_if, catalogue.by_id)
        item["extension"] = [*item.get("extension", []), *fhir.pop("extension", [])]
        item.update(fhir)
        if not item["extension"]:
            del item["extension"]
    return item


def _option(system: str, code: str, en: str, es: str) -> dict:
    return {
        "valueCoding": {"system": system, "code": code, "display": en, "_display": _translated(es)}
    }


# ---------------------------------------------------------------- QuestionnaireResponse


def response_items(catalogue: Catalogue, answers: Mapping[str, Any]) -> list[dict]:
    """Answers in the engine's JSON terms as QuestionnaireResponse items, grouped by section;
    unanswered questions (None, blank, []) are left out, as FHIR wants."""
    groups: dict[str, list[dict]] = {}
    for q in catalogue.questions:
        value = answers.get(q.id)
        if value is None or value == [] or (isinstance(value, str) and not value.strip()):
            continue
        groups.setdefault(q.section, []).append({"linkId": q.id, "answer": _answer(q, value)})
    return [{"linkId": section, "item": items} for section, items in groups.items()]


def _answer(q, value) -> list[dict]:
    key = answer_key(q)
    if key == "valueCoding":
        codes = value if isinstance(value, list) else [value]
        return [{"valueCoding": {"system": coding_system(q), "code": c}} for c in codes]
    return [{key: value}]


def questionnaire_response(
    *,
    catalogue: Catalogue,
    answers: Mapping[str, Any],
    id: str,
    patient_id: str,
    authored: str,
    language: str = "en",
) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": id,
        "language": language,
        "questionnaire": questionnaire_canonical(catalogue.version),
        "status": "completed",
        "subject": {"reference": f"Patient/{patient_id}"},
        "authored": authored,
        "item": response_items(catalogue, answers),
    }


@dataclass(frozen=True)
class InvalidAnswer:
    link_id: str
    code: str
    message: str


class BadResponse(ValueError):
    """The items of a QuestionnaireResponse are not shaped as FHIR says."""


def answers_from_response(
    catalogue: Catalogue, response: Mapping[str, Any]
) -> tuple[dict[str, Any], list[InvalidAnswer]]:
    """Raw answers (the engine's JSON terms) of a QuestionnaireResponse, and each answer that
    is not of its question's type or names no question. A refused answer stays in the raw
    answers as it came, so screening them fails safe (the engine's `refer` for unreadable
    answers) instead of dropping it. Raises BadResponse for items not shaped as FHIR says.
    One pass over the items; values are checked against the catalogue by the screening
    (`invalid_values` names each one it refuses)."""
    raw: dict[str, Any] = {}
    invalid: list[InvalidAnswer] = []
    readers = _readers(catalogue)
    stack = [response.get("item", [])]
    while stack:
        items = stack.pop()
        if not isinstance(items, list):
            raise BadResponse("item must be a list")
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("linkId"), str):
                raise BadResponse("each item must be an object with a linkId")
            answers = item.get("answer")
            if "item" in item:
                stack.append(item["item"])
            if not answers:
                continue
            if not isinstance(answers, list):
                raise BadResponse("answer must be a list of objects")
            for answer in answers:
                if not isinstance(answer, dict):
                    raise BadResponse("answer must be a list of objects")
                if "item" in answer:
                    stack.append(answer["item"])
            link_id = item["linkId"]
            reader = readers.get(link_id)
            if reader is None:
                invalid.append(
                    InvalidAnswer(link_id, "unknown_question", f"{link_id!r} is not a question")
                )
                continue
            q, key, system = reader
            if len(answers) == 1:  # the common case, without _value_of's loops
                answer = answers[0]
                if system is None:
                    if key in answer:
                        raw[link_id] = answer[key]
                        continue
                else:
                    coding = answer.get("valueCoding")
                    if type(coding) is dict and coding.get("system", system) == system:
                        code = coding.get("code")
                        raw[link_id] = code if q.type == "single_choice" else [code]
                        continue
            value, problem = _value_of(q, answers)
            if problem is not None:
                invalid.append(problem)
            raw[q.id] = value
    return raw, invalid


# Per catalogue (a process compiles each version once): linkId -> (question, answer[x] key,
# coding system or None). Keyed by id() with the catalogue kept, so an id is never reused.
_READERS: dict[int, tuple[Catalogue, dict[str, tuple[Any, str, str | None]]]] = {}


def _readers(catalogue: Catalogue) -> dict[str, tuple[Any, str, str | None]]:
    entry = _READERS.get(id(catalogue))
    if entry is None or entry[0] is not catalogue:
        if len(_READERS) > 32:  # tests build many catalogues; a server has a handful
            _READERS.clear()
        table = {}
        for q in catalogue.questions:
            key = ANSWER_KEYS.get(q.type) or answer_key(q)
            table[q.id] = (q, key, coding_system(q) if key == "valueCoding" else None)
        entry = _READERS[id(catalogue)] = (catalogue, table)
    return entry[1]


def invalid_values(catalogue: Catalogue, raw: Mapping[str, Any]) -> list[InvalidAnswer]:
    """Each answer the catalogue refuses (range, choice, exclusive ticks, …), by question."""
    out = []
    for qid, value in raw.items():
        q = catalogue.by_id.get(qid)
        if q is None:
            continue
        try:
            _validate_value(q, value)
        except AnswerError as e:
            out.append(InvalidAnswer(q.id, e.code, str(e)))
    return out


def _value_of(q, answers: list) -> tuple[Any, InvalidAnswer | None]:
    key = ANSWER_KEYS.get(q.type) or answer_key(q)
    if len(answers) == 1 and key != "valueCoding" and key in answers[0]:
        return answers[0][key], None  # the common case, without the loops below
    if key == "valueCoding":
        system = coding_system(q)
        codes = []
        for answer in answers:
            coding = answer.get("valueCoding")
            if not isinstance(coding, dict) or coding.get("system", system) != system:
                return answers, InvalidAnswer(
                    q.id, "bad_choice", f"{q.id!r} takes a coding of {system}"
                )
            codes.append(coding.get("code"))
        if q.type != "single_choice":
            return codes, None
        values = codes
    else:
        values = []
        for answer in answers:
            if key not in answer:
                got = sorted(k for k in answer if k.startswith("value"))
                return answers, InvalidAnswer(
                    q.id, "wrong_type", f"{q.id!r} takes {key}, got {got or 'nothing'}"
                )
            values.append(answer[key])
    if len(values) > 1:
        return values, InvalidAnswer(q.id, "wrong_type", f"{q.id!r} takes one answer")
    return values[0], None


# ---------------------------------------------------------------- DetectedIssue


def detected_issue_id(screening_id: str, index: int) -> str:
    return f"{screening_id}-{index}"


def detected_issue(
    *,
    finding: Finding,
    id: str,
    patient_id: str | None,
    response_id: str | None,
    identified: str | None,
    decisions: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """One finding. `decisions`: the therapist's recorded referral decisions on this rule
    (`action`, `reason`, `referred_to`, `decided_at`, `decided_by`)."""
    coding = decision_to_fhir(finding.decision)
    url, citation = _source_of(finding.source)
    issue: dict[str, Any] = {
        "resourceType": "DetectedIssue",
        "status": "final",
        "code": {
            "coding": [
                {
                    "system": RULE_SYSTEM,
                    "code": finding.rule_id,
                    "version": str(finding.rule_version),
                    "display": finding.title,
                },
                {
                    "system": DECISION_SYSTEM,
                    "code": finding.decision.value,
                    "display": coding.display,
                },
            ],
            "text": finding.title,
        },
        "severity": coding.detected_issue_severity,
        "detail": finding.message,
    }
    if id:
        issue["id"] = id
    if citation:
        issue["extension"] = [{"url": CITATION_EXTENSION, "valueString": citation}]
    if url:
        issue["reference"] = url
    if patient_id:
        issue["patient"] = {"reference": f"Patient/{patient_id}"}
    if identified:
        issue["identifiedDateTime"] = identified
    if response_id:
        issue["evidence"] = [
            {
                "code": [{"text": f"{qid}: {_json_text(value)}"} for qid, value in finding.matched]
                or None,
                "detail": [{"reference": f"QuestionnaireResponse/{response_id}"}],
            }
        ]
        if issue["evidence"][0]["code"] is None:
            del issue["evidence"][0]["code"]
    mitigation = [_constraints_mitigation(finding.constraints)]
    for d in decisions:
        mitigation.append(
            {
                "action": {
                    "coding": [{"system": REFERRAL_ACTION_SYSTEM, "code": d["action"]}],
                    "text": "; ".join(x for x in (d.get("referred_to"), d.get("reason")) if x)
                    or d["action"],
                },
                "date": d["decided_at"],
                "author": {"display": d["decided_by"]},
            }
        )
    issue["mitigation"] = [m for m in mitigation if m]
    if not issue["mitigation"]:
        del issue["mitigation"]
    return issue


def _json_text(value: Any) -> str:
    # A finding keeps a multiple answer as a tuple; the evidence shows it as the stored list.
    return str(list(value) if isinstance(value, tuple) else value)


@lru_cache(maxsize=1024)
def _source_of(source: Source) -> tuple[str | None, str]:
    """(url, citation) of a finding's source: the same few sources recur in every screening."""
    return source.url, source.citation()


def constraint_lines(constraints: Constraints) -> list[str]:
    """The constraints a finding sets, one readable line each."""
    c = constraints
    lines = []
    if c.pressure_cap is not None:
        lines.append(f"pressure at most {c.pressure_cap}")
    for region, cap in c.region_pressure_caps:  # sorted by region
        lines.append(f"pressure at most {cap} on {region}")
    allowed = (
        None if c.allowed_positions is None else [p for p in POSITIONS if p in c.allowed_positions]
    )  # in the vocabulary's order of preference
    for codes, label in (
        (sorted(c.avoid_regions), "avoid"),
        (sorted(c.exclude_modalities), "no"),
        (sorted(c.exclude_acupoints), "no acupoints"),
        (sorted(c.exclude_oils), "no oils"),
        (sorted(c.positioning), "positioning"),
        (allowed, "positions only"),
    ):
        if codes:
            lines.append(f"{label}: {', '.join(codes)}")
    lines += list(c.precautions)
    return lines


def _constraints_mitigation(constraints: Constraints) -> dict | None:
    lines = constraint_lines(constraints)
    if not lines:
        return None
    return {
        "action": {
            "coding": [{"system": CONSTRAINT_SYSTEM, "code": "session-constraints"}],
            "text": "; ".join(lines),
        }
    }


# ---------------------------------------------------------------- Patient, Consent, Provenance


def patient(
    *,
    id: str,
    legal_name: str,
    preferred_name: str,
    birth_date: str,
    phone: str,
    email: str,
    language: str,
    active: bool,
) -> dict[str, Any]:
    parts = legal_name.split()
    name: dict[str, Any] = {"use": "official", "text": legal_name}
    if len(parts) > 1:
        name.update(family=parts[-1], given=parts[:-1])
    names = [name]
    if preferred_name:
        names.append({"use": "usual", "text": preferred_name})
    telecom = [{"system": "phone", "value": phone}] if phone else []
    if email:
        telecom.append({"system": "email", "value": email})
    out: dict[str, Any] = {
        "resourceType": "Patient",
        "id": id,
        "identifier": [{"system": CLIENT_ID_SYSTEM, "value": id}],
        "active": active,
        "name": names,
        "birthDate": birth_date,
        "communication": [
            {
                "language": {"coding": [{"system": "urn:ietf:bcp:47", "code": language}]},
                "preferred": True,
            }
        ],
    }
    if telecom:
        out["telecom"] = telecom
    return out


def consent(
    *,
    id: str,
    patient_id: str,
    response_id: str,
    signed_at: str,
    consent_version: str,
    consent_language: str,
    consent_title: str,
    consent_text: str,
) -> dict[str, Any]:
    return {
        "resourceType": "Consent",
        "id": id,
        "status": "active",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "treatment",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}
                ]
            }
        ],
        "patient": {"reference": f"Patient/{patient_id}"},
        "dateTime": signed_at,
        "sourceAttachment": {
            "contentType": "text/plain; charset=utf-8",
            "language": consent_language,
            "title": f"{consent_title} (version {consent_version})",
            "data": base64.b64encode(consent_text.encode()).decode(),
        },
        "policyRule": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}
            ]
        },
        "provision": {
            "type": "permit",
            "data": [
                {
                    "meaning": "related",
                    "reference": {"reference": f"QuestionnaireResponse/{response_id}"},
                }
            ],
        },
    }


def provenance(
    *,
    id: str,
    patient_id: str,
    response_id: str,
    consent_id: str,
    signed_at: str,
    method: str,
    signature_png: bytes | None,
    typed_name: str,
) -> dict[str, Any]:
    who = {"reference": f"Patient/{patient_id}"}
    signature: dict[str, Any] = {
        "type": [
            {
                "system": "urn:iso-astm:E1762-95:2013",
                "code": "1.2.840.10065.1.12.1.7",
                "display": "Consent Signature",
            }
        ],
        "when": signed_at,
        "who": who,
    }
    if signature_png:
        signature["sigFormat"] = "image/png"
        signature["data"] = base64.b64encode(signature_png).decode()
    else:
        signature["sigFormat"] = "text/plain"
        signature["data"] = base64.b64encode(typed_name.encode()).decode()
    return {
        "resourceType": "Provenance",
        "id": id,
        "target": [
            {"reference": f"QuestionnaireResponse/{response_id}"},
            {"reference": f"Consent/{consent_id}"},
        ],
        "recorded": signed_at,
        "activity": {"text": f"signed on the clinic's tablet ({method})"},
        "agent": [
            {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                            "code": "author",
                        }
                    ]
                },
                "who": who,
            }
        ],
        "signature": [signature],
    }


# ---------------------------------------------------------------- Bundle, OperationOutcome


def bundle(
    *,
    type: str,
    resources: Iterable[Mapping],
    base: str,
    total: int | None = None,
    links: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"resourceType": "Bundle", "type": type}
    if total is not None:
        out["total"] = total
    if links:
        out["link"] = [{"relation": rel, "url": url} for rel, url in links.items()]
    out["entry"] = [
        {"fullUrl": f"{base}{r['resourceType']}/{r['id']}", "resource": r}
        if r.get("id")
        else {"resource": r}
        for r in resources
    ]
    return out


def operation_outcome(issues: Iterable[tuple[str, str, str, str | None]]) -> dict[str, Any]:
    """issues: (severity, code, diagnostics, linkId or None)."""
    out = []
    for severity, code, diagnostics, link_id in issues:
        issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
        if link_id is not None:
            issue["expression"] = [f"QuestionnaireResponse.item.where(linkId='{link_id}')"]
        out.append(issue)
    return {"resourceType": "OperationOutcome", "issue": out}


def validate(resource: Mapping[str, Any]):
    """The fhir.resources model of `resource`; raises pydantic's ValidationError if invalid."""
    from fhir.resources.R4B import get_fhir_model_class

    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)
