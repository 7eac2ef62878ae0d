"""The tablet in a client's hands, in Chromium: the idle warning, picking up where the client
stopped, targets for fingers on every kiosk page, and the duplicate warning at the desk."""

import time
from datetime import date

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_body_map import SIZES
from tests.browser.test_intake import consent_texts, hand_over, next_section, yes_no
from tests.factories import ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["consent_texts"]  # the consent texts the consent page needs

# Every control a finger can reach on the tablet, measured as the browser lays it out.
SMALL_TARGETS_JS = """
() => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, " +
    "label[for], [data-region]";
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    if (style.pointerEvents === "none" || style.visibility === "hidden") continue;
    if (!el.getClientRects().length) continue;  // not shown (display: none, closed dialog)
    const box = el.getBoundingClientRect();
    if (box.width < 24 || box.height < 24) {
      const name = el.getAttribute("name") || el.getAttribute("data-region") ||
        el.textContent.trim().slice(0, 30);
      small.push(`${el.tagName.toLowerCase()}#${el.id}[${name}] ` +
        `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}
"""


def _small_targets(page):
    return page.evaluate(SMALL_TARGETS_JS)


def test_the_idle_warning_counts_down_and_continue_keeps_the_session(
    page, a_client, ruleset, settings
):
    settings.KIOSK_IDLE_SECONDS = 6  # the warning then comes 3 seconds before the end
    hand_over(page, a_client)
    page.get_by_role("link", name="Start").click()
    page.check("#f-main_goal-relaxation")
    started = time.monotonic()
    dialog = page.locator("#kiosk-idle")
    dialog.wait_for(state="visible", timeout=8_000)
    assert page.get_by_role("dialog", name="Are you still there?").is_visible()
    # Focus moves into the dialog, to the button that keeps the session.
    assert page.evaluate("document.activeElement.id") == "kiosk-idle-continue"
    left = int(page.locator("#kiosk-idle-seconds").text_content())
    assert 1 <= left <= 3
    screenshot(page, "kiosk_idle_warning")
    page.get_by_role("button", name="Continue").click()
    dialog.wait_for(state="hidden")
    # Past the moment the session would have ended without Continue: still the same page.
    page.wait_for_timeout(max(0, 7_000 - (time.monotonic() - started) * 1000))
    assert "/kiosk/section/about_you/" in page.url
    assert page.locator("#f-main_goal-relaxation").is_checked()
    page.reload()
    assert "/kiosk/section/about_you/" in page.url
    # Nobody taps Continue this time: the session ends and the tablet says so.
    page.wait_for_url("**/kiosk/ended/", timeout=12_000)
    assert page.get_by_text("This session has ended").is_visible()


def test_continue_intake_on_tablet_resumes_at_the_section_where_the_client_stopped(
    page, a_client, ruleset
):
    hand_over(page, a_client)
    page.get_by_role("link", name="Start").click()
    # Age and first visit come from the record: the client's first question is their goal.
    page.check("#f-main_goal-relaxation")
    next_section(page)
    assert "/kiosk/section/visit_and_pain/" in page.url
    page.goto("/kiosk/staff/")
    page.get_by_label("Staff username").fill("fran")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in and take back").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Continue intake on tablet").click()
    page.wait_for_url("**/kiosk/section/visit_and_pain/")
    assert page.get_by_role("heading", name="Today's visit and any pain").is_visible()
    # The welcome page offers the same way back in.
    page.goto("/kiosk/")
    page.locator("#resume").click()
    page.wait_for_url("**/kiosk/section/visit_and_pain/")


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_every_target_on_the_kiosk_pages_is_at_least_24px(
    page, a_client, ruleset, consent_texts, size
):
    page.set_viewport_size(SIZES[size])
    hand_over(page, a_client)
    found = {"home": _small_targets(page)}
    page.get_by_role("link", name="Start").click()
    found["about_you"] = _small_targets(page)
    page.goto("/kiosk/section/visit_and_pain/")
    yes_no(page, "has_pain", True)
    page.locator("#q-pain_regions .map-figure svg").first.wait_for()
    found["visit_and_pain"] = _small_targets(page)
    for section in ("symptoms", "medications", "conditions_history", "preferences", "consent"):
        page.goto(f"/kiosk/section/{section}/")
        found[section] = _small_targets(page)
    page.goto("/kiosk/staff/")
    found["staff"] = _small_targets(page)
    screenshot(page, f"kiosk_take_back_{size}")
    assert {name: small for name, small in found.items() if small} == {}


def test_the_duplicate_warning_is_on_screen_with_a_link_to_the_record(page, front_desk, clinic):
    existing = ClientFactory(
        clinic=clinic, legal_name="Ana Lucia Torres", date_of_birth=date(1985, 4, 12)
    )
    log_in(page, "fran")
    page.goto("/clients/new/")
    page.get_by_label("Legal name").fill("Ana Lucia Torres")
    page.get_by_label("Date of birth").fill("1985-04-12")
    page.locator("#id_phone").fill("(617) 555-0101")
    page.get_by_role("button", name="Save client").click()
    warning = page.locator("#duplicate-warning")
    warning.wait_for()
    box = warning.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"]  # above the fold
    screenshot(page, "client_duplicate_warning")
    with page.context.expect_page() as opened:
        warning.get_by_role("link", name="Ana Lucia Torres").click()
    record = opened.value
    record.wait_for_load_state()
    assert record.url.endswith(f"/clients/{existing.public_id}/")
    assert record.get_by_role("heading", name="Ana Lucia Torres").first.is_visible()


def test_with_the_default_ten_minutes_the_warning_comes_a_minute_before_the_end(
    page, a_client, ruleset, settings
):
    assert settings.KIOSK_IDLE_SECONDS == 600
    page.clock.install()
    hand_over(page, a_client)
    dialog = page.locator("#kiosk-idle")
    page.clock.run_for("08:55")
    assert not dialog.is_visible()
    page.clock.run_for("00:10")
    dialog.wait_for(state="visible")
    assert 50 <= int(page.locator("#kiosk-idle-seconds").text_content()) <= 60
