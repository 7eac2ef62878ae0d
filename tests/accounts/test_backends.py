"""The password backend loads the user, its clinic and its roles in one query
(accounts/backends.py), refuses a wrong password once, and sessions begun under Django's plain
ModelBackend stay signed in."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import ClinicModelBackend
from accounts.roles import Role, roles_of
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_user_clinic_and_roles_come_in_one_query(therapist):
    with CaptureQueriesContext(connection) as captured:
        user = ClinicModelBackend().get_user(therapist.pk)
        assert user.clinic.name == "Riverside Massage Clinic"
        assert roles_of(user) == {Role.THERAPIST}
    assert len(captured) == 1


def test_an_inactive_user_is_not_loaded(therapist):
    therapist.is_active = False
    therapist.save()
    assert ClinicModelBackend().get_user(therapist.pk) is None


def test_a_wrong_password_is_checked_once_and_refused(therapist, monkeypatch):
    therapist.set_password(PASSWORD)
    therapist.save()
    checks = []
    original = type(therapist).check_password
    monkeypatch.setattr(
        type(therapist),
        "check_password",
        lambda self, raw: checks.append(raw) or original(self, raw),
    )
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="theo", password="not the password") is None
    assert len(checks) == 1
    assert authenticate(request, username="theo", password=PASSWORD) == therapist


def test_a_session_of_the_plain_model_backend_stays_signed_in(client, therapist):
    client.force_login(therapist, backend="django.contrib.auth.backends.ModelBackend")
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    assert client.get(reverse("review:today")).status_code == 200


def test_a_new_sign_in_uses_the_one_query_backend(client, therapist):
    therapist.set_password(PASSWORD)
    therapist.save()
    response = client.post(reverse("accounts:login"), {"username": "theo", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.ClinicModelBackend"
