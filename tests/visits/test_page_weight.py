"""The kiosk and the link pages load only the JavaScript they use: their own scripts, not
Bootstrap's bundle nor the staff idle logout, and the body map's script only on a section that
asks where on the body."""

from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
BUNDLE = b"bootstrap.bundle.min.js"
# What Bootstrap's JavaScript drives; a kiosk or link page that used one would need the bundle.
BOOTSTRAP_WIDGETS = ("data-bs-toggle", "data-bs-dismiss", 'class="modal', "collapse", "dropdown")


@pytest.fixture
def tablet(client, front_desk, a_client):
    client.force_login(front_desk)
    client.post(reverse("intake:hand_over", args=[a_client.public_id]))
    return client


def test_a_kiosk_section_loads_its_own_scripts_only(tablet):
    home = tablet.get(reverse("kiosk:home"), follow=True)
    assert home.status_code == 200
    assert b"js/kiosk.js" in home.content
    assert BUNDLE not in home.content
    assert b"js/idle.js" not in home.content


@pytest.mark.parametrize(
    ("section", "has_map"),
    [
        ("about_you", False),
        ("visit_and_pain", True),  # "where is the pain?", hidden until the client says yes
        ("symptoms", False),
        ("medications", False),
        ("conditions_history", True),
        ("pregnancy", False),
        ("preferences", True),
        ("consent", False),
    ],
)
def test_a_kiosk_section_loads_the_body_map_script_only_with_a_body_map(tablet, section, has_map):
    page = tablet.get(reverse("kiosk:section", args=[section]))
    assert page.status_code == 200
    assert (b'class="body-map"' in page.content) is has_map
    assert (b"js/body-map.js" in page.content) is has_map
    assert (b"css/body-map.css" in page.content) is has_map
    assert b"js/intake.js" in page.content


def test_a_link_page_loads_no_bootstrap_bundle(client):
    page = client.get(reverse("previsit:closed"))
    assert page.status_code == 410  # "this link has closed", a whole page
    assert b"</html>" in page.content
    assert BUNDLE not in page.content


def test_staff_pages_keep_bootstrap_and_the_idle_logout(client, front_desk):
    client.force_login(front_desk)
    page = client.get(reverse("clients:list"))
    assert BUNDLE in page.content
    assert b"js/idle.js" in page.content


@pytest.mark.parametrize(
    "template",
    sorted(
        [
            *TEMPLATES.glob("visits/kiosk_*.html"),
            *TEMPLATES.glob("previsit/*.html"),
            *TEMPLATES.glob("jinja2/**/*.html"),  # the questions a kiosk section shows
            TEMPLATES / "intake" / "_language_switch.html",
        ],
        key=str,
    ),
    ids=lambda p: p.name,
)
def test_kiosk_and_link_templates_use_no_bootstrap_widget(template):
    text = template.read_text()
    assert not [w for w in BOOTSTRAP_WIDGETS if w in text]
