import subprocess

import pytest

from review.models import ReferralDecision, TreatmentPlan
from tests.browser.conftest import ARTIFACTS, log_in, screenshot
from tests.browser.test_plan_map import tap_area
from tests.factories import ClientFactory
from tests.review.helpers import KIDNEY_RED_FLAG, PREGNANT_24_WEEKS, screened, screened_with_release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_therapist_refers_a_kidney_red_flag_and_downloads_the_letter(
    page, therapist, clinic, ruleset
):
    client = ClientFactory(
        clinic=clinic, legal_name="Robert Chen", physician_practice="Harbor Family Practice"
    )
    # The client agreed on the intake that a letter may name them to their physician.
    screening = screened_with_release(client, KIDNEY_RED_FLAG)
    log_in(page, "theo")
    page.goto("/review/")
    row = page.locator("tr", has_text="Robert Chen")
    assert "Refer urgently" in row.inner_text()
    assert "Needs a referral decision" in row.inner_text()
    row.get_by_role("link", name="Robert Chen").click()

    page.get_by_text("Refer urgently: no massage today").first.wait_for()
    page.get_by_role("article").get_by_text("Have you seen blood in your urine").wait_for()
    assert page.locator('[data-region="lumbar_spine"][data-state="avoid"]').count() == 1
    screenshot(page, "therapist_kidney_screening")

    page.get_by_role("link", name="Record referral decision").click()
    page.get_by_label("Referred", exact=True).check()
    assert page.get_by_label("Referred to").input_value() == (
        "Dr. Rebecca Lang, Harbor Family Practice"
    )
    page.get_by_label("How", exact=True).select_option("phone")
    page.get_by_label("How urgently").select_option("today")
    page.get_by_label("What you ask the physician for").fill(
        "Please assess the visible haematuria today and tell us when massage is safe."
    )
    screenshot(page, "therapist_referral_form")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("The decision was recorded.").wait_for()
    assert "Referred to Dr. Rebecca Lang" in page.locator(".referral-recorded").inner_text()

    decision = ReferralDecision.objects.get()
    assert decision.rule_ids == ["KIDNEY-HEMATURIA"]
    assert decision.urgency == "today"
    assert decision.decided_by == therapist
    assert decision.ruleset == screening.ruleset

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Referral letter (Letter)").click()
    path = ARTIFACTS / "therapist_referral_letter.pdf"
    download_info.value.save_as(path)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "Referral: Robert Chen" in flat
    assert "Dr. Rebecca Lang" in flat
    assert "Harbor Family Practice" in flat
    assert "Client-reported visible haematuria" in flat
    assert clinic.phone in flat  # the letterhead
    assert "RMT, licence 12345" in flat  # the signer's credentials
    assert "Please assess the visible haematuria today" in flat
    for finding in screening.outcome.findings:
        assert finding.title in flat


def test_pregnant_client_plan_is_corrected_to_the_nearest_compliant_plan(
    page, therapist, clinic, ruleset
):
    client = ClientFactory(clinic=clinic, legal_name="Lucia Moreno")
    screening = screened(client, PREGNANT_24_WEEKS)
    log_in(page, "theo")
    page.goto(f"/review/screenings/{screening.public_id}/")
    page.get_by_text("Massage with changes").first.wait_for()
    page.get_by_role("link", name="Plan the session").click()

    page.get_by_label("Deep tissue massage").check()
    page.get_by_label("Lying face down").check()
    page.get_by_label("Sanyinjiao (SP6)").check()
    tap_area(page, "upper_back")
    violations = page.locator("#plan-check .violation")
    page.locator('#plan-check .violation[data-kind="acupoint"]').wait_for()
    text = page.locator("#plan-check").inner_text()
    assert "Deep tissue massage is excluded today." in text
    assert "Pregnancy: no deep tissue" in text
    assert "PREGNANCY-DEEP-TISSUE" in text
    assert "PREGNANCY-POSITIONING" in text
    assert "PREGNANCY-ACUPOINTS" in text
    assert violations.count() == 3
    screenshot(page, "therapist_plan_violations")

    page.get_by_role("button", name="Use the nearest compliant plan").click()
    page.get_by_text("The plan is within the constraints.").wait_for()
    assert not page.get_by_label("Deep tissue massage").is_checked()
    assert not page.get_by_label("Sanyinjiao (SP6)").is_checked()
    assert page.get_by_label("Side-lying").is_checked()
    assert page.get_by_label("Swedish massage").is_checked()
    screenshot(page, "therapist_plan_nearest")
    page.get_by_role("button", name="Save plan").click()
    page.get_by_text("The plan was saved.").wait_for()

    plan = TreatmentPlan.objects.get()
    assert plan.compliant
    assert plan.override_reason == ""
    assert plan.modalities == ["swedish"]
    assert plan.position == "side_lying"
    assert plan.acupoints == []
    assert plan.regions == ["upper_back"]
    screenshot(page, "therapist_plan_saved")
