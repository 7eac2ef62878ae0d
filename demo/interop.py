"""The demo clinic's API token, so the curl examples of docs/INTEROP.md work."""

from django.utils import timezone

from interop.models import ApiToken
from interop.services import issue_token, revoke_token

DEMO_TOKEN_NAME = "Demo EHR (docs/INTEROP.md)"  # noqa: S105  # nosec B105 - a label, not a secret


def seed_demo_token(clinic, owner) -> str:
    """A fresh token that may read and send CDS Hooks feedback; the previous demo token is
    revoked (its secret was printed once and exists nowhere else)."""
    for old in ApiToken.objects.filter(
        clinic=clinic, name=DEMO_TOKEN_NAME, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ):
        revoke_token(token=old, revoked_by=owner)
    return issue_token(
        clinic_id=clinic.pk, name=DEMO_TOKEN_NAME, created_by=owner, scope=ApiToken.Scope.FEEDBACK
    ).secret
