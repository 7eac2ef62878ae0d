"""`make run`: messages are printed, by the console backends, with a link to the local server."""

from pathlib import Path

import pytest
from django.test import Client

from tests.previsit.helpers import LINK, send

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_script_uses_console_backends_and_runs_the_worker():
    script = (ROOT / "scripts" / "run").read_text()
    assert "django.core.mail.backends.console.EmailBackend" in script
    assert "previsit.sms.ConsoleBackend" in script
    assert "manage.py db_worker" in script


def test_a_printed_message_holds_a_working_link_to_the_local_server(
    settings, capsys, a_client, front_desk
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.PREVISIT_BASE_URL = "http://127.0.0.1:8000"
    send(a_client, by=front_desk, channel="both")
    out = capsys.readouterr().out
    assert "Riverside Massage Clinic" in out
    assert f"SMS to {a_client.phone}" in out
    urls = {match.group(0) for match in LINK.finditer(out)}
    assert len(urls) == 1
    [url] = urls
    assert url.startswith("http://127.0.0.1:8000/p/")
    assert Client().get(url.removeprefix("http://127.0.0.1:8000")).url == "/p/verify/"
