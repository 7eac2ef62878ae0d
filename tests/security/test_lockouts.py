"""Login lockouts that hold (issue 11, finding 6): a per-username tier that rotating addresses
cannot get around, a per-address tier, tries during a lockout that do not extend it, owners who
lift their own staff's locks (audited) and nobody else's, and no forwarded address trusted
without a proxy."""

import logging
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def other_owner(other_clinic):
    return UserFactory(username="oscar", clinic=other_clinic, role=Role.OWNER, is_staff=True)


@pytest.mark.parametrize("proxies", [0, 1])
def test_rotating_forwarded_addresses_cannot_get_around_the_username_lock(
    client, front_desk, settings, proxies
):
    settings.TRUSTED_PROXY_COUNT = proxies
    answers = [
        log_in(client, "fran", f"guess {n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(30)
    ]
    assert answers[:4] == [200] * 4
    assert set(answers[4:]) == {429}  # 5 tries, not 30
    # Even the right password, from yet another address, until the lock is lifted or expires.
    assert log_in(client, "fran", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    assert not logged_in(client)


def test_tries_during_a_lockout_do_not_extend_it(client, front_desk):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            log_in(client, "fran", "wrong")
    # Ten and fourteen minutes in: wrong and right passwords are refused and not counted.
    for minutes in (10, 14):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert log_in(client, "fran", "wrong").status_code == 429
            assert log_in(client, "fran").status_code == 429
    assert sum(a.failures_since_start for a in AccessAttempt.objects.all()) == 5
    # Fifteen minutes after the fifth failure, not after the last try, the lock has gone.
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert log_in(client, "fran").status_code == 302
        assert logged_in(client)


def test_one_address_trying_many_usernames_is_locked_out(client, front_desk, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    for n in range(20):
        log_in(client, f"staff{n}", "guess", REMOTE_ADDR="203.0.113.50")
    assert log_in(client, "fran", REMOTE_ADDR="203.0.113.50").status_code == 429
    # The address tier is about that address: Fran logs in from the clinic's own.
    assert log_in(client, "fran", REMOTE_ADDR="192.0.2.10").status_code == 302


def test_a_login_of_ones_own_does_not_clear_failures_against_another_username(
    client, front_desk, therapist
):
    for _ in range(4):
        log_in(client, "fran", "guess")
    assert log_in(client, "theo").status_code == 302  # the attacker's own valid account
    client.logout()
    assert log_in(client, "fran", "guess").status_code == 429


def test_the_owner_sees_and_lifts_a_lock_of_their_own_staff(client, front_desk, owner):
    for _ in range(5):
        log_in(client, "fran", "wrong")
    client.force_login(owner)
    page = client.get(reverse("oversight:lockouts"))
    assert page.status_code == 200
    assert 'data-username="fran"' in page.content.decode()
    assert "locked" in page.content.decode()

    response = client.post(reverse("oversight:lockouts"), {"username": "fran"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="fran").exists()
    event = AuditEvent.objects.get(actor=owner, object_type="accounts.User")
    assert event.object_id == str(front_desk.pk)
    assert event.clinic_id == owner.clinic_id
    assert "lockout lifted" in event.detail

    client.logout()
    assert log_in(client, "fran").status_code == 302


def test_another_clinics_owner_can_neither_see_nor_lift_the_lock(client, front_desk, other_owner):
    for _ in range(5):
        log_in(client, "fran", "wrong")
    client.force_login(other_owner)
    page = client.get(reverse("oversight:lockouts"))
    assert page.status_code == 200
    assert "fran" not in page.content.decode()
    assert client.post(reverse("oversight:lockouts"), {"username": "fran"}).status_code == 404
    assert AccessAttempt.objects.filter(username="fran").exists()
    assert not AuditEvent.objects.filter(actor=other_owner).exists()
    client.logout()
    assert log_in(client, "fran").status_code == 429


@pytest.mark.parametrize("role", ["front_desk", "therapist"])
def test_staff_who_are_not_owners_cannot_lift_locks(client, request, clinic, role):
    UserFactory(username="sam", clinic=clinic, role=Role.FRONT_DESK)
    for _ in range(5):
        log_in(client, "sam", "wrong")
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("oversight:lockouts")).status_code == 403
    assert client.post(reverse("oversight:lockouts"), {"username": "sam"}).status_code == 403
    assert AccessAttempt.objects.filter(username="sam").exists()


def test_a_forwarded_address_is_ignored_and_reported_once_without_a_proxy(
    client, front_desk, settings, caplog
):
    settings.TRUSTED_PROXY_COUNT = 0
    with caplog.at_level(logging.WARNING, logger="config.client_ip"):
        for n in range(3):
            log_in(client, "fran", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    warnings = [r for r in caplog.records if r.name == "config.client_ip"]
    assert len(warnings) == 1
    assert "TRUSTED_PROXY_COUNT=0" in warnings[0].getMessage()


def test_production_trusts_no_forwarded_address_by_default():
    import config.settings

    assert config.settings.TRUSTED_PROXY_COUNT == 0
