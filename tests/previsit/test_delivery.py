"""Delivery off the request path: the PostgreSQL queue and its worker, and the SMS HTTP API."""

import http.server
import threading
import urllib.parse
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from previsit.models import Delivery
from tests.previsit.helpers import send, token_from

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "previsit"]}
}


@pytest.fixture
def worker(monkeypatch):
    """The real worker command, in this process and this test's transaction: only its check
    for stale connections is switched off (it would close the test's open transaction)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return run_worker


def run_worker():
    call_command(
        "db_worker", "--batch", "--queue-name", "previsit", "--no-startup-delay", "--no-reload",
        verbosity=0,
    )  # fmt: skip


@pytest.mark.django_db
def test_the_request_only_queues_and_the_worker_sends(settings, clinic, front_desk, worker):
    from tests.factories import ClientFactory

    settings.TASKS = DATABASE_QUEUE
    client_record = ClientFactory(clinic=clinic)
    issued = send(client_record, by=front_desk)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.QUEUED
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.queue_name == "previsit"
    # The queue holds the delivery's id, never the link.
    assert issued.token not in str(DBTaskResult.objects.values().get())
    worker()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert token_from(mail.outbox[0].body) == issued.token
    worker()  # nothing left: nothing is sent twice
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_is_retried_later_by_the_worker(settings, clinic, front_desk, worker):
    from tests.factories import ClientFactory

    settings.TASKS = DATABASE_QUEUE
    settings.SMS_BACKEND = "previsit.sms.TwilioStyleBackend"
    settings.SMS_API_URL = "http://127.0.0.1:9/unreachable"
    send(ClientFactory(clinic=clinic), by=front_desk, channel="sms")
    worker()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.attempts == 1
    assert delivery.error in ("SmsError: URLError", "SmsError: ConnectionRefusedError")
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after is not None
    assert retry.run_after - retry.enqueued_at >= timedelta(seconds=25)


class _SmsApi(http.server.BaseHTTPRequestHandler):
    received: list = []
    status = 201

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        _SmsApi.received.append((self.path, self.headers["Authorization"], form))
        self.send_response(_SmsApi.status)
        self.end_headers()
        self.wfile.write(b'{"sid": "SM1"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_api(settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), _SmsApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _SmsApi.received, _SmsApi.status = [], 201
    settings.SMS_BACKEND = "previsit.sms.TwilioStyleBackend"
    settings.SMS_API_URL = (
        f"http://127.0.0.1:{server.server_port}/2010-04-01/Accounts/AC1/Messages.json"
    )
    settings.SMS_ACCOUNT, settings.SMS_TOKEN, settings.SMS_FROM = "AC1", "secret", "+16175550100"
    yield _SmsApi
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_sms_goes_to_the_http_api_as_a_twilio_style_form(sms_api, a_client, front_desk):
    issued = send(a_client, by=front_desk, channel="sms")
    [(path, authorization, form)] = sms_api.received
    assert path.endswith("/Messages.json")
    assert authorization == "Basic QUMxOnNlY3JldA=="  # AC1:secret
    assert form["To"] == [a_client.phone]
    assert form["From"] == ["+16175550100"]
    assert token_from(form["Body"][0]) == issued.token
    assert Delivery.objects.get().status == Delivery.Status.SENT


@pytest.mark.django_db
def test_an_sms_api_error_is_recorded_without_the_message(sms_api, a_client, front_desk):
    sms_api.status = 400
    send(a_client, by=front_desk, channel="sms")
    delivery = Delivery.objects.get()
    # The immediate backend retries at once: four tries, then failed.
    assert len(sms_api.received) == 4
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error == "SmsError: HTTP 400"
