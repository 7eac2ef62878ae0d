"""With the database down, staff get a calm 503 page and the tablet a JSON 503, never a trace."""

import json
import logging
import socket
import sys

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def staff_client(client, front_desk):
    client.force_login(front_desk)
    # A database outage raised before the view reaches handler500; let it produce its response.
    client.raise_request_exception = False
    return client


@pytest.fixture
def database_down(staff_client):
    """Point the connection at a port nobody listens on, as when PostgreSQL has stopped."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=closed_port())
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


def assert_calm_page(response):
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "30"
    assert "briefly unavailable" in body
    assert "already saved are safe" in body
    assert "Traceback" not in body
    assert "OperationalError" not in body


def test_staff_page_is_a_calm_503_when_the_database_is_down(staff_client, database_down):
    assert_calm_page(staff_client.get(reverse("clients:list")))


def test_a_form_post_is_a_calm_503_when_the_database_is_down(staff_client, a_client, database_down):
    response = staff_client.post(reverse("clients:list"), {"q": "Maria"})
    assert_calm_page(response)


def test_kiosk_autosave_gets_json_503_so_the_tablet_keeps_its_draft(staff_client, database_down):
    response = staff_client.post(
        "/kiosk/save/", data=json.dumps({"answers": {}}), content_type="application/json"
    )
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert "kept on this device" in response.json()["message"]


def test_json_requests_get_json_503(staff_client, database_down):
    response = staff_client.get(reverse("clients:list"), headers={"accept": "application/json"})
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_health_check_answers_json_503_with_or_without_a_session(staff_client, database_down):
    assert staff_client.get("/health/").status_code == 503
    assert staff_client.get("/health/").json()["status"] == "error"
    anonymous = Client()
    assert anonymous.get("/health/").json() == {"status": "error", "database": "unreachable"}


def test_outage_met_inside_a_view_is_a_503_too(staff_client, monkeypatch):
    def lost_connection(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("clients.views.search_clients", lost_connection)
    staff_client.raise_request_exception = True  # handled by the middleware, not handler500
    assert_calm_page(staff_client.get(reverse("clients:list")))


def test_other_errors_are_still_the_plain_500_page(staff_client, monkeypatch):
    def bug(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("clients.views.search_clients", bug)
    response = staff_client.get(reverse("clients:list"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_an_outage_is_logged_without_connection_details(staff_client, database_down, caplog):
    port = str(connection.settings_dict["PORT"])
    with caplog.at_level(logging.DEBUG):
        staff_client.get(reverse("clients:list"))  # met in a middleware: handler500's path
        staff_client.post("/kiosk/save/", "{}", content_type="application/json")
    assert caplog.records
    for record in caplog.records:
        text = record.getMessage() + (caplog.text or "")
        assert record.exc_info is None, record.getMessage()
        assert port not in text
        assert "127.0.0.1" not in text
        assert "connection to server" not in text
        assert "Traceback" not in text
    assert "OperationalError" in caplog.text  # the class, enough to know what happened


def test_the_log_handlers_hide_a_database_error_met_anywhere(caplog):
    from config.middleware import HideDatabaseErrorDetails

    secret = 'connection to server at "db.internal" (10.0.0.5), port 5432 failed'
    try:
        raise OperationalError(secret)
    except OperationalError:
        record = logging.getLogger("anything").makeRecord(
            "anything", logging.ERROR, __file__, 1, "it broke", (), sys.exc_info()
        )
    HideDatabaseErrorDetails().filter(record)
    formatted = logging.Formatter().format(record)
    assert "db.internal" not in formatted
    assert "5432" not in formatted
    assert formatted.endswith("it broke (database unavailable: OperationalError)")
