"""A staff request reads its session and its user in one query (accounts/sessions.py), and
every check Django makes of a signed-in user still holds: a deactivated user, a changed
password, a session row whose user column disagrees with what the session says."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Session
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _signed_in(client, user):
    client.force_login(user)
    client.get(reverse("clients:list"))  # the first request may write the session; count later
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def _queries_before_the_view(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("clients:list"))
    sqls = [q["sql"] for q in captured.captured_queries]
    return response, sqls


def test_the_session_row_names_its_user_and_brings_it_along(client, front_desk):
    row = _signed_in(client, front_desk)
    assert row.user_id == front_desk.pk
    response, sqls = _queries_before_the_view(client)
    assert response.status_code == 200
    assert sum(s.startswith("SELECT s.session_data, s.user_id") for s in sqls) == 1
    # no second query for the user (nor its clinic or groups): the session's join brought it
    assert not [s for s in sqls if s.startswith('SELECT "accounts_user"')]
    assert response.wsgi_request.user == front_desk


def test_a_deactivated_user_is_signed_out_at_the_next_request(client, front_desk):
    _signed_in(client, front_desk)
    front_desk.is_active = False
    front_desk.save()
    assert client.get(reverse("clients:list")).status_code == 302


def test_a_changed_password_ends_the_other_sessions(client, front_desk):
    _signed_in(client, front_desk)
    front_desk.set_password(PASSWORD + "-new")
    front_desk.save()
    assert client.get(reverse("clients:list")).status_code == 302


def test_a_user_column_that_disagrees_with_the_session_is_not_trusted(
    client, front_desk, therapist
):
    row = _signed_in(client, front_desk)
    Session.objects.filter(pk=row.pk).update(user=therapist)  # as if the column were forged
    response = client.get(reverse("clients:list"))
    assert response.wsgi_request.user == front_desk  # what the signed session data says


def test_a_client_on_the_tablet_has_a_session_without_a_user(client, a_client, front_desk):
    client.force_login(front_desk)
    client.post(reverse("intake:hand_over", args=[a_client.public_id]))
    row = Session.objects.get(session_key=client.cookies["sessionid"].value)
    assert row.user_id is None  # the kiosk session belongs to no staff member
    assert not client.get(reverse("kiosk:staff")).wsgi_request.user.is_authenticated


def test_a_user_without_a_clinic_is_read_with_none(front_desk):
    from accounts.sessions import SessionStore
    from tests.factories import SessionFactory

    front_desk.clinic = None
    front_desk.save()
    store = SessionStore(SessionFactory(user=front_desk).session_key)
    assert store.load()["_auth_user_id"] == str(front_desk.pk)
    assert store.signed_in_user == front_desk
    assert store.signed_in_user.clinic is None


def test_a_session_for_no_one_reads_no_user(front_desk):
    from accounts.sessions import SessionStore

    store = SessionStore()
    store["kiosk"] = {"token": "x"}
    store.save()
    again = SessionStore(store.session_key)
    assert again.load() == {"kiosk": {"token": "x"}}
    assert again.signed_in_user is None


def test_an_unknown_or_expired_session_key_is_a_new_session(front_desk):
    from django.utils import timezone

    from accounts.sessions import SessionStore
    from tests.factories import SessionFactory

    expired = SessionFactory(user=front_desk, expire_date=timezone.now())
    for key in (expired.session_key, "no-such-session-key-at-all-000000"):
        store = SessionStore(key)
        assert store.load() == {}
        assert store.session_key is None  # a fresh key will be made, never the one offered


def test_clearsessions_removes_the_expired_sessions_only(front_desk):
    from django.core.management import call_command
    from django.utils import timezone

    from tests.factories import SessionFactory

    expired = SessionFactory(user=front_desk, expire_date=timezone.now())
    live = SessionFactory(user=front_desk)
    call_command("clearsessions")  # docs/DEPLOY.md: from cron, daily
    assert list(Session.objects.values_list("pk", flat=True)) == [live.pk]
    assert not Session.objects.filter(pk=expired.pk).exists()


def test_a_session_naming_a_removed_user_reads_no_user(front_desk):
    from accounts.sessions import SessionStore
    from tests.factories import SessionFactory

    row = SessionFactory(user=front_desk)
    Session.objects.filter(pk=row.pk).update(user_id=front_desk.pk + 10_000)  # no such user
    store = SessionStore(row.session_key)
    assert store.load()  # the session itself still reads
    assert store.signed_in_user is None
