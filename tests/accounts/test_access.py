import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_requires_login(client, a_client):
    for url in [
        reverse("home"),
        reverse("clients:list"),
        reverse("clients:create"),
        reverse("visits:client", args=[a_client.public_id]),
        reverse("admin:index"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response.url


def test_login_and_health_are_public(client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("health")).json() == {"status": "ok", "database": "ok"}


def test_staff_of_another_clinic_get_404_on_this_clinics_client(
    client, other_clinic_staff, a_client
):
    client.force_login(other_clinic_staff)
    for name in ["visits:client", "clients:edit"]:
        assert client.get(reverse(name, args=[a_client.public_id])).status_code == 404
    assert client.post(reverse("clients:archive", args=[a_client.public_id])).status_code == 404
    assert a_client.legal_name not in client.get(reverse("clients:list")).content.decode()


def test_front_desk_gets_403_on_owner_only_pages(client, front_desk):
    client.force_login(front_desk)
    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(reverse("admin:clients_client_changelist")).status_code == 403


def test_owner_sees_only_own_clinic_in_admin(client, owner, a_client, other_clinic):
    from tests.factories import ClientFactory

    stranger = ClientFactory(clinic=other_clinic, legal_name="Zed Stranger")
    client.force_login(owner)
    page = client.get(reverse("admin:clients_client_changelist")).content.decode()
    assert a_client.legal_name in page
    assert stranger.legal_name not in page


def test_staff_without_role_are_refused(client, clinic):
    from tests.factories import UserFactory

    client.force_login(UserFactory(clinic=clinic))
    assert client.get(reverse("clients:list")).status_code == 403


def test_login_logout_and_password_change(client, front_desk):
    response = client.post(
        reverse("accounts:login"),
        {"username": "fran", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": "a much longer new passphrase",
            "new_password2": "a much longer new passphrase",
        },
    )
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("clients:list")).status_code == 302
    response = client.post(
        reverse("accounts:login"),
        {"username": "fran", "password": "a much longer new passphrase"},
    )
    assert response.status_code == 302
    assert client.get(reverse("clients:list")).status_code == 200


def test_health_reports_database_down(client, monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get(reverse("health"))
    assert response.status_code == 503
