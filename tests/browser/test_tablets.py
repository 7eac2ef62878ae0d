"""An enrolled tablet waits for the next client: front desk send from their own computer (one
browser), the tablet (another browser, never logged in) leaves "waiting", the client fills in
and signs, and the tablet shows "waiting" again. 768x1024 in Chromium."""

import importlib

import pytest

from audit.models import AuditEvent
from intake.models import Intake
from review.models import Screening
from tablets import services
from tablets.models import Assignment
from tests.browser.conftest import TABLET, log_in, screenshot
from tests.browser.test_intake import fill_to_consent, sign
from tests.factories import ConsentTextFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def consent_texts(transactional_db):
    seed = importlib.import_module("intake.migrations.0003_seed_consent")
    for language, (title, text) in seed.CONSENT_V1.items():
        ConsentTextFactory(language=language, title=title, text=text)


@pytest.fixture
def tablet_page(browser, live_server):
    context = browser.new_context(viewport=TABLET, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_front_desk_send_and_the_tablet_returns_to_waiting(
    page, tablet_page, clinic, owner, front_desk, a_client, ruleset
):
    issued = services.add_tablet(clinic_id=clinic.pk, name="Front room tablet", added_by=owner)
    tablet_page.goto("/tablet/enrol/")
    tablet_page.get_by_label("Enrolment code").fill(issued.display)
    tablet_page.get_by_role("button", name="Enrol").click()
    tablet_page.get_by_text("Waiting for the next client").wait_for()
    screenshot(tablet_page, "tablets_1_waiting")
    cookie = next(c for c in tablet_page.context.cookies() if c["name"] == "clinic_tablet")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Strict"

    log_in(page, "fran")
    page.goto(f"/clients/{a_client.public_id}/")
    page.get_by_role("button", name="Send to tablet: Front room tablet").click()
    page.get_by_text("Sent to “Front room tablet”").wait_for()
    screenshot(page, "tablets_2_front_desk_sent")

    # The waiting page's poll finds the intake and opens it, without a touch.
    tablet_page.wait_for_url("**/kiosk/")
    tablet_page.get_by_text("Maria").first.wait_for()
    screenshot(tablet_page, "tablets_3_welcome")
    fill_to_consent(tablet_page)
    sign(tablet_page)
    tablet_page.get_by_role("button", name="Sign and send").click()
    tablet_page.wait_for_url("**/tablet/?sent=1")
    tablet_page.get_by_text("Your answers have been sent").wait_for()
    tablet_page.get_by_text("Waiting for the next client").wait_for()
    screenshot(tablet_page, "tablets_4_waiting_again")
    assert "Staff" not in tablet_page.content()

    intake = Intake.objects.get(client=a_client)
    assert intake.is_submitted
    assert Screening.objects.filter(intake=intake).exists()
    assert Assignment.objects.get().closed_reason == Assignment.Closed.COMPLETED
    assert AuditEvent.objects.filter(detail__startswith="intake opened on tablet").count() == 1
    # Front desk never left their own session.
    page.goto(f"/clients/{a_client.public_id}/")
    page.get_by_role("button", name="Send to tablet: Front room tablet").wait_for()
