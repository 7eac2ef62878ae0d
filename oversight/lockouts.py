"""Login lockouts as an owner sees them: which of the clinic's staff are locked out, and
lifting one (audited). Only usernames of the owner's own clinic are ever read or cleared; a
lock on an address (the per-address tier) that no staff username explains is left to expire.
"""

from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from accounts.errors import DomainError
from accounts.models import Clinic, User
from audit.services import record_change


@dataclass(frozen=True)
class Lockout:
    user: User
    failures: int
    last_failure: datetime
    locked: bool
    until: datetime | None


def clinic_lockouts(*, clinic: Clinic) -> list[Lockout]:
    """The clinic's staff with recent failed logins, locked-out ones first."""
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.all()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = attempts.values("username").annotate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    by_username = {row["username"]: row for row in rows}
    users = User.objects.filter(clinic=clinic, username__in=list(by_username)).order_by("username")
    lockouts = []
    for user in users:
        row = by_username[user.username]
        locked = row["failures"] >= settings.AXES_FAILURE_LIMIT
        lockouts.append(
            Lockout(
                user=user,
                failures=row["failures"],
                last_failure=row["last"],
                locked=locked,
                until=row["last"] + cool_off if locked and cool_off else None,
            )
        )
    return sorted(lockouts, key=lambda lockout: not lockout.locked)


class LockoutNotFound(DomainError):
    """The username names no one of the owner's clinic (the view answers 404, so a username
    of another clinic reads the same as one that does not exist). Code "not_in_clinic"."""

    def __init__(self, username: str) -> None:
        super().__init__(
            f"No one of this clinic's staff has the username {username!r}.",
            "not_in_clinic",
            field="username",
        )
        self.username = username


def lift_lockout(*, owner: User, username: str, ip: str | None = None) -> User:
    """Clear every failed login of one of the owner's staff; the audit trail records who did."""
    clinic_id = owner.clinic_id
    user = (
        None
        if clinic_id is None
        else User.objects.filter(clinic_id=clinic_id, username=username).first()
    )
    if user is None:
        raise LockoutNotFound(username)
    cleared, _ = AccessAttempt.objects.filter(username=user.username).delete()
    record_change(
        user, by=owner, detail=f"login lockout lifted ({cleared} failure records cleared)", ip=ip
    )
    return user
