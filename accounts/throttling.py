"""Login throttling with django-axes: the username it records, and the two lockout tiers.

Two tiers, each with its own limit (AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]):
  * per username (LOGIN_FAILURE_LIMIT, 5): failures for one username from any address add up,
    so an attacker rotating addresses (or a forged X-Forwarded-For) cannot get around it;
  * per address (LOGIN_ADDRESS_FAILURE_LIMIT, 20): one address trying many usernames is stopped
    too; higher, because a clinic's staff share one address behind its router.
axes compares the worst tier against one AXES_FAILURE_LIMIT, so `TieredLockoutHandler` reports
failures scaled to that limit: a tier at its own limit reads as AXES_FAILURE_LIMIT.

Tries while locked out are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False),
so they never extend the lock. Owners lift their own staff's locks (oversight/lockouts.py).
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

# Usernames are at most 150 characters (Django's limit); whatever else is typed into the login
# form is cut there before the throttling records it, so no input can overflow its table.
USERNAME_MAX_LENGTH = 150


def login_username(request, credentials=None) -> str:
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return str(value or "")[:USERNAME_MAX_LENGTH]


def tier_limit(tier, default: int) -> int:
    """The failure limit of one lockout tier (a list of parameter names)."""
    names = [tier] if isinstance(tier, str) else list(tier)
    if names == ["ip_address"]:
        return getattr(settings, "LOGIN_ADDRESS_FAILURE_LIMIT", default)
    return default


def failures_for(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class TieredLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        limit = get_failure_limit(request, credentials)
        tiers = get_lockout_parameters(request, credentials)
        worst = 0
        for tier, attempts in zip(tiers, self.get_user_attempts(request, credentials), strict=True):
            failures = failures_for(attempts)
            # A tier at its own limit counts as the lockout limit; below it, never reaches it.
            worst = max(
                worst, limit if failures >= tier_limit(tier, limit) else min(failures, limit - 1)
            )
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        # axes would also clear every failure from the address of a successful login: then one
        # valid login of the attacker's own would wipe the count against someone else's
        # username. A success clears only the failures of the username that logged in.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
