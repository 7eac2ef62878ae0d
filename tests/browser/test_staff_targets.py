"""Staff pages, in Chromium at tablet size: every control a finger can reach is at least 24×24
CSS px (WCAG 2.2, 2.5.8), except links inside a sentence, which the criterion exempts."""

import pytest

from tests.browser.test_accessibility import signed_in_context
from tests.browser.test_kiosk import SMALL_TARGETS_JS
from tests.browser.test_text_size import TABLET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Links running in a paragraph or a list item's sentence are "inline" targets (exempt).
INLINE_EXEMPT_JS = SMALL_TARGETS_JS.replace(
    "if (!el.getClientRects().length) continue;",
    "if (!el.getClientRects().length) continue;\n"
    "    if (el.tagName === 'A' && el.closest('p, .small, small, li:not(.nav-item), dd')"
    " && !el.classList.contains('btn')) continue;",
)


@pytest.mark.parametrize(
    "path", ["/intake/today/", "/clients/", "/review/", "/oversight/", "/oversight/decisions/",
             "/oversight/trail/", "/tablets/", "/accounts/password/"],
)  # fmt: skip
def test_staff_controls_are_at_least_24_px(browser, live_server, owner, path, client):
    client.force_login(owner)
    context = signed_in_context(browser, live_server, client, viewport=TABLET)
    page = context.new_page()
    try:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        assert page.evaluate(INLINE_EXEMPT_JS) == [], path
    finally:
        context.close()
