"""The screenshots in docs/SCREENSHOTS.md, captured by the browser so they show the app as it is.

Each role's main screens at desktop (1280×800), tablet (768×1024) and phone (360×740) widths,
with the same people and records every time. A normal run writes them to a temporary folder
and checks that each one rendered; `UPDATE_SCREENSHOTS=1` rewrites docs/screenshots/ (so a
test run never dirties the tree):

    UPDATE_SCREENSHOTS=1 pytest tests/browser/test_screenshots.py
"""

import importlib
import os
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.browser.test_accessibility import PHONE, signed_in_context
from tests.factories import ClientFactory, ConsentTextFactory
from tests.oversight.conftest import override, refer
from tests.review.helpers import KIDNEY_RED_FLAG, PREGNANT_24_WEEKS, screened

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "tablet": {"width": 768, "height": 1024},
    "phone": PHONE,
}
# Role, file name, page (a URL name and its arguments' key in the `clinic_day` fixture).
SCREENS = [
    ("front_desk", "front-desk-today", "visits:today", None),
    ("front_desk", "front-desk-client", "visits:client", "hannah"),
    ("kiosk", "kiosk-welcome", "kiosk:home", None),
    ("kiosk", "kiosk-questions", "kiosk:section", "about_you"),
    ("therapist", "therapist-screenings", "review:today", None),
    ("therapist", "therapist-screening", "review:screening", "screening"),
    ("owner", "owner-oversight", "oversight:dashboard", None),
    ("owner", "owner-audit-trail", "oversight:trail", None),
]


def _name(user, first, last):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def clinic_day(clinic, front_desk, therapist, owner, ruleset):
    seed = importlib.import_module("intake.migrations.0003_seed_consent")
    for language, (title, text) in seed.CONSENT_V1.items():
        ConsentTextFactory(language=language, title=title, text=text)
    _name(front_desk, "Fran", "Ortiz")
    _name(therapist, "Theo", "Hart")
    _name(owner, "Olivia", "Brooks")
    hannah = ClientFactory(
        clinic=clinic,
        legal_name="Hannah Whitfield",
        created_by=front_desk,
        email="hannah.whitfield@example.org",
        date_of_birth=date(1981, 4, 17),
    )
    robert = ClientFactory(clinic=clinic, legal_name="Robert Chen", created_by=front_desk)
    maya = ClientFactory(clinic=clinic, legal_name="Maya Patel", created_by=front_desk)
    screening = screened(hannah, KIDNEY_RED_FLAG, therapist)
    refer(screening, therapist)
    override(screened(robert, KIDNEY_RED_FLAG, therapist), therapist)
    screened(maya, PREGNANT_24_WEEKS, therapist)
    ClientFactory(clinic=clinic, legal_name="Lucía Torres", created_by=front_desk)
    http = Client()
    http.force_login(therapist)
    http.get(reverse("review:screening", args=[screening.public_id]))  # a read for the trail
    return {
        "users": {"front_desk": front_desk, "therapist": therapist, "owner": owner},
        "hannah": {"public_id": hannah.public_id},
        "screening": {"public_id": screening.public_id},
        "about_you": {"section": "about_you"},
        "kiosk_client": hannah,
    }


def _session(role, day):
    http = Client()
    if role == "kiosk":
        http.force_login(day["users"]["front_desk"])
        response = http.post(reverse("intake:hand_over", args=[day["kiosk_client"].public_id]))
        assert response.status_code == 302
    else:
        http.force_login(day["users"][role])
    return http


def _small_png(path: Path) -> None:
    # A 64-colour palette keeps a screen of text and flat colours to a few dozen kilobytes.
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=64).save(path, optimize=True)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_each_roles_main_screens(browser, live_server, clinic_day, viewport, tmp_path):
    folder = DOCS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    size = VIEWPORTS[viewport]
    for role in ("front_desk", "kiosk", "therapist", "owner"):
        context = signed_in_context(browser, live_server, _session(role, clinic_day), size)
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            for who, name, url_name, key in SCREENS:
                if who != role:
                    continue
                kwargs = clinic_day[key] if key else {}
                response = page.goto(reverse(url_name, kwargs=kwargs))
                assert response is not None
                assert response.status == 200, name
                page.locator("main h1").first.wait_for()
                # Nothing wider than the screen: a phone scrolls a table, never the whole page.
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{name} at {viewport} is {overflow} px too wide"
                path = folder / f"{name}-{viewport}.png"
                page.screenshot(path=str(path), animations="disabled")
                _small_png(path)
                with Image.open(path) as image:
                    assert image.size == (size["width"], size["height"])
                    # Not a blank page: a screen of text has many shades.
                    assert len(image.getcolors(256) or range(257)) > 8
                assert path.stat().st_size < 150_000, f"{path.name} is too large for the docs"
        finally:
            context.close()
    assert len(list(folder.glob(f"*-{viewport}.png"))) >= len(SCREENS)
