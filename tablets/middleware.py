"""What an enrolled tablet's browser may reach, decided in one place (before the kiosk's own
confinement, intake.kiosk.KioskMiddleware).

- A browser holding a valid tablet cookie reaches the tablet's own pages (waiting, enrolment)
  and, once it picked up an intake, the kiosk pages of that intake; everything else (the staff
  login included) sends it back to "waiting". No staff session ever exists on a tablet.
- A kiosk session opened by a tablet ends as soon as the tablet is revoked, its cookie is
  gone or wrong, or staff take the intake back; once the client has sent the intake the
  session is closed and the tablet shows "waiting" again (never the staff take-back page).
"""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers

from intake.kiosk import KIOSK_NAMESPACE
from intake.kiosk import SESSION_KEY as KIOSK_KEY
from tablets import selectors, services

COOKIE_NAME = "clinic_tablet"
NAMESPACE = "tablet"
# Reachable with a cookie that no longer works (a revoked tablet is enrolled again here).
WITHOUT_CREDENTIAL = frozenset({"enrol", "not_enrolled"})


def _match(path):
    try:
        return resolve(path)
    except Resolver404:
        return None


def _not_enrolled(request, match):
    if match and match.namespace == NAMESPACE and match.url_name == "poll":
        return JsonResponse(
            {"state": "not_enrolled", "url": reverse("tablet:not_enrolled")}, status=403
        )
    return redirect("tablet:not_enrolled")


class TabletMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        secret = request.COOKIES.get(COOKIE_NAME)
        state = request.session.get(KIOSK_KEY)
        tablet_id = state.get("tablet") if state else None
        if secret is None and tablet_id is None:
            request.tablet = None
            return self.get_response(request)
        match = _match(request.path_info)
        tablet = selectors.tablet_for_secret(secret)
        request.tablet = tablet
        if tablet_id is not None:
            response = self._intake_session(request, match, tablet, tablet_id, state)
        elif match and match.namespace == NAMESPACE:
            if tablet is None and match.url_name not in WITHOUT_CREDENTIAL:
                response = _not_enrolled(request, match)
            else:
                response = self.get_response(request)
        elif tablet is not None:
            response = redirect("tablet:waiting")
        else:
            # A cookie that no longer works on any other page: an ordinary browser.
            response = self.get_response(request)
        add_never_cache_headers(response)
        return response

    def _intake_session(self, request, match, tablet, tablet_id, state):
        if tablet is None or tablet.pk != tablet_id:
            request.session.flush()
            return _not_enrolled(request, match)
        if state.get("done"):
            # The client has sent the intake: close it here and wait for the next client.
            request.session.flush()
            services.settle(tablet=tablet)
            return redirect(reverse("tablet:waiting") + "?sent=1")
        assignment = selectors.open_assignment(tablet.pk)
        if (
            assignment is None
            or assignment.picked_up_at is None
            or assignment.intake.kiosk_token != state.get("token")
        ):
            # Taken back by staff, or handed over elsewhere: the answers so far stay saved.
            request.session.flush()
            services.settle(tablet=tablet)
            return redirect("tablet:waiting")
        if match is None or match.namespace != KIOSK_NAMESPACE or match.url_name == "staff":
            return redirect("kiosk:home")
        response = self.get_response(request)
        after = request.session.get(KIOSK_KEY) or {}
        if after.get("done"):
            # The kiosk's submit has just finished: front desk see it closed at once.
            services.settle(tablet=tablet)
        return response
