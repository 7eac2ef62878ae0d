"""The admin: a second factor for whoever can open it in production, clinic-scoped choices,
and client records read-only there (edits go through the service with its version check)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.two_factor import two_factor_required
from audit.models import AuditEvent
from clients.models import Client
from tests.clients.test_clients import VALID
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("flags", [{"is_superuser": True, "is_staff": True}, {"is_staff": True}])
def test_admin_users_need_two_factor_in_production_even_without_roles(settings, clinic, flags):
    settings.PRODUCTION = True
    settings.TWO_FACTOR_ROLES = []
    user = UserFactory(clinic=clinic, **flags)
    assert two_factor_required(user)


def test_admin_page_sends_superuser_to_two_factor_setup_in_production(settings, client, clinic):
    settings.PRODUCTION = True
    settings.TWO_FACTOR_ROLES = []
    login(client, UserFactory(clinic=clinic, is_superuser=True, is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:2fa_setup"))


def test_outside_production_admin_users_follow_the_roles(settings, clinic):
    settings.PRODUCTION = False
    settings.TWO_FACTOR_ROLES = []
    assert not two_factor_required(UserFactory(clinic=clinic, is_superuser=True, is_staff=True))


def test_admin_foreign_key_choices_are_the_owners_clinic_only(
    rf, owner, front_desk, other_clinic_staff
):
    request = rf.get("/")
    request.user = owner
    model_admin = admin.site._registry[Client]
    field = model_admin.formfield_for_foreignkey(Client._meta.get_field("created_by"), request)
    choices = set(field.queryset)
    assert front_desk in choices
    assert other_clinic_staff not in choices


def test_superuser_does_not_see_every_clinics_clients(client, a_client, other_clinic):
    login(client, UserFactory(clinic=other_clinic, is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:clients_client_changelist")).content.decode()
    assert a_client.legal_name not in page


def test_owner_admin_edit_cannot_be_lost_to_a_stale_front_desk_form(
    client, owner, front_desk, a_client
):
    """The finding: an owner's admin edit bumped no version and wrote no event, so a front-desk
    save from a form loaded earlier silently overwrote it. The admin no longer saves clients."""
    stale_version = a_client.version  # the front desk opens the edit form
    login(client, owner)
    url = reverse("admin:clients_client_change", args=[a_client.pk])
    response = client.post(url, {**VALID, "legal_name": "Owner Edit"})
    assert response.status_code == 403
    a_client.refresh_from_db()
    assert a_client.legal_name != "Owner Edit"
    # The owner edits through the staff page instead: version bumped, event written.
    data = {**VALID, "legal_name": "Owner Edit", "version": stale_version}
    assert client.post(reverse("clients:edit", args=[a_client.public_id]), data).status_code == 302
    a_client.refresh_from_db()
    assert (a_client.legal_name, a_client.version) == ("Owner Edit", stale_version + 1)
    assert AuditEvent.objects.filter(action="update", actor=owner).exists()
    # The front desk's stale form is refused, and the owner's edit survives.
    login(client, front_desk)
    data = {**VALID, "legal_name": "Front Desk Edit", "version": stale_version}
    response = client.post(reverse("clients:edit", args=[a_client.public_id]), data)
    assert response.status_code != 302
    a_client.refresh_from_db()
    assert a_client.legal_name == "Owner Edit"
