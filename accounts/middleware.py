import time

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
