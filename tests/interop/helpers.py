"""API tokens and calls for the interop tests."""

from interop.models import ApiToken
from interop.services import issue_token


def token_for(clinic, owner, *, scope=ApiToken.Scope.READ, **kwargs) -> str:
    return issue_token(
        clinic_id=clinic.pk, name="EHR", created_by=owner, scope=scope, **kwargs
    ).secret


def auth(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
