import pytest

from tests.browser.conftest import log_in, screenshot
from tests.oversight.conftest import decisions, second_therapist  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_goes_from_the_dashboard_to_an_override_and_its_reason(page, owner, request):
    # Tara overrode a kidney red flag with a written reason; Theo referred two (see the fixture).
    decision = request.getfixturevalue("decisions")["tara_override"]
    log_in(page, "olivia")
    page.get_by_role("link", name="Oversight").click()
    page.get_by_role("heading", name="Referral decisions").wait_for()
    assert page.locator('[data-stat="overridden"]').inner_text() == "1"
    assert page.locator("svg.oversight-chart").count() >= 3
    screenshot(page, "owner_dashboard")

    rates = page.get_by_role("table", name="Override rate per therapist")
    row = rates.locator("tr", has_text="Tara Nguyen")
    assert "100%" in row.inner_text()
    row.get_by_role("link", name="1", exact=True).click()

    rows = page.locator("table.decision-list tbody tr")
    assert rows.count() == 1
    assert "Lucy Park" in rows.first.inner_text()
    rows.first.get_by_role("link", name="Details").click()

    page.get_by_role("heading", name="Overridden (session goes ahead): Lucy Park").wait_for()
    assert page.locator(".decision-reason").inner_text() == decision.reason
    facts = page.locator(".decision-facts").inner_text()
    assert "Tara Nguyen" in facts
    assert decision.ruleset.version in facts
    assert "KIDNEY-HEMATURIA" in page.locator("main").inner_text()
    screenshot(page, "owner_decision_detail")

    page.get_by_role("link", name="Open the screening review").click()
    page.get_by_text("Refer urgently: no massage today").first.wait_for()
