"""The FHIR R4 read API and $screen (token-authenticated, read-only, one clinic per token)."""

from __future__ import annotations

from typing import Any

from config.client_ip import client_ip
from interop import mapping, selectors
from interop.api import (
    BadJSONBody,
    base_url,
    fhir_response,
    json_body,
    not_found,
    outcome,
    page_links,
    paging,
    token_required,
)
from interop.screening import ScreenRequestError, screen_response, screening_bundle
from interop.services import record_api_call

INTAKE_TYPES = ("QuestionnaireResponse", "Consent", "Provenance")
TYPES = ("Patient", "Questionnaire", *INTAKE_TYPES, "DetectedIssue")


def _searchset(request, resources, *, offset, count, total):
    return fhir_response(
        mapping.bundle(
            type="searchset",
            resources=resources,
            base=base_url(request),
            total=total,
            links=page_links(request, offset=offset, count=count, total=total),
        )
    )


def _patient_filter(request):
    """The client named by ?patient= or ?subject= (Patient/<id> or <id>); None: no filter;
    False: a client this clinic does not have."""
    value = request.GET.get("patient") or request.GET.get("subject")
    if not value:
        return None
    client = selectors.get_client(request.api_token.clinic_id, value.removeprefix("Patient/"))
    return client if client is not None else False


@token_required()
def search(request, resource_type):
    if resource_type not in TYPES:
        return outcome(404, "not-supported", f"{resource_type} is not served here.")
    clinic_id = request.api_token.clinic_id
    offset, count = paging(request)
    if resource_type == "Questionnaire":
        found = selectors.questionnaires(clinic_id)
        record_api_call(
            token=request.api_token, ip=client_ip(request), what="FHIR search Questionnaire"
        )
        page = found[offset : offset + count]
        return _searchset(request, page, offset=offset, count=count, total=len(found))
    if resource_type == "Patient":
        clients, total = selectors.clients_page(clinic_id, offset=offset, count=count)
        record_api_call(token=request.api_token, ip=client_ip(request), what="FHIR search Patient")
        resources = [selectors.patient_resource(c) for c in clients]
        return _searchset(request, resources, offset=offset, count=count, total=total)
    client = _patient_filter(request)
    intakes = selectors.submitted_intakes(clinic_id)
    if client is False:
        intakes = intakes.none()
    elif client is not None:
        intakes = intakes.filter(client=client)
    total = intakes.count()
    intakes_page = list(intakes[offset : offset + count])
    record_api_call(
        token=request.api_token,
        ip=client_ip(request),
        target=client or None,
        what=f"FHIR search {resource_type}",
    )
    resources = selectors.intake_resources(intakes_page, frozenset({resource_type}))
    return _searchset(request, resources, offset=offset, count=count, total=total)


@token_required()
def read(request, resource_type, resource_id):
    clinic_id = request.api_token.clinic_id
    found: Any
    target: Any
    if resource_type == "Questionnaire":
        found = selectors.questionnaire(clinic_id, resource_id)
        target = None
    elif resource_type == "Patient":
        target = selectors.get_client(clinic_id, resource_id)
        found = selectors.patient_resource(target) if target else None
    elif resource_type in INTAKE_TYPES:
        target = selectors.get_intake(clinic_id, resource_id)
        found = selectors.intake_resources([target], frozenset({resource_type})) if target else []
        found = found[0] if found else None
    elif resource_type == "DetectedIssue":
        hit = selectors.get_detected_issue(clinic_id, resource_id)
        found, target = hit if hit else (None, None)
    else:
        return outcome(404, "not-supported", f"{resource_type} is not served here.")
    if found is None:
        return not_found()
    record_api_call(
        token=request.api_token,
        ip=client_ip(request),
        target=target,
        what=f"FHIR read {resource_type}",
    )
    return fhir_response(found)


@token_required()
def everything(request, resource_id):
    """Patient/{id}/$everything: the patient on every page, then their intakes' resources,
    paged over intakes (_count intakes a page)."""
    clinic_id = request.api_token.clinic_id
    client = selectors.get_client(clinic_id, resource_id)
    if client is None:
        return not_found()
    offset, count = paging(request)
    intakes = selectors.submitted_intakes(clinic_id).filter(client=client)
    total = intakes.count()
    kinds = frozenset({*INTAKE_TYPES, "DetectedIssue"})
    resources = [
        selectors.patient_resource(client),
        *selectors.intake_resources(intakes[offset : offset + count], kinds),
    ]
    record_api_call(
        token=request.api_token, ip=client_ip(request), target=client, what="FHIR $everything"
    )
    return _searchset(request, resources, offset=offset, count=count, total=total)


@token_required(methods=("POST",))
def screen(request):
    """QuestionnaireResponse/$screen: the screening of answers another system collected."""
    try:
        response = json_body(request)
        screened = screen_response(clinic_id=request.api_token.clinic_id, response=response)
    except BadJSONBody as e:
        return outcome(400, "structure", f"{e.code}: {e}")
    except ScreenRequestError as e:
        return outcome(422, "invalid", f"{e.code}: {e}")
    record_api_call(token=request.api_token, ip=client_ip(request), what="FHIR $screen")
    return fhir_response(screening_bundle(screened, response, base_url(request)))
