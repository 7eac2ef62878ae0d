import sys

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as default_server_error

from accounts.roles import Role, has_role
from config.middleware import DATABASE_DOWN, database_unavailable_response


@login_not_required
@never_cache
@require_GET
def health(request):
    """For load balancers and docker: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def home(request):
    """Each role lands on its own home after logging in (LOGIN_REDIRECT_URL): the owner on
    Oversight, the therapist on today's screenings, the front desk on today's intakes."""
    if has_role(request.user, Role.OWNER):
        return redirect("oversight:dashboard")
    if has_role(request.user, Role.THERAPIST):
        return redirect("review:today")
    return redirect("visits:today")


def server_error(request):
    """handler500: a database outage met before the view (in a middleware) is a 503, not a 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        return database_unavailable_response(request, exc)
    return default_server_error(request)
