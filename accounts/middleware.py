import time

from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.utils.functional import SimpleLazyObject

from accounts.backends import session_user

# Refresh the session's expiry at most this often: an idle timeout measured in minutes does not
# need a database write on every request.
TOUCH_EVERY_SECONDS = 30


def mark_session_fresh(sender, request, user, **kwargs):
    """At login the session is new: no need to touch it again on the very next request."""
    if request is not None and hasattr(request, "session"):
        request.session["_touched"] = int(time.time())


class SlidingSessionMiddleware:
    """Idle logout: a staff session expires SESSION_COOKIE_AGE after the last activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("_touched", 0) >= TOUCH_EVERY_SECONDS:
                session["_touched"] = now  # marks the session modified: saved, expiry renewed
        return self.get_response(request)


def _signed_in_user(request):
    """Django's get_user, handed the user the session row brought along (accounts/sessions.py)."""
    if not hasattr(request, "_cached_user"):
        request.session.get(SESSION_KEY)  # reads the session row, and with it its user
        token = session_user.set(getattr(request.session, "signed_in_user", None))
        try:
            request._cached_user = auth.get_user(request)
        finally:
            session_user.reset(token)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with the signed-in user read in the session's own query."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _signed_in_user(request))
