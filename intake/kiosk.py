"""The kiosk session: what a tablet handed to a client may do, decided in one place.

At hand-over the staff login is removed from the session (logout) and replaced by a kiosk
entry holding only an opaque token for one intake. While that entry exists, the middleware
lets the browser reach the kiosk pages and nothing else; after a period without activity the
session is wiped. Staff take the tablet back by logging in again.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from accounts.middleware import TOUCH_EVERY_SECONDS

SESSION_KEY = "kiosk"
KIOSK_NAMESPACE = "kiosk"


def _entry(intake, **extra) -> dict:
    """The session's kiosk entry for one intake, as a hand-over, a phone or a tablet opens it."""
    return {
        "token": intake.kiosk_token,
        "clinic": intake.clinic_id,
        "client": str(intake.client.public_id),
        "lang": intake.language,
        "seen": time.time(),
        "done": False,
        **extra,
    }


def hand_over(request, intake) -> None:
    """Turn the staff member's session into a kiosk session for this one intake."""
    logout(request)
    # The welcome page sends a client who has begun back to where they stopped, once.
    request.session[SESSION_KEY] = _entry(intake, resume=True)
    # The cookie itself also expires after the idle period (the middleware checks it too).
    request.session.set_expiry(settings.KIOSK_IDLE_SECONDS)


def open_remote(request, intake, *, link_id: int) -> None:
    """The same confinement for a client's own phone, once a link's identity check passed.

    `remote` holds the link's id: the phone never gets the staff take-back page, and
    previsit's middleware ends the session when the link is revoked or expires.
    """
    request.session.cycle_key()
    request.session[SESSION_KEY] = _entry(intake, remote=link_id, resume=True)
    # The middleware still ends it after the idle period; the row outlives that by a day so
    # the phone is told to open its link again rather than to hand a tablet back.
    request.session.set_expiry(settings.KIOSK_IDLE_SECONDS + 24 * 3600)


def open_tablet(request, intake, *, tablet_id: int) -> None:
    """The same confinement on a clinic's enrolled tablet, which never held a staff login.

    `tablet` holds the tablet's id: tablets.middleware ends the session when the tablet is
    revoked or staff take the intake back, and sends it back to "waiting" after submission.
    """
    request.session.cycle_key()
    request.session[SESSION_KEY] = _entry(intake, tablet=tablet_id)
    request.session.set_expiry(settings.KIOSK_IDLE_SECONDS)


def kiosk_state(request) -> dict | None:
    return request.session.get(SESSION_KEY)


def take_resume(request) -> bool:
    """True once after a hand-over: the tablet then opens where the client stopped."""
    state = request.session.get(SESSION_KEY) or {}
    if not state.pop("resume", False):
        return False
    request.session.modified = True
    return True


def finish(request, *, language: str) -> None:
    """After submission the tablet shows only "please hand it back": no intake is reachable."""
    state = request.session.get(SESSION_KEY) or {}
    request.session[SESSION_KEY] = {
        "token": None,  # clears the kiosk token, not a password  # nosec B105
        "clinic": state.get("clinic"),
        "client": state.get("client"),
        "lang": language,
        "seen": time.time(),
        "done": True,
        "remote": state.get("remote"),
        "tablet": state.get("tablet"),
    }


def expires_in(state: dict, *, now: float) -> int:
    """Whole seconds until the idle kiosk session ends."""
    return max(0, int(settings.KIOSK_IDLE_SECONDS - (now - state.get("seen", 0))))


def still_here(request) -> int:
    """The client tapped "Continue" (or is using the page): the idle clock starts again now,
    not at the next half minute. Returns the seconds left."""
    state = request.session[SESSION_KEY]
    now = time.time()
    state["seen"] = now
    request.session.modified = True
    request.session.set_expiry(
        settings.KIOSK_IDLE_SECONDS + (24 * 3600 if state.get("remote") else 0)
    )
    return expires_in(state, now=now)


def set_language(request, language: str) -> None:
    state = request.session[SESSION_KEY]
    state["lang"] = language
    request.session.modified = True
    translation.activate(language)
    request.LANGUAGE_CODE = language


def _is_kiosk_url(path: str, *, remote: bool = False) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    # A phone is not a tablet: nobody hands it back, so it never gets the staff login.
    return match.namespace == KIOSK_NAMESPACE and not (remote and match.url_name == "staff")


class KioskMiddleware:
    """Confines a kiosk session to the kiosk pages and ends it when the tablet sits idle."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = request.session.get(SESSION_KEY)
        request.kiosk_expires_in = None  # seconds left of an open intake's session, for its page
        remote = bool(state and state.get("remote"))
        kiosk_path = _is_kiosk_url(request.path_info, remote=remote)
        if state is None:
            response = self.get_response(request)
        elif time.time() - state.get("seen", 0) > settings.KIOSK_IDLE_SECONDS:
            request.session.flush()
            response = redirect(reverse("kiosk:ended") + ("?remote=1" if remote else ""))
        elif not kiosk_path:
            response = redirect("kiosk:done" if state.get("done") else "kiosk:home")
        else:
            now = time.time()
            # The idle clock is kept to the half minute: a write on every autosave and page
            # would cost the tablet a database UPDATE per request (issue 16).
            if now - state.get("seen", 0) >= TOUCH_EVERY_SECONDS:
                state["seen"] = now
                request.session.modified = True
            # The page's "are you still there?" warning counts down from what the server says.
            if not state.get("done"):
                request.kiosk_expires_in = expires_in(state, now=now)
            translation.activate(state.get("lang") or settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        if kiosk_path or state is not None:
            # A shared tablet must not keep health answers in its cache or its history.
            add_never_cache_headers(response)
        return response
