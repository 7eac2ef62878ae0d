"""API tokens: issue, revoke, authenticate. Every change is an audit event."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.errors import DomainError
from audit.models import AuditEvent
from audit.services import record_change, record_creation, record_event
from interop.models import ApiToken

TOKEN_PREFIX = "mct_"  # noqa: S105  # nosec B105 - a public marker, not a secret
DEFAULT_LIFETIME = timedelta(days=90)
MAX_LIFETIME = timedelta(days=366)


class TokenError(DomainError):
    pass


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; only its hash is stored


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits: a fast hash is enough (nothing to brute-force).
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_token(
    *,
    clinic_id: int,
    name: str,
    created_by: Any,
    scope: str = ApiToken.Scope.READ,
    lifetime: timedelta = DEFAULT_LIFETIME,
    ip: str | None = None,
) -> IssuedToken:
    name = name.strip()
    if not name:
        raise TokenError("Name the system this token is for.", "token_needs_name")
    if scope not in ApiToken.Scope.values:
        raise TokenError(f"Unknown scope {scope!r}.", "unknown_scope")
    if not timedelta(0) < lifetime <= MAX_LIFETIME:
        raise TokenError("A token lives between one day and a year.", "bad_lifetime")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        clinic_id=clinic_id,
        name=name[:100],
        prefix=secret[:10],
        token_hash=hash_secret(secret),
        scope=scope,
        created_by=created_by,
        expires_at=timezone.now() + lifetime,
    )
    record_creation(token, by=created_by, detail=f"API token issued (scope {scope})", ip=ip)
    return IssuedToken(token, secret)


@transaction.atomic
def revoke_token(*, token: ApiToken, revoked_by: Any, ip: str | None = None) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = revoked_by
    token.save(update_fields=["revoked_at", "revoked_by"])
    record_change(token, by=revoked_by, detail="API token revoked", ip=ip)
    return token


def authenticate(header: str, *, scope: str = ApiToken.Scope.READ) -> ApiToken:
    """The live token of an `Authorization: Bearer …` header; raises TokenError otherwise."""
    kind, _, secret = (header or "").partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        raise TokenError("Send Authorization: Bearer <token>.", "no_token")
    token = (
        ApiToken.objects.select_related("created_by")
        .filter(token_hash=hash_secret(secret.strip()))
        .first()
    )
    if token is None:
        raise TokenError("Unknown token.", "unknown_token")
    if token.revoked_at is not None:
        raise TokenError("This token was revoked.", "revoked_token")
    if token.expires_at <= timezone.now():
        raise TokenError("This token has expired.", "expired_token")
    if scope == ApiToken.Scope.FEEDBACK and token.scope != ApiToken.Scope.FEEDBACK:
        raise TokenError("This token may only read.", "insufficient_scope")
    return token


def record_api_call(
    *,
    token: ApiToken,
    ip: str | None,
    what: str,
    target: Any = None,
    action: str = AuditEvent.Action.VIEW,
) -> None:
    """Every call is an audit event in the token's clinic, by the owner who issued it."""
    record_event(
        actor=token.created_by,
        clinic_id=token.clinic_id,
        action=action,
        target=target if target is not None else token,
        detail=f"{what} via API token {token.prefix}",
        ip=ip,
    )
