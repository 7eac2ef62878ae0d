"""The login page says why someone is there after the idle logout (static/js/idle.js adds
idle=1 when it ends the session)."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_login_page_says_the_session_ended_for_being_idle(client):
    url = reverse("accounts:login")
    page = client.get(url, {"idle": "1", "next": "/clients/"}).content.decode()
    minutes = settings.STAFF_IDLE_SECONDS // 60
    assert f"You were logged out after {minutes} minutes without activity" in page


def test_a_plain_visit_to_the_login_page_says_nothing_about_idling(client):
    assert 'id="idle-logged-out"' not in client.get(reverse("accounts:login")).content.decode()


def test_the_idle_script_sends_the_reason_to_the_login_page():
    script = (settings.BASE_DIR / "static" / "js" / "idle.js").read_text(encoding="utf-8")
    assert 'loginUrl + "?idle=1&next="' in script
