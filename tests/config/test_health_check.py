"""The health check before a request's first query (config/postgresql/base.py): a quiet,
idle connection is used without a `SELECT 1`; one the server ended, or one with anything
waiting or left open, is asked, and a request after the server dropped its connection gets a
new one and loses nothing."""

import select
import time

import pytest
from django.db import close_old_connections, connection, connections, transaction
from django.db.backends.postgresql import base as django_postgresql

from clients.models import Client
from tests.factories import ClientFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


@pytest.fixture
def asked(monkeypatch):
    """Each time the check fell back to Django's `SELECT 1`, and what that answered."""
    answers: list[bool] = []
    select_one = django_postgresql.DatabaseWrapper.is_usable

    def spy(self):
        answers.append(select_one(self))
        return answers[-1]

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", spy)
    return answers


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _from_another_connection(sql, params=()):
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        other.close()


def _wait_until_readable():
    """The server's message reaches the socket a moment after the other connection asked."""
    poller = select.poll()
    poller.register(connection.connection.pgconn.socket, select.POLLIN)
    deadline = time.monotonic() + 10
    while not poller.poll(50):
        assert time.monotonic() < deadline, "nothing arrived on the connection's socket"


def test_the_settings_use_the_backend_with_the_cheap_check():
    default = connections["default"]
    assert type(default).__module__ == "config.postgresql.base"
    assert default.health_check_enabled


def test_a_quiet_idle_connection_is_usable_without_asking_the_server(asked):
    _backend_pid()
    assert connection.is_usable() is True
    assert asked == []


def test_a_connection_the_server_ended_is_not_usable_and_the_next_query_reconnects(asked):
    ClientFactory()
    killed = _backend_pid()
    _from_another_connection("SELECT pg_terminate_backend(%s)", [killed])
    _wait_until_readable()

    assert connection.is_usable() is False
    assert asked == [False]  # the socket was readable, so the server was asked
    # What a request does: its start resets the check, its first query runs it.
    close_old_connections()
    assert Client.objects.count() == 1
    assert _backend_pid() != killed


def test_a_connection_with_a_message_waiting_is_asked(asked):
    with connection.cursor() as cursor:
        cursor.execute("LISTEN health_check_test")
    _from_another_connection("NOTIFY health_check_test")
    _wait_until_readable()

    assert connection.is_usable() is True
    assert asked == [True]


def test_a_connection_inside_a_transaction_or_after_an_error_is_asked(asked):
    with transaction.atomic():
        _backend_pid()
        assert connection.is_usable() is True
    connection.errors_occurred = True
    try:
        assert connection.is_usable() is True
    finally:
        connection.errors_occurred = False
    assert asked == [True, True]
