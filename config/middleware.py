"""When the database is down, staff see a calm 503 page and the tablet a JSON 503, not a 500.

Two ways an outage reaches us: a view raises (caught here, in process_exception), or a
middleware before the view does — the session or the kiosk check is usually the first to touch
the database — and Django turns that into a call of handler500, which `config.views.server_error`
hands to `database_unavailable_response` as well.

The 503 page is a standalone template rendered without a request: no context processor runs,
so nothing on the way to it needs the database.
"""

import logging
import re

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("config.database")

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# The tablet autosaves here (it keeps its draft in localStorage and resends on failure); the
# health check answers load balancers and docker, which read JSON.
JSON_PATHS = re.compile(r"^/(?:kiosk/(?:.+/)?save/?|health/)$")


def wants_json(request) -> bool:
    return (
        "application/json" in request.headers.get("Accept", "")
        or JSON_PATHS.match(request.path) is not None
    )


def database_unavailable_response(request, exc: BaseException) -> HttpResponse:
    # The class name only: a driver message can name hosts and databases.
    logger.warning(
        "database unavailable (%s) for %s %s", type(exc).__name__, request.method, request.path
    )
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {
                "status": "error",
                "code": "database_unavailable",
                "message": "The clinic's system is briefly unavailable. Your answers are kept "
                "on this device and will be sent again automatically.",
                "retry_after": RETRY_AFTER_SECONDS,
            },
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class HideDatabaseErrorDetails(logging.Filter):
    """A logging filter: a record carrying a database-down exception loses its traceback and
    names only the exception's class. The driver's message (and so the traceback) holds the
    database host, port, user and database name; Django's request logger would write it for
    every outage met before a view (a 503 from handler500)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, DATABASE_DOWN):
            record.msg = f"{record.getMessage()} (database unavailable: {type(exc).__name__})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return database_unavailable_response(request, exception)
        return None
