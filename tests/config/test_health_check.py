"""The health check before a request's first query (config/postgresql/base.py): a busy, idle
connection is used without a `SELECT 1`; one the server ended, one with anything waiting or
left open, and one unused for a second are asked, and a request after the server, or a box in
between, dropped its connection gets a new one and loses nothing."""

import contextlib
import select
import socket
import struct
import threading
import time

import pytest
from django.db import close_old_connections, connection, connections, transaction
from django.db.backends.postgresql import base as django_postgresql

from clients.models import Client
from config.postgresql.base import ASK_AFTER_IDLE_S
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
    connection.last_used = time.monotonic()  # so the socket, not the clock, makes it ask

    assert connection.is_usable() is False
    assert asked == [False]  # the socket was readable, so the server was asked
    # What a request does: its start resets the check, its first query runs it.
    close_old_connections()
    assert Client.objects.count() == 1
    assert _backend_pid() != killed


def test_a_connection_with_a_message_waiting_is_asked(asked):
    with connection.cursor() as cursor:
        cursor.execute("LISTEN health_check_test")
    try:
        _from_another_connection("NOTIFY health_check_test")
        _wait_until_readable()
        connection.last_used = time.monotonic()  # so the socket, not the clock, makes it ask

        assert connection.is_usable() is True
        assert asked == [True]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("UNLISTEN health_check_test")


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


def test_a_connection_unused_for_a_second_or_more_is_asked(asked):
    _backend_pid()
    connection.last_used -= ASK_AFTER_IDLE_S
    assert connection.is_usable() is True
    assert asked == [True]


class ForgetfulRelay:
    """Between the app and PostgreSQL, like a NAT gateway or a firewall: it carries each
    connection until told to forget them, then answers a forgotten connection's next packet
    with a reset, as such a box does after its idle timeout."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.pairs: list[dict] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self):
        while True:
            try:
                near, _ = self.server.accept()
            except OSError:
                return
            far = socket.create_connection(self.upstream)
            pair = {"near": near, "far": far, "port": far.getsockname()[1]}
            self.pairs.append(pair)
            for src, dst, near_side in ((near, pair["far"], True), (pair["far"], near, False)):
                pump = threading.Thread(
                    target=self._pump, args=(src, dst, near_side, pair), daemon=True
                )
                self.threads.append(pump)
                pump.start()

    @staticmethod
    def _pump(src, dst, near_side, pair):
        try:
            while data := src.recv(65536):
                if near_side and pair.get("forgotten"):
                    src.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    src.close()  # a reset, and nothing passed on
                    _end(dst)
                    return
                dst.sendall(data)
        except OSError:
            pass

    def forget(self):
        for pair in self.pairs:
            pair["forgotten"] = True

    def close(self):
        """Closes every connection and waits until their backends have gone, so the test
        database can be dropped."""
        _end(self.server)  # shutdown() wakes the thread waiting in accept()
        for pair in self.pairs:
            _end(pair["near"])
            _end(pair["far"])
        for thread in self.threads:
            thread.join(timeout=10)
        ports = [pair["port"] for pair in self.pairs]
        deadline = time.monotonic() + 10
        with connection.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE client_port = ANY(%s)", [ports]
                )
                if cursor.fetchone()[0] == 0:
                    return
                assert time.monotonic() < deadline, "the relay's backends are still there"
                time.sleep(0.05)


def _end(end):
    # shutdown() first: a close() alone waits for the other thread's recv() on the socket.
    with contextlib.suppress(OSError):
        end.shutdown(socket.SHUT_RDWR)
    end.close()


@pytest.fixture
def relay():
    params = connection.get_connection_params()
    host = params.get("host") or "127.0.0.1"
    if host.startswith("/"):
        pytest.skip("the relay speaks TCP; DATABASE_URL names a Unix socket")
    relay = ForgetfulRelay((host, int(params.get("port") or 5432)))
    yield relay
    relay.close()


def test_a_connection_something_in_between_forgot_is_replaced_before_the_next_request(relay):
    settings_dict = {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": str(relay.port)}
    through = type(connections["default"])(settings_dict, alias="through_relay")
    try:
        with through.cursor() as cursor:
            cursor.execute("SELECT 1")
        relay.forget()  # the box's idle timeout: nothing reaches the app's side
        through.last_used -= ASK_AFTER_IDLE_S

        through.close_if_unusable_or_obsolete()  # a request starts; its first query:
        with through.cursor() as cursor:
            cursor.execute("SELECT 2")
            assert cursor.fetchone() == (2,)
        assert len(relay.pairs) == 2  # a new connection, made before the query
    finally:
        through.close()
