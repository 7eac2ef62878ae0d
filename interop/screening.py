"""Screen a QuestionnaireResponse another system collected, with the clinic's rule set.

The same path as a stored intake (review.screening.evaluate), so the decision and
the findings are the ones the clinic's own screening would give; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accounts.errors import DomainError
from contraindications.engine import Screening as EngineScreening
from interop import mapping
from review.screening import evaluate
from rules.selectors import active_version, compiled

# The code of the finding the fail-safe policy adds for answers it cannot read (the engine's
# policy on main since the Decision rework; review.screening's before it).
INVALID_ANSWERS = "invalid_answers"


class ScreenRequestError(DomainError):
    pass


@dataclass(frozen=True)
class ScreenedResponse:
    outcome: EngineScreening  # the engine's result, as a stored screening's outcome gives it
    invalid: list[mapping.InvalidAnswer]
    catalogue_version: str


def screen_response(*, clinic_id, response: Any) -> ScreenedResponse:
    """Raises ScreenRequestError when `response` is not a QuestionnaireResponse to this
    catalogue. Invalid answers do not raise: they are named, and screen as `refer`."""
    return screen_against(active_version(clinic_id), response)


def screen_against(version, response: Any) -> ScreenedResponse:
    """screen_response with the rule-set version given (no database query)."""
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
    try:
        raw, invalid = mapping.answers_from_response(catalogue, response)
    except mapping.BadResponse as e:
        raise ScreenRequestError(str(e), "bad_items") from e
    _, outcome = evaluate(version, raw, ())
    if any(f.code == INVALID_ANSWERS for f in outcome.findings):
        # Only then name every refused value (the engine's validation stops at the first).
        named = {a.link_id for a in invalid}
        invalid += [a for a in mapping.invalid_values(catalogue, raw) if a.link_id not in named]
    return ScreenedResponse(outcome, invalid, catalogue.version)


def _check_shape(response: Any) -> None:
    # The envelope only; answers_from_response checks the items in the same pass that reads
    # them. A full fhir.resources validation would cost many times the screening itself
    # (docs/PERFORMANCE.md).
    if not isinstance(response, dict) or response.get("resourceType") != "QuestionnaireResponse":
        raise ScreenRequestError("send a QuestionnaireResponse", "not_a_questionnaire_response")
    if not isinstance(response.get("status"), str):
        raise ScreenRequestError("QuestionnaireResponse.status is required", "missing_status")


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
        for f in screened.outcome.findings
    ]
    if screened.invalid:
        resources.append(
            mapping.operation_outcome(
                ("error", "invalid", f"{a.code}: {a.message}", a.link_id) for a in screened.invalid
            )
        )
    out = mapping.bundle(type="collection", resources=resources, base=base)
    out["meta"] = {
        "tag": [{"system": mapping.DECISION_SYSTEM, "code": screened.outcome.decision.value}]
    }
    return out
