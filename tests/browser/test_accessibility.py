"""WCAG 2.2 AA by machine, in Chromium on every page of every role: axe-core
(axe-playwright-python) finds no serious or critical violation, and every control a finger can
reach is at least 24×24 CSS px (WCAG 2.2, 2.5.8) at the size the page is used at (a tablet; the
intake link on a phone).

The walk is driven by the access matrix (tests/security/test_access_matrix.py): every URL a
role may GET with a 200 is checked, so a new page is covered as soon as it has its matrix
entry. Kiosk sections, the pre-visit link pages, an enrolled tablet's pages, the two-factor
pages and the error pages are added below; the admin's pages are
tests/browser/test_admin_accessibility.py.
"""

import importlib
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from intake.flow import SECTION_TITLES
from tests.browser.conftest import TABLET
from tests.browser.test_kiosk import SMALL_TARGETS_JS
from tests.factories import ConsentTextFactory
from tests.previsit.helpers import last_code, send
from tests.security import test_access_matrix as matrix
from tests.security.test_access_matrix import MATRIX, ROLES, _as, _reverse
from tests.tablets.helpers import enrolled_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Files, not pages: a PDF, a CSV, JSON or an image has no markup to check.
NOT_HTML = {
    "health",
    "review:summary_pdf",
    "review:letter_pdf",
    "intake:signed_pdf",
    "tablet:poll",
    "oversight:decisions_csv",
    "oversight:report_pdf",
    "accounts:2fa_qr",
}
BLOCKING = {"serious", "critical"}
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE = Axe()
PHONE = {"width": 360, "height": 740}
# Staff pages, with the one exception of 2.5.8 they use, "inline": a link running in a
# paragraph or a list item's sentence. A body map that only shows (the screening, a signed note)
# is a picture, not a target; the plan's and the note's maps are measured like any control (their
# regions are at least 44 px: tests/browser/test_plan_map.py). The client's pages (kiosk, phone)
# get no exception at all.
INLINE_EXEMPT_JS = SMALL_TARGETS_JS.replace(
    "if (!el.getClientRects().length) continue;",
    "if (!el.getClientRects().length) continue;\n"
    "    if (el.tagName === 'A' && el.closest('p, .small, small, li:not(.nav-item), dd')"
    " && !el.classList.contains('btn')) continue;\n"
    "    if (el instanceof SVGElement && el.dataset.region"
    " && !el.closest('.body-map-interactive')) continue;",
)
world = matrix.world  # the access matrix's clinic, people and records


@pytest.fixture(autouse=True)
def consent_texts(transactional_db):
    seed = importlib.import_module("intake.migrations.0003_seed_consent")
    for language, (title, text) in seed.CONSENT_V1.items():
        ConsentTextFactory(language=language, title=title, text=text)


def pages_for(role, world):
    """(label, path) for every HTML page the role may open."""
    column = ROLES.index(role)
    paths = [
        (name, _reverse(name, world))
        for name, expected in MATRIX.items()
        if expected[column] == 200 and name not in NOT_HTML
    ]
    if role == "kiosk":
        paths += [
            (f"kiosk:section {section}", f"/kiosk/section/{section}/") for section in SECTION_TITLES
        ]
    if role == "anonymous":
        paths += [
            ("404", "/no-such-page/"),
            ("previsit:closed", _reverse("previsit:closed", world)),
        ]
    if role == "front_desk":
        paths += [("403", _reverse("review:today", world))]
    return paths


def blocking_violations(page):
    results = AXE.run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]}
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + " | ".join(node["html"][:160] for node in v["nodes"][:4])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def signed_in_context(browser, live_server, django_client, viewport=TABLET):
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="en-US")
    host = live_server.url.split("://", 1)[1].split(":")[0]
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "domain": host, "path": "/"}
            for name, morsel in django_client.cookies.items()
        ]
    )
    return context


def visit(page, label, path, targets_js):
    """Open one page: its status, then what axe and the 24 px check found on it."""
    response = page.goto(path)
    assert response is not None
    assert "text/html" in response.headers.get("content-type", ""), label
    small = [f"target under 24x24 px: {target}" for target in page.evaluate(targets_js)]
    return response.status, blocking_violations(page) + small


def check(page, pages, targets_js=INLINE_EXEMPT_JS):
    found, checked = {}, 0
    for label, path in pages:
        _status, findings = visit(page, label, path, targets_js)
        checked += 1
        if findings:
            found[f"{label} {path}"] = findings
    return found, checked


def report(found):
    return "\n".join(f"{page}: {v}" for page, vs in found.items() for v in vs)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_has_24_px_targets(browser, live_server, world, role):
    django_client = Client()
    _as(role, django_client, world)
    pages = pages_for(role, world)
    context = signed_in_context(browser, live_server, django_client)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        found, checked = check(
            page, pages, SMALL_TARGETS_JS if role == "kiosk" else INLINE_EXEMPT_JS
        )
    finally:
        context.close()
    assert checked == len(pages) >= 3
    assert found == {}, report(found)


def test_an_enrolled_tablets_pages_pass_axe_and_have_24_px_targets(browser, live_server, world):
    """The tablet waiting for the next client, its enrolment page, and "not enrolled"."""
    device, _tablet = enrolled_browser(world["client"].clinic, world["users"]["owner"])
    context = signed_in_context(browser, live_server, device)
    page = context.new_page()
    page.set_default_timeout(10_000)
    pages = [
        ("tablet:waiting", reverse("tablet:waiting")),
        ("tablet:enrol", reverse("tablet:enrol")),
    ]
    try:
        found, checked = check(page, pages, SMALL_TARGETS_JS)
        # Without the device cookie: the page a revoked or never-enrolled tablet shows.
        context.clear_cookies()
        more, n = check(
            page, [("tablet:not_enrolled", reverse("tablet:not_enrolled"))], SMALL_TARGETS_JS
        )
        found, checked = found | more, checked + n
    finally:
        context.close()
    assert checked == 3
    assert found == {}, report(found)


def test_the_login_error_and_lockout_pages_pass_axe_and_have_24_px_targets(
    browser, live_server, world
):
    context = signed_in_context(browser, live_server, Client())
    page = context.new_page()
    page.set_default_timeout(10_000)
    found, seen = {}, []
    try:
        page.goto(reverse("accounts:login"))
        for _ in range(5):  # the fifth failure locks the username (docs/SECURITY.md)
            page.get_by_label("Username").fill(world["users"]["front_desk"].username)
            page.get_by_label("Password").fill("not the password")
            with page.expect_navigation():
                page.get_by_role("button", name="Log in").click()
            seen.append(page.locator("h1").first.text_content().strip())
            findings = blocking_violations(page) + page.evaluate(INLINE_EXEMPT_JS)
            if findings:
                found[f"login attempt {len(seen)}: {seen[-1]}"] = findings
    finally:
        context.close()
    assert seen == ["Staff log in"] * 4 + ["Too many failed log-in attempts"]
    assert found == {}, report(found)


def test_the_two_factor_pages_pass_axe_and_have_24_px_targets(
    browser, live_server, world, settings
):
    """Set-up (a therapist without an authenticator yet) and verification (with one, before the
    code), each as it opens and after a wrong code."""
    settings.TWO_FACTOR_ROLES = ["Therapist", "Owner"]
    therapist = world["users"]["therapist"]
    django_client = Client()
    django_client.force_login(therapist)
    context = signed_in_context(browser, live_server, django_client)
    page = context.new_page()
    page.set_default_timeout(10_000)
    found, seen = {}, []

    def check_here(label):
        seen.append(urlsplit(page.url).path)
        findings = blocking_violations(page) + page.evaluate(INLINE_EXEMPT_JS)
        if findings:
            found[f"{label} {page.url}"] = findings

    def wrong_code(label):
        page.get_by_label("6-digit code from your authenticator app").fill("000000")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        assert page.get_by_text("That code is not right").is_visible()
        check_here(label)

    try:
        page.goto(reverse("review:today"))  # sent to set-up first
        check_here("2fa set-up")
        wrong_code("2fa set-up, wrong code")
        TOTPDevice.objects.filter(user=therapist).update(confirmed=True)
        page.goto(reverse("review:today"))  # now sent to enter a code
        check_here("2fa verify")
        wrong_code("2fa verify, wrong code")
    finally:
        context.close()
    setup, verify = reverse("accounts:2fa_setup"), reverse("accounts:2fa_verify")
    assert seen == [setup, setup, verify, verify]
    assert found == {}, report(found)


def test_a_phone_links_pages_pass_axe_and_have_24_px_targets(browser, live_server, world):
    """The pre-visit link on a phone: the identity check, the code, then the intake."""
    django_client = Client()
    client_record = world["client"]
    issued = send(client_record, by=world["users"]["front_desk"])
    django_client.get(f"/p/{issued.token}/")
    context = signed_in_context(browser, live_server, django_client, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        found, checked = check(page, [("previsit:verify", "/p/verify/")], SMALL_TARGETS_JS)
        django_client.post("/p/verify/", {"date_of_birth": client_record.date_of_birth.isoformat()})
        more, n = check(page, [("previsit:code", "/p/code/")], SMALL_TARGETS_JS)
        found, checked = found | more, checked + n
        assert django_client.post("/p/code/", {"code": last_code()}).status_code == 302
        more, n = check(
            page,
            [("kiosk:home", "/kiosk/"), ("kiosk:section", "/kiosk/section/about_you/")],
            SMALL_TARGETS_JS,
        )
        found, checked = found | more, checked + n
    finally:
        context.close()
    assert checked == 4
    assert found == {}, report(found)
