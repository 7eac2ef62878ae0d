"""The tablet's "Are you still there?" and picking up where the client stopped."""

import re
import time

import pytest
from django.urls import reverse

from intake.kiosk import SESSION_KEY
from intake.models import Intake
from tests.conftest import PASSWORD
from tests.factories import IntakeFactory

pytestmark = pytest.mark.django_db


def _hand_over(browser, staff, client_record):
    browser.force_login(staff)
    response = browser.post(reverse("intake:hand_over", args=[client_record.public_id]))
    assert response.url == reverse("kiosk:home")
    return browser


@pytest.fixture
def tablet(client, front_desk, a_client):
    return _hand_over(client, front_desk, a_client)


def _age_seen(tablet, seconds_ago):
    session = tablet.session
    session[SESSION_KEY]["seen"] = time.time() - seconds_ago
    session.save()


def _expires_in(html: str) -> int:
    return int(re.search(r'data-expires-in="(\d+)"', html).group(1))


# ---------------------------------------------------------------- idle warning


def test_the_page_counts_down_from_the_servers_clock(tablet, settings):
    # The idle clock is kept to the half minute, so the page is told what is really left.
    _age_seen(tablet, 20)
    html = tablet.get(reverse("kiosk:section", args=["about_you"])).content.decode()
    assert settings.KIOSK_IDLE_SECONDS - 22 <= _expires_in(html) <= settings.KIOSK_IDLE_SECONDS - 19
    assert 'id="kiosk-idle"' in html
    assert "Are you still there?" in html
    assert reverse("kiosk:still_here") in html


def test_continue_starts_the_idle_clock_again(tablet, settings):
    _age_seen(tablet, settings.KIOSK_IDLE_SECONDS - 20)
    response = tablet.post(reverse("kiosk:still_here"))
    assert response.status_code == 200
    assert response.json() == {"expires_in": settings.KIOSK_IDLE_SECONDS}
    assert time.time() - tablet.session[SESSION_KEY]["seen"] < 5
    # Past the moment the session would have ended without Continue, it is still open.
    _age_seen(tablet, settings.KIOSK_IDLE_SECONDS - 5)
    assert tablet.get(reverse("kiosk:section", args=["about_you"])).status_code == 200


def test_continue_cannot_revive_an_ended_session(tablet, settings):
    _age_seen(tablet, settings.KIOSK_IDLE_SECONDS + 1)
    response = tablet.post(reverse("kiosk:still_here"))
    assert response.url == reverse("kiosk:ended")
    assert SESSION_KEY not in tablet.session
    assert tablet.post(reverse("kiosk:still_here")).status_code == 409


def test_continue_is_only_for_an_open_intake(client, tablet, a_client):
    assert client.get(reverse("kiosk:still_here")).status_code == 405
    Intake.objects.filter(client=a_client).update(kiosk_token=None)  # closed at the desk
    assert tablet.post(reverse("kiosk:still_here")).status_code == 409


def test_no_warning_once_the_intake_is_sent(tablet):
    session = tablet.session
    session[SESSION_KEY]["done"] = True
    session.save()
    html = tablet.get(reverse("kiosk:done")).content.decode()
    assert "kiosk-idle" not in html
    assert "data-expires-in" not in html
    assert tablet.post(reverse("kiosk:still_here")).status_code == 409


def test_staff_cannot_use_continue_to_keep_their_session(client, front_desk):
    client.force_login(front_desk)
    assert client.post(reverse("kiosk:still_here")).status_code == 409


# ---------------------------------------------------------------- resume


def _answer_about_you(tablet):
    response = tablet.post(
        reverse("kiosk:section", args=["about_you"]),
        {"age": "35", "first_visit": "yes", "main_goal": "relaxation", "go": "next"},
    )
    assert response.url == reverse("kiosk:section", args=["visit_and_pain"])


def _take_back(tablet):
    response = tablet.post(reverse("kiosk:staff"), {"username": "fran", "password": PASSWORD})
    assert response.status_code == 302


def test_a_fresh_intake_starts_at_the_welcome_page(tablet):
    response = tablet.get(reverse("kiosk:home"))
    assert response.status_code == 200
    assert "Continue where you stopped" not in response.content.decode()


def test_continue_intake_on_tablet_opens_where_the_client_stopped(tablet, front_desk, a_client):
    _answer_about_you(tablet)
    _take_back(tablet)
    _hand_over(tablet, front_desk, a_client)
    response = tablet.get(reverse("kiosk:home"))
    assert response.url == reverse("kiosk:section", args=["visit_and_pain"])
    # Once: the welcome page is still there, offering the way back in.
    html = tablet.get(reverse("kiosk:home")).content.decode()
    assert "Continue where you stopped: Today&#x27;s visit and any pain" in html
    assert f'href="{reverse("kiosk:section", args=["visit_and_pain"])}" id="resume"' in html


def test_resume_skips_finished_sections_to_the_first_with_a_missing_answer(
    tablet, front_desk, a_client
):
    _answer_about_you(tablet)
    # A required answer left out on the first page brings the client back there.
    intake = Intake.objects.get(client=a_client)
    intake.answers = {k: v for k, v in intake.answers.items() if k != "age"}
    intake.save(update_fields=["answers"])
    _take_back(tablet)
    _hand_over(tablet, front_desk, a_client)
    assert tablet.get(reverse("kiosk:home")).url == reverse("kiosk:section", args=["about_you"])


def test_a_visit_update_resumes_only_after_the_changed_question(
    client, front_desk, clinic, a_client
):
    IntakeFactory(client=a_client, clinic=clinic, submitted=True)
    tablet = _hand_over(client, front_desk, a_client)
    assert Intake.objects.filter(client=a_client, status="draft").get().kind == "update"
    response = tablet.get(reverse("kiosk:home"))
    assert response.status_code == 200  # "has anything changed?" comes first
    tablet.post(reverse("kiosk:changed"), {"changed": "no"})
    _take_back(tablet)
    _hand_over(tablet, front_desk, a_client)
    assert tablet.get(reverse("kiosk:home")).url == reverse(
        "kiosk:section", args=["visit_and_pain"]
    )


# ---------------------------------------------------------------- take-back


def test_the_take_back_form_has_large_labelled_inputs(tablet):
    html = tablet.get(reverse("kiosk:staff")).content.decode()
    for field in ("username", "password"):
        assert f'<label class="form-label fw-semibold" for="id_{field}">' in html
        tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', html).group(0)
        assert "form-control form-control-lg" in tag


def test_the_map_list_and_the_warning_speak_spanish(client, front_desk, clinic):
    from tests.factories import ClientFactory

    maria = ClientFactory(clinic=clinic, preferred_language="es")
    tablet = _hand_over(client, front_desk, maria)
    html = tablet.get(reverse("kiosk:section", args=["visit_and_pain"])).content.decode()
    assert "¿Sigue ahí?" in html
    assert "Su lado izquierdo" in html
    assert "Su espalda" in html
    assert 'data-back="De espalda"' in html
    assert 'data-your-left="Su izquierda"' in html


def test_the_region_list_groups_every_area_by_the_clients_side(tablet):
    from contraindications.engine import REGIONS

    html = tablet.get(reverse("kiosk:section", args=["visit_and_pain"])).content.decode()
    group = r'<fieldset class="region-group"><legend[^>]*>([^<]+)</legend>(.*?)</fieldset>'
    groups = re.findall(group, html, re.S)
    assert [title for title, _ in groups[:4]] == [
        "Head and front of the body", "Your back", "Your left side", "Your right side"
    ]  # fmt: skip
    first_map = groups[:4]
    codes = [c for _, body in first_map for c in re.findall(r'value="([a-z_]+)"', body)]
    assert sorted(codes) == sorted(REGIONS)
    left = re.findall(r'value="([a-z_]+)"', first_map[2][1])
    assert len(left) == 8
    assert all(code.endswith("_left") for code in left)


def test_with_every_answer_given_the_tablet_resumes_at_the_signature(tablet, front_desk, a_client):
    from tests.factories import complete_answers

    Intake.objects.filter(client=a_client).update(answers=complete_answers())
    _take_back(tablet)
    _hand_over(tablet, front_desk, a_client)
    assert tablet.get(reverse("kiosk:home")).url == reverse("kiosk:section", args=["consent"])
