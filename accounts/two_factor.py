"""Two-factor authentication (TOTP) for the roles that see clinical detail.

After the password, a therapist or owner proves a second factor: a 6-digit code from an
authenticator app. Until then every page sends them to set one up or to enter a code. The
admin is covered too, because this runs before every view.
"""

from urllib.parse import quote

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user

from accounts.roles import roles_of

# Reachable before the second factor: the two-factor pages, logout, static files, health.
ALLOWED_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/health/")


def two_factor_required(user) -> bool:
    if not user.is_authenticated:
        return False
    # Whoever can open the admin needs a second factor in production, whatever the roles say.
    if settings.PRODUCTION and (user.is_superuser or user.is_staff):
        return True
    required = set(settings.TWO_FACTOR_ROLES)
    return any(role.value in required for role in roles_of(user))


def has_confirmed_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            two_factor_required(user)
            and not user.is_verified()
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            target = "accounts:2fa_verify" if has_confirmed_device(user) else "accounts:2fa_setup"
            return redirect(f"{reverse(target)}?next={_safe_next(request)}")
        return self.get_response(request)


def _safe_next(request) -> str:
    # Only the path: a query string could carry something that should not be repeated in a URL.
    return quote(request.path if request.method == "GET" else reverse("home"))
