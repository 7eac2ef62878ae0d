"""CDS Hooks 2.0 endpoints (token-authenticated like the FHIR API; JSON, not FHIR JSON)."""

from django.http import JsonResponse

from config.client_ip import client_ip
from interop.api import BadJSONBody, json_body, token_required
from interop.cds import SERVICE_ID, CdsError, cards_for, discovery, record_feedback
from interop.models import ApiToken
from interop.services import record_api_call

JSON = "application/json"


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


@token_required(content_type=JSON)
def services(request):
    record_api_call(token=request.api_token, ip=client_ip(request), what="CDS Hooks discovery")
    return JsonResponse(discovery())


@token_required(methods=("POST",), content_type=JSON)
def service(request, service_id):
    if service_id != SERVICE_ID:
        return _error(404, "unknown_service", f"No service {service_id!r}.")
    try:
        cards, client = cards_for(token=request.api_token, request_body=json_body(request))
    except BadJSONBody as e:
        return _error(400, e.code, str(e))
    except CdsError as e:
        return _error(e.status, e.code, str(e))
    record_api_call(
        token=request.api_token,
        ip=client_ip(request),
        target=client,
        what="CDS Hooks appointment-book",
    )
    return JsonResponse(cards)


@token_required(scope=ApiToken.Scope.FEEDBACK, methods=("POST",), content_type=JSON)
def feedback(request, service_id):
    if service_id != SERVICE_ID:
        return _error(404, "unknown_service", f"No service {service_id!r}.")
    try:
        recorded = record_feedback(
            token=request.api_token, body=json_body(request), ip=client_ip(request)
        )
    except BadJSONBody as e:
        return _error(400, e.code, str(e))
    except CdsError as e:
        return _error(e.status, e.code, str(e))
    record_api_call(token=request.api_token, ip=client_ip(request), what="CDS Hooks feedback")
    return JsonResponse({"recorded": recorded})
