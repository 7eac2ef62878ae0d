"""Text that can be read: chart labels at least 12 px on screen at every width, and pages that
still fit their width with the text enlarged to 200% (WCAG 1.4.4; no sideways scrolling of
the page, only of a chart or wide table inside its own box)."""

import pytest
from django.test import Client

from tests.browser.test_accessibility import PHONE, signed_in_context
from tests.oversight.conftest import decisions, second_therapist  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}
SMALLEST_CHART_TEXT = """() => Math.min(
  ...[...document.querySelectorAll('svg.oversight-chart text')].map(
    t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def opened(browser, live_server, user, viewport):
    http = Client()
    http.force_login(user)
    context = signed_in_context(browser, live_server, http, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.mark.usefixtures("decisions")
@pytest.mark.parametrize("viewport", [DESKTOP, TABLET, PHONE], ids=["desktop", "tablet", "phone"])
def test_chart_text_is_at_least_12_px_on_screen(browser, live_server, owner, viewport):
    context, page = opened(browser, live_server, owner, viewport)
    try:
        page.goto("/oversight/")
        assert page.locator("svg.oversight-chart text").count() >= 6
        assert page.evaluate(SMALLEST_CHART_TEXT) >= 12
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    ["/oversight/", "/oversight/decisions/", "/oversight/trail/", "/clients/", "/intake/today/",
     "/review/", "/accounts/password/"],
)  # fmt: skip
@pytest.mark.usefixtures("decisions")
def test_pages_fit_their_width_with_text_at_200_percent(browser, live_server, owner, path):
    context, page = opened(browser, live_server, owner, DESKTOP)
    try:
        page.goto(path)
        assert page.evaluate(OVERFLOW) <= 0
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 32
        assert page.evaluate(OVERFLOW) <= 0, f"{path} scrolls sideways at 200% text"
    finally:
        context.close()
