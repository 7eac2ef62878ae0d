"""The plan editor keeps moderate pressure for a pregnant client and goes light on the belly."""

import pytest

from review.models import TreatmentPlan
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_plan_map import tap_area
from tests.factories import ClientFactory
from tests.review.helpers import PREGNANT_24_WEEKS, screened

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_deep_prone_plan_for_a_pregnant_client_becomes_moderate_with_a_light_belly(
    page, therapist, clinic, ruleset
):
    client = ClientFactory(clinic=clinic, legal_name="Lucia Moreno")
    screening = screened(client, PREGNANT_24_WEEKS)
    log_in(page, "theo")
    page.goto(f"/review/screenings/{screening.public_id}/plan/")

    page.get_by_label("Deep tissue massage").check()
    page.get_by_label("Lying face down").check()
    page.get_by_label("5 - deep").check()
    tap_area(page, "upper_back")
    tap_area(page, "abdomen")
    page.locator('#plan-check .violation[data-kind="region_pressure"]').wait_for()
    text = page.locator("#plan-check").inner_text()
    assert "Pressure 5 is above the cap of 3." in text
    assert "Pressure over Belly (abdomen) must not exceed 1." in text
    # Only the planned areas offer their own level.
    page.get_by_text("Pressure over single areas").click()
    assert page.locator('[data-pressure-row="abdomen"]').is_visible()
    assert page.locator('[data-pressure-row="neck"]').is_hidden()

    page.get_by_role("button", name="Use the nearest compliant plan").click()
    page.get_by_text("The plan is within the constraints.").wait_for()
    assert page.get_by_label("3 - moderate").is_checked()
    assert page.locator("select[data-region=abdomen]").input_value() == "1"
    assert page.locator("select[data-region=upper_back]").input_value() == ""
    assert page.get_by_label("Side-lying").is_checked()
    assert not page.get_by_label("Deep tissue massage").is_checked()
    screenshot(page, "therapist_plan_regional_pressure")
    page.get_by_role("button", name="Save plan").click()
    page.get_by_text("The plan was saved.").wait_for()

    plan = TreatmentPlan.objects.get()
    assert plan.compliant
    assert plan.pressure == 3
    assert plan.region_pressure == {"abdomen": 1}
    assert sorted(plan.regions) == ["abdomen", "upper_back"]
    record = page.locator("section", has_text="Plan").locator("dl.record").inner_text()
    assert "Pressure over Belly (abdomen)" in record
    assert "1 - " in record
