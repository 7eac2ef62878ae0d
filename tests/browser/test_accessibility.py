"""WCAG 2.2 AA by machine: axe-core (axe-playwright-python) in Chromium on every page of every
role, with no serious or critical violation.

The walk is driven by the access matrix (tests/security/test_access_matrix.py): every URL a
role may GET with a 200 is checked, so a new page is covered as soon as it has its matrix
entry. Kiosk sections, the pre-visit link pages and the error pages are added below.
"""

import importlib

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client

from intake.flow import SECTION_TITLES
from tests.browser.conftest import TABLET
from tests.factories import ConsentTextFactory
from tests.previsit.helpers import last_code, send
from tests.security import test_access_matrix as matrix
from tests.security.test_access_matrix import MATRIX, ROLES, _as, _reverse

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


def check(page, pages):
    found, checked = {}, 0
    for label, path in pages:
        response = page.goto(path)
        assert response is not None
        assert "text/html" in response.headers.get("content-type", ""), label
        checked += 1
        violations = blocking_violations(page)
        if violations:
            found[f"{label} {path}"] = violations
    return found, checked


def report(found):
    return "\n".join(f"{page}: {v}" for page, vs in found.items() for v in vs)


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_or_critical_violation_on_any_page(browser, live_server, world, role):
    django_client = Client()
    _as(role, django_client, world)
    pages = pages_for(role, world)
    context = signed_in_context(browser, live_server, django_client)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        found, checked = check(page, pages)
    finally:
        context.close()
    assert checked == len(pages) >= 3
    assert found == {}, report(found)


def test_no_serious_or_critical_violation_on_a_phone_link(browser, live_server, world):
    """The pre-visit link on a phone: the identity check, the code, then the intake."""
    django_client = Client()
    client_record = world["client"]
    issued = send(client_record, by=world["users"]["front_desk"])
    django_client.get(f"/p/{issued.token}/")
    context = signed_in_context(browser, live_server, django_client, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        found, checked = check(page, [("previsit:verify", "/p/verify/")])
        django_client.post("/p/verify/", {"date_of_birth": client_record.date_of_birth.isoformat()})
        more, n = check(page, [("previsit:code", "/p/code/")])
        found, checked = found | more, checked + n
        assert django_client.post("/p/code/", {"code": last_code()}).status_code == 302
        more, n = check(
            page, [("kiosk:home", "/kiosk/"), ("kiosk:section", "/kiosk/section/about_you/")]
        )
        found, checked = found | more, checked + n
    finally:
        context.close()
    assert checked == 4
    assert found == {}, report(found)
