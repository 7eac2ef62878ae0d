"""The intake sent before the visit, end to end on a phone (360x740) in Chromium.

Real parts: an SMTP server (aiosmtpd) started here receives the link and the code through
Django's SMTP backend; the live server sends them (the task runs at once in tests).
"""

import email
import importlib
import re
import socket
import threading
import time
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from audit.models import AuditEvent
from intake.derived import age_on
from intake.models import Intake
from previsit.models import PrevisitLink
from review.models import Screening
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_intake import fill_to_consent, sign
from tests.factories import ConsentTextFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
LINK = re.compile(r"(https?://\S+/p/[A-Za-z0-9_-]{40,}/)")


@pytest.fixture(autouse=True)
def consent_texts(transactional_db):
    seed = importlib.import_module("intake.migrations.0003_seed_consent")
    for language, (title, text) in seed.CONSENT_V1.items():
        ConsentTextFactory(language=language, title=title, text=text)


class Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return self.messages[count - 1]
            time.sleep(0.05)
        raise AssertionError(f"no message number {count} arrived")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings, live_server):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.PREVISIT_BASE_URL = live_server.url
    yield inbox
    controller.stop()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def send_link(page, client_record):
    log_in(page, "fran")
    page.goto(f"/clients/{client_record.public_id}/")
    visit = timezone.localtime() + timedelta(days=2)
    page.locator("#previsit-visit").fill(visit.strftime("%Y-%m-%dT10:00"))
    page.locator("#previsit-channel").select_option("email")
    page.get_by_role("button", name="Send link").click()
    page.get_by_text("The intake link is on its way.").wait_for()


def prove_identity(phone, inbox, client_record, *, link, code_number):
    phone.goto(link)
    phone.wait_for_url("**/p/verify/")
    content = phone.content()
    assert client_record.legal_name.split()[0] not in content
    phone.get_by_label("Your date of birth").fill(client_record.date_of_birth.isoformat())
    phone.get_by_role("button", name="Continue").click()
    phone.wait_for_url("**/p/code/")
    code = re.search(r"\b(\d{6})\b", _text(inbox.wait_for(code_number))).group(1)
    phone.get_by_label("The 6-digit code we sent you").fill(code)
    phone.get_by_role("button", name="Continue").click()


def test_a_link_sent_by_email_is_filled_on_a_phone_and_screened_like_the_tablet(
    page, phone, smtp, front_desk, a_client, ruleset
):
    send_link(page, a_client)
    invitation = smtp.wait_for(1)
    assert invitation["To"] == a_client.email
    assert "Riverside Massage Clinic" in invitation["From"]
    assert invitation.get_body(preferencelist=("html",)) is not None
    body = _text(invitation)
    assert "health" not in body.lower()
    assert a_client.legal_name.split()[0] not in body
    link = LINK.search(body).group(1)

    prove_identity(phone, smtp, a_client, link=link, code_number=2)
    phone.wait_for_url("**/kiosk/")
    assert a_client.legal_name.split()[0] in phone.content()
    screenshot(phone, "previsit_1_welcome_phone")
    fill_to_consent(phone, blood=True, shoot="previsit_phone")
    sign(phone)
    screenshot(phone, "previsit_8_consent_phone")
    phone.get_by_role("button", name="Sign and send").click()
    phone.get_by_text("You can close this page now.").wait_for()
    screenshot(phone, "previsit_9_done_phone")
    text = phone.content().lower()
    assert "refer" not in text
    assert "do not book" not in text
    assert "kidney" not in text
    # The page fits the phone: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    intake = Intake.objects.get(client=a_client)
    assert intake.is_submitted
    assert intake.answers["blood_in_urine"] is True
    assert Screening.objects.get(intake=intake).decision in ("refer", "refer_urgent")
    assert PrevisitLink.objects.get().completed_at is not None
    assert AuditEvent.objects.filter(detail="previsit intake submitted online").count() == 1

    page.goto(f"/clients/{a_client.public_id}/")
    page.get_by_text("Completed online").wait_for()
    page.get_by_text("Do not book — medical referral").first.wait_for()
    screenshot(page, "previsit_10_front_desk")
    page.goto("/intake/today/")
    row = page.locator("tr.intake-row", has_text=a_client.legal_name)
    assert "Completed online" in row.inner_text()
    assert "Do not book — medical referral" in row.inner_text()

    # The link is spent: opening it again ends on a clear page.
    phone.goto(link)
    phone.get_by_text("This form has already been sent").wait_for()


def test_a_dropped_connection_loses_nothing_and_a_return_opens_where_the_client_stopped(
    browser, live_server, page, phone, smtp, front_desk, a_client, ruleset
):
    send_link(page, a_client)
    link = LINK.search(_text(smtp.wait_for(1))).group(1)
    prove_identity(phone, smtp, a_client, link=link, code_number=2)
    phone.wait_for_url("**/kiosk/")
    phone.locator("a.btn-primary[href$='/section/about_you/']").click()
    # The page loaded, so intake.js (deferred) listens: a tick made before it would not be
    # autosaved, and on a busy machine the click can beat the script.
    phone.wait_for_url("**/section/about_you/")
    phone.check("#f-main_goal-pain_relief")
    phone.get_by_text("Your answers are saved.").wait_for()
    phone.context.set_offline(True)
    phone.check("#f-main_goal-relaxation")
    phone.get_by_text("No connection.").wait_for()
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.get_by_text("Your answers are saved.").wait_for()
    answers = Intake.objects.get(client=a_client).answers
    age = age_on(a_client.date_of_birth, timezone.localdate())
    assert answers == {"age": age, "first_visit": True, "main_goal": "relaxation"}
    phone.locator("button[name=go][value=next]").click()
    phone.wait_for_url("**/section/visit_and_pain/")

    # Another device, later: the identity check again, then straight back to that section.
    other = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-US")
    second = other.new_page()
    second.set_default_timeout(10_000)
    PrevisitLink.objects.update(code_sent_at=timezone.now() - timedelta(minutes=2))
    prove_identity(second, smtp, a_client, link=link, code_number=3)
    second.wait_for_url("**/kiosk/section/visit_and_pain/")
    second.locator("button[name=go][value=back]").click()
    second.wait_for_url("**/section/about_you/")
    assert second.is_checked("#f-main_goal-relaxation")
    other.close()
