"""Targets for fingers on the tablet's body map, measured in Chromium at a tablet and a phone
size: every area is at least 44x44 CSS px, in the pictures and in the list under them."""

import pytest

from contraindications.engine import REGIONS
from tests.browser.conftest import screenshot
from tests.browser.test_intake import hand_over, yes_no

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"tablet": {"width": 768, "height": 1024}, "phone": {"width": 360, "height": 740}}
MIN_AREA_PX = 44


def _box(locator):
    locator.scroll_into_view_if_needed()
    return locator.bounding_box()


def small_map_areas(holder):
    """Areas of a body map (the kiosk's or an editable staff one) smaller than 44x44, showing
    each view in turn; and the regions drawn."""
    small, drawn = [], set()
    for view in ("front", "back"):
        toggle = holder.locator(f"[data-show-view={view}]")
        if toggle.is_visible():
            toggle.click()
        figure = holder.locator(f".map-figure[data-view={view}]")
        assert figure.is_visible()
        shapes = figure.locator("[data-region]")
        assert shapes.count() >= 14
        for index in range(shapes.count()):
            shape = shapes.nth(index)
            code = shape.get_attribute("data-region")
            drawn.add(code)
            box = _box(shape)
            if box["width"] < MIN_AREA_PX or box["height"] < MIN_AREA_PX:
                small.append((view, code, box))
    return small, drawn


def _open_pain_map(page, client):
    hand_over(page, client)
    page.goto("/kiosk/section/visit_and_pain/")
    yes_no(page, "has_pain", True)
    page.locator("#q-pain_regions .map-figure svg").first.wait_for()
    return page.locator("#q-pain_regions")


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_every_body_map_area_is_at_least_44px_square(page, a_client, ruleset, size):
    page.set_viewport_size(SIZES[size])
    question = _open_pain_map(page, a_client)
    small = []
    for code in REGIONS:
        box = _box(question.locator(f"label[for=f-pain_regions-{code}]"))
        if box["width"] < MIN_AREA_PX or box["height"] < MIN_AREA_PX:
            small.append(("list", code, box))
    in_views, drawn = small_map_areas(question)
    small += in_views
    screenshot(page, f"body_map_{size}")
    assert drawn == set(REGIONS)
    assert small == []
    # On a phone one view shows at a time; on the tablet both fit side by side.
    both = question.locator(".map-figure:visible").count()
    assert both == (2 if size == "tablet" else 1)


def test_tapping_the_kidney_area_on_a_phone_ticks_the_clients_own_side(page, a_client, ruleset):
    page.set_viewport_size(SIZES["phone"])
    question = _open_pain_map(page, a_client)
    question.locator("[data-show-view=back]").click()
    back = question.locator(".map-figure[data-view=back]")
    # From behind, the client's left is on the viewer's left, and the picture says so.
    left_label = back.locator(".side-label[data-side=left]")
    assert left_label.text_content() == "Your left"
    flank = back.locator("[data-region=flank_left]")
    assert _box(flank)["x"] < _box(back.locator("[data-region=flank_right]"))["x"]
    flank.click()
    assert page.is_checked("#f-pain_regions-flank_left")
    assert "selected" in (flank.get_attribute("class") or "")
    # The list under the map groups the areas by the client's own side.
    group = page.locator("#q-pain_regions .region-group", has_text="Your left side")
    assert group.locator("#f-pain_regions-knee_left").count() == 1
    assert group.locator("#f-pain_regions-knee_right").count() == 0
