"""Screen a QuestionnaireResponse another system collected, with the clinic's rule set.

The same path as a stored intake (review.screening.evaluate_stored_answers), so the decision and
the findings are the ones the clinic's own screening would give; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from interop import mapping
from review.screening import evaluate_stored_answers
from rules.selectors import active_version, compiled


class ScreenRequestError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ScreenedResponse:
    result: dict[str, Any]  # the engine's result, as a stored screening keeps it
    invalid: list[mapping.InvalidAnswer]
    catalogue_version: str


def screen_response(*, clinic_id, response: Any) -> ScreenedResponse:
    """Raises ScreenRequestError when `response` is not a QuestionnaireResponse to this
    catalogue. Invalid answers do not raise: they are named, and screen as `refer`."""
    version = active_version(clinic_id)
    catalogue = compiled(version)[0]
    _check_shape(response)
    url, _, asked_version = str(response.get("questionnaire", "")).partition("|")
    if url != mapping.QUESTIONNAIRE_URL:
        raise ScreenRequestError(
            f"questionnaire must be {mapping.QUESTIONNAIRE_URL}|{catalogue.version}",
            "wrong_questionnaire",
        )
    if asked_version and asked_version != catalogue.version:
        raise ScreenRequestError(
            f"this clinic screens against catalogue version {catalogue.version}, "
            f"not {asked_version}",
            "wrong_questionnaire_version",
        )
    raw, invalid = mapping.answers_from_response(catalogue, response)
    _, result = evaluate_stored_answers(version, raw, ())
    return ScreenedResponse(result, invalid, catalogue.version)


def _check_shape(response: Any) -> None:
    # The shape only: every answer is checked against the catalogue after this. A full
    # fhir.resources validation would cost many times the screening itself (docs/PERFORMANCE.md).
    if not isinstance(response, Mapping) or response.get("resourceType") != "QuestionnaireResponse":
        raise ScreenRequestError("send a QuestionnaireResponse", "not_a_questionnaire_response")
    if not isinstance(response.get("status"), str):
        raise ScreenRequestError("QuestionnaireResponse.status is required", "missing_status")
    if not _items_well_formed(response.get("item", [])):
        raise ScreenRequestError("item must be a list of objects with a linkId", "bad_items")


def _items_well_formed(items: Any) -> bool:
    if not isinstance(items, list):
        return False
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("linkId"), str):
            return False
        answers = item.get("answer", [])
        if not isinstance(answers, list) or not all(isinstance(a, Mapping) for a in answers):
            return False
        if not _items_well_formed(item.get("item", [])):
            return False
        if not all(_items_well_formed(a.get("item", [])) for a in answers):
            return False
    return True


def screening_bundle(screened: ScreenedResponse, response: Mapping[str, Any], base: str) -> dict:
    """The screening as a Bundle: one DetectedIssue per finding, the decision as a tag, and an
    OperationOutcome naming each invalid answer."""
    subject = (response.get("subject") or {}).get("reference", "")
    patient_id = subject.removeprefix("Patient/") if subject.startswith("Patient/") else None
    response_id = response.get("id") if isinstance(response.get("id"), str) else None
    resources = [
        mapping.detected_issue(
            finding=f, id="", patient_id=patient_id, response_id=response_id, identified=None
        )
        for f in screened.result["findings"]
    ]
    if screened.invalid:
        resources.append(
            mapping.operation_outcome(
                ("error", "invalid", f"{a.code}: {a.message}", a.link_id) for a in screened.invalid
            )
        )
    out = mapping.bundle(type="collection", resources=resources, base=base)
    out["meta"] = {
        "tag": [{"system": mapping.DECISION_SYSTEM, "code": screened.result["decision"]}]
    }
    return out
