"""The therapist's plan map, for fingers: every area a target of at least 44x44 CSS px at tablet
and phone size (the kiosk's drawing and layout, static/img/body-map.svg and
static/css/body-map.css), labelled with the client's own sides, with Full body and Clear."""

import pytest

from contraindications.engine import REGIONS
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_accessibility import INLINE_EXEMPT_JS
from tests.browser.test_body_map import SIZES, small_map_areas
from tests.factories import ClientFactory
from tests.review.helpers import KIDNEY_RED_FLAG, PREGNANT_24_WEEKS, screened

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
VIEWS = ("front", "back")


def tap_area(page, code):
    """Tap `code` on the page's editable body map, first showing a view that draws it (on a
    narrow map one view shows at a time)."""
    holder = page.locator(".body-map-interactive")
    for view in VIEWS:
        shape = holder.locator(f".map-figure[data-view={view}] [data-region={code}]")
        if shape.count():
            toggle = holder.locator(f"[data-show-view={view}]")
            if toggle.is_visible():
                toggle.click()
            shape.click()
            return
    raise AssertionError(f"no area {code} on the map")


def _box(locator):
    locator.scroll_into_view_if_needed()
    return locator.bounding_box()


def _open_plan(page, clinic, answers=PREGNANT_24_WEEKS):
    screening = screened(ClientFactory(clinic=clinic), answers)
    log_in(page, "theo")
    page.goto(f"/review/screenings/{screening.public_id}/plan/")
    # The first check has come back: the page is as the therapist sees it.
    page.locator("#plan-check[data-ok]").wait_for()
    return page.locator(".plan-map .body-map")


@pytest.mark.parametrize("size", [*SIZES, "desktop"])
def test_every_plan_map_area_is_at_least_44px_square(page, therapist, clinic, ruleset, size):
    page.set_viewport_size(DESKTOP if size == "desktop" else SIZES[size])
    holder = _open_plan(page, clinic)
    small, drawn = small_map_areas(holder)
    assert drawn == set(REGIONS)
    assert small == []
    # The plan's column is too narrow for both views at full size on a tablet or a phone:
    # one shows at a time there, both on a desktop.
    shown = holder.locator(".map-figure:visible").count()
    assert shown == (2 if size == "desktop" else 1)
    # Every other control on the page is a target of at least 24x24.
    page.locator("#region-pressure summary").click()
    assert page.evaluate(INLINE_EXEMPT_JS) == []
    if shown == 1:
        holder.locator("[data-show-view=front]").click()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"plan_map_{size}")


@pytest.mark.parametrize("size", SIZES)
def test_every_session_note_map_area_is_at_least_44px_square(
    page, therapist, clinic, ruleset, size
):
    page.set_viewport_size(SIZES[size])
    screening = screened(ClientFactory(clinic=clinic), PREGNANT_24_WEEKS)
    log_in(page, "theo")
    page.goto(f"/review/screenings/{screening.public_id}/notes/new/")
    small, drawn = small_map_areas(page.locator("#note-form .body-map"))
    assert drawn == set(REGIONS)
    assert small == []


def test_sides_are_the_clients_own_in_both_views(page, therapist, clinic, ruleset):
    holder = _open_plan(page, clinic)
    for view, left_on_the_right in (("front", True), ("back", False)):
        holder.locator(f"[data-show-view={view}]").click()
        figure = holder.locator(f".map-figure[data-view={view}]")
        left_label = figure.locator(".side-label[data-side=left]")
        assert left_label.text_content() == "Client's left"
        right_label = figure.locator(".side-label[data-side=right]")
        assert right_label.text_content() == "Client's right"
        knee_left = _box(figure.locator("[data-region=knee_left]"))
        knee_right = _box(figure.locator("[data-region=knee_right]"))
        assert (knee_left["x"] > knee_right["x"]) is left_on_the_right
        assert (_box(left_label)["x"] > _box(right_label)["x"]) is left_on_the_right
    # From behind, the left kidney area is on the viewer's left and ticks the client's left.
    tap_area(page, "flank_left")
    assert page.locator("input[name=regions][value=flank_left]").is_checked()
    assert not page.locator("input[name=regions][value=flank_right]").is_checked()
    assert "planned" in (holder.locator("[data-region=flank_left]").get_attribute("class") or "")


def test_full_body_ticks_every_area_and_clear_none(page, therapist, clinic, ruleset):
    _open_plan(page, clinic)
    page.get_by_role("button", name="Full body").click()
    boxes = page.locator("input[name=regions]")
    assert boxes.count() == len(REGIONS)
    assert page.locator("input[name=regions]:checked").count() == len(REGIONS)
    # Both views paint every area as planned (44 shapes: sided areas twice, the rest once
    # per view that shows them).
    assert page.locator(".plan-map .region.planned").count() == 44
    # The check says at once what a full-body plan breaks for this client.
    page.locator("#plan-check .violation[data-item=abdomen]").wait_for()
    page.get_by_role("button", name="Clear").click()
    assert page.locator("input[name=regions]:checked").count() == 0
    assert page.locator(".plan-map .region.planned").count() == 0
    page.locator("#plan-check .plan-ok").wait_for()
    # Tapping the map after Clear plans that one area again.
    tap_area(page, "upper_back")
    assert page.locator("input[name=regions]:checked").count() == 1
    assert page.locator(".plan-map .region.planned").count() == 1


def test_the_view_not_shown_says_on_its_button_what_it_marks(page, therapist, clinic, ruleset):
    # On a tablet one view shows at a time: the kidney areas to avoid are on the back.
    holder = _open_plan(page, clinic, KIDNEY_RED_FLAG)
    back = holder.locator("[data-show-view=back]")
    assert " ".join(back.inner_text().split()) == "Back 2 to avoid · 2 lighter"
    assert " ".join(holder.locator("[data-show-view=front]").inner_text().split()) == "Front"
    assert holder.locator("[data-region=lumbar_spine][data-state=avoid]").is_hidden()
    back.click()
    assert back.get_attribute("aria-pressed") == "true"
    assert holder.locator("[data-region=lumbar_spine][data-state=avoid]").is_visible()
    assert holder.locator(".map-figure[data-view=front]").is_hidden()
