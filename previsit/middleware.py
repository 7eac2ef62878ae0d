"""Everything a link's browser session sees is locked down like the kiosk, in one place.

Runs before intake.kiosk.KioskMiddleware (which confines the session to the kiosk pages):
- a phone's kiosk session ends as soon as its link is revoked, replaced, locked or expired;
- opening a link (/p/<token>/) in a browser that holds a session starts again from the
  identity check, so one phone never carries one link's access into another's;
- where the client stopped is kept on the link, so coming back opens that section;
- the link pages and the phone's kiosk pages are never cached and send no referrer.
"""

from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers

from config.client_ip import client_ip
from intake.kiosk import KIOSK_NAMESPACE
from intake.kiosk import SESSION_KEY as KIOSK_KEY
from previsit import services
from previsit.models import PrevisitLink
from previsit.urls import CLIENT_PAGES


def _match(path):
    try:
        return resolve(path)
    except Resolver404:
        return None


def _same_origin_despite_no_referrer(request) -> None:
    """Under `Referrer-Policy: no-referrer` a browser sends `Origin: null` with a form POST,
    which Django's CSRF origin check refuses. Fetch metadata, which no page can forge, says
    whether the POST came from this site: only then is the origin taken as our own. The CSRF
    token is still checked as for every form."""
    if (
        request.method == "POST"
        and request.META.get("HTTP_ORIGIN") == "null"
        and request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin"
    ):
        request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"


class PrevisitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = _match(request.path_info)
        client_page = bool(
            match and match.namespace == "previsit" and match.url_name in CLIENT_PAGES
        )
        state = request.session.get(KIOSK_KEY)
        link_id = state.get("remote") if state else None
        if client_page or link_id is not None:
            _same_origin_despite_no_referrer(request)
        if link_id is not None:
            response = self._phone(request, match, state, link_id)
        else:
            response = self.get_response(request)
        if client_page or link_id is not None:
            add_never_cache_headers(response)
            response["Referrer-Policy"] = "no-referrer"
        return response

    def _phone(self, request, match, state, link_id):
        link = PrevisitLink.objects.filter(pk=link_id).first()
        reason = None if link is None else link.closed()
        if link is None or reason not in (None, PrevisitLink.Closed.USED):
            request.session.flush()
            return redirect(reverse("previsit:closed") + f"?why={reason or 'unknown'}")
        if match and match.namespace == "previsit" and match.url_name == "open":
            request.session.flush()
            return self.get_response(request)
        response = self.get_response(request)
        after = request.session.get(KIOSK_KEY) or {}
        if after.get("done") and after.get("remote") == link_id:
            # The kiosk's submit (visits.services.submit_and_screen) has just finished.
            services.record_completed(link_id=link_id, ip=client_ip(request))
        if (
            match
            and match.namespace == KIOSK_NAMESPACE
            and match.url_name == "section"
            and request.method == "GET"
            and response.status_code == 200
        ):
            services.record_section(link_id=link_id, section=match.kwargs["section"])
        return response
