"""The therapist's plan map: large, labelled with the client's sides, Full body and Clear."""

import pytest

from contraindications.engine import REGIONS
from tests.browser.conftest import log_in
from tests.factories import ClientFactory
from tests.review.helpers import PREGNANT_24_WEEKS, screened

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_full_body_ticks_every_area_and_clear_none(page, therapist, clinic, ruleset):
    screening = screened(ClientFactory(clinic=clinic), PREGNANT_24_WEEKS)
    log_in(page, "theo")
    page.goto(f"/review/screenings/{screening.public_id}/plan/")
    svg = page.locator(".plan-map svg.body-map")
    # It fills its column: well over the 340px it is drawn at, on a 768px tablet.
    assert svg.bounding_box()["width"] >= 380
    assert page.locator(".plan-map text", has_text="client's left").count() == 2
    page.get_by_role("button", name="Full body").click()
    boxes = page.locator("input[name=regions]")
    assert boxes.count() == len(REGIONS)
    assert page.locator("input[name=regions]:checked").count() == len(REGIONS)
    assert page.locator(".plan-map .region.planned").count() == 2 * 16 + 12
    # The check says at once what a full-body plan breaks for this client.
    page.locator("#plan-check .violation").first.wait_for()
    page.get_by_role("button", name="Clear").click()
    assert page.locator("input[name=regions]:checked").count() == 0
    assert page.locator(".plan-map .region.planned").count() == 0
