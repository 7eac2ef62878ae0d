"""Owners issue and revoke API tokens on a page; no one else can."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from interop.models import ApiToken
from tests.interop.helpers import auth

pytestmark = pytest.mark.django_db


def test_an_owner_issues_a_token_shown_once_and_it_works(client, owner, ruleset):
    client.force_login(owner)
    page = client.post(
        reverse("interop:tokens"), {"name": "Acme EHR", "scope": "read", "lifetime": "30"}
    )
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret.startswith("mct_")
    assert secret in page.content.decode()
    assert secret not in client.get(reverse("interop:tokens")).content.decode()
    token = ApiToken.objects.get()
    assert (token.clinic_id, token.created_by, token.scope) == (owner.clinic_id, owner, "read")
    client.logout()
    assert client.get("/fhir/r4/Patient", **auth(secret)).status_code == 200


def test_a_bad_request_shows_the_reason_and_issues_nothing(client, owner):
    client.force_login(owner)
    page = client.post(reverse("interop:tokens"), {"name": "", "scope": "admin"})
    assert page.status_code == 200
    assert ApiToken.objects.count() == 0


def test_an_owner_revokes_and_it_is_audited(client, owner, ruleset):
    client.force_login(owner)
    secret = client.post(reverse("interop:tokens"), {"name": "EHR"}).context["secret"]
    token = ApiToken.objects.get()
    response = client.post(reverse("interop:revoke_token", args=[token.public_id]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == owner
    assert AuditEvent.objects.filter(
        object_id=str(token.public_id), detail="API token revoked"
    ).exists()
    client.logout()
    assert client.get("/fhir/r4/Patient", **auth(secret)).status_code == 401


def test_another_clinics_owner_cannot_revoke_and_a_therapist_cannot_issue(
    client, owner, therapist, other_clinic
):
    from accounts.roles import Role
    from tests.factories import UserFactory

    client.force_login(owner)
    client.post(reverse("interop:tokens"), {"name": "Acme Booking"})
    token = ApiToken.objects.get()
    stranger = UserFactory(username="hal-owner", clinic=other_clinic, role=Role.OWNER)
    client.force_login(stranger)
    assert client.post(reverse("interop:revoke_token", args=[token.public_id])).status_code == 404
    assert "Acme Booking" not in client.get(reverse("interop:tokens")).content.decode()
    client.force_login(therapist)
    assert client.post(reverse("interop:tokens"), {"name": "x"}).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
