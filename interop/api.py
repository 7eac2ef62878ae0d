"""The plumbing every token-authenticated view shares: the bearer token, FHIR JSON answers,
errors as OperationOutcome (never a 500 for bad input), paging."""

from __future__ import annotations

from functools import wraps

import orjson
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from config.jsonbody import BadJSONBody, parse_json_body
from interop import mapping
from interop.models import ApiToken
from interop.services import TokenError, authenticate

FHIR_JSON = "application/fhir+json"
DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_BODY = 512 * 1024  # a complete QuestionnaireResponse is about 20 KB


def fhir_json(data) -> bytes:
    """A FHIR answer as UTF-8 JSON (orjson: the same text as json.dumps with
    ensure_ascii=False, compact, in a sixth of the time; $screen's Bundles are its main use)."""
    return orjson.dumps(data)


def fhir_response(data, status: int = 200, content_type: str = FHIR_JSON) -> HttpResponse:
    response = HttpResponse(fhir_json(data), status=status, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


def outcome(status: int, code: str, message: str, content_type: str = FHIR_JSON):
    return fhir_response(
        mapping.operation_outcome([("error", code, message, None)]), status, content_type
    )


def not_found():
    return outcome(404, "not-found", "No such resource.")


def token_required(scope: str = ApiToken.Scope.READ, methods=("GET",), content_type=FHIR_JSON):
    """Authenticate the bearer token (401; 403 for a read-only token on a write), allow
    `methods` only (405), and put the token on `request.api_token`."""

    def decorator(view):
        @login_not_required
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                return outcome(405, "not-supported", f"Use {' or '.join(methods)}.", content_type)
            try:
                request.api_token = authenticate(
                    request.headers.get("Authorization", ""), scope=scope
                )
            except TokenError as e:
                status = 403 if e.code == "insufficient_scope" else 401
                response = outcome(status, "forbidden" if status == 403 else "login", str(e))
                if status == 401:
                    response["WWW-Authenticate"] = 'Bearer realm="fhir"'
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def json_body(request):
    """The request's JSON, or raise BadJSONBody."""
    return parse_json_body(request.body, max_bytes=MAX_BODY)


def paging(request) -> tuple[int, int]:
    """(offset, count) from `_count` and `_page` (1-based); bad values fall back to defaults."""

    def number(name, default):
        try:
            return max(1, int(request.GET.get(name, default)))
        except ValueError:
            return default

    count = min(number("_count", DEFAULT_COUNT), MAX_COUNT)
    page = min(number("_page", 1), 10_000)
    return (page - 1) * count, count


def page_links(request, *, offset: int, count: int, total: int) -> dict[str, str]:
    page = offset // count + 1
    params = request.GET.copy()
    params["_count"] = str(count)

    def url(p):
        params["_page"] = str(p)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    links = {"self": url(page)}
    if offset + count < total:
        links["next"] = url(page + 1)
    if page > 1:
        links["previous"] = url(page - 1)
    return links


def base_url(request) -> str:
    return request.build_absolute_uri("/fhir/r4/")


__all__ = ["BadJSONBody"]
