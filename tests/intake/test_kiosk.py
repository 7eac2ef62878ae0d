"""The tablet in the client's hands: one intake, nothing else, and gone when idle."""

import json
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.derived import age_on
from intake.kiosk import SESSION_KEY
from intake.models import Intake
from tests.conftest import PASSWORD
from tests.factories import ClientFactory, IntakeFactory, complete_answers, signature_data_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def tablet(client, front_desk, a_client):
    """A browser that front desk handed over for Maria's intake."""
    client.force_login(front_desk)
    response = client.post(reverse("intake:hand_over", args=[a_client.public_id]))
    assert response.url == reverse("kiosk:home")
    return client


def _intake(a_client):
    return Intake.objects.get(client=a_client)


def test_hand_over_logs_the_staff_member_out(tablet):
    assert "_auth_user_id" not in tablet.session
    assert tablet.session[SESSION_KEY]["token"]


def test_kiosk_url_carries_no_name_or_token(tablet, a_client):
    response = tablet.get(reverse("kiosk:home"))
    assert response.status_code == 200
    url = reverse("kiosk:section", args=["about_you"])
    assert "Maria" not in url
    assert _intake(a_client).kiosk_token not in url


@pytest.mark.parametrize(
    "path", ["/clients/", "/intake/today/", "/admin/", "/accounts/password/", "/nowhere/"]
)
def test_staff_pages_lead_back_to_the_intake(tablet, path):
    response = tablet.get(path)
    assert response.status_code == 302
    assert response.url == reverse("kiosk:home")


def test_another_clients_page_leads_back_to_the_intake(tablet, clinic):
    other = ClientFactory(clinic=clinic)
    response = tablet.get(reverse("visits:client", args=[other.public_id]))
    assert response.url == reverse("kiosk:home")


def test_kiosk_pages_are_never_cached(tablet):
    response = tablet.get(reverse("kiosk:section", args=["about_you"]))
    assert "no-store" in response["Cache-Control"]


def test_idle_tablet_ends_the_session(tablet, settings):
    session = tablet.session
    session[SESSION_KEY]["seen"] = time.time() - settings.KIOSK_IDLE_SECONDS - 1
    session.save()
    response = tablet.get(reverse("kiosk:section", args=["about_you"]))
    assert response.url == reverse("kiosk:ended")
    assert SESSION_KEY not in tablet.session
    assert tablet.get("/clients/").url.startswith(reverse("accounts:login"))


def _known(a_client):
    # Not asked: the age from the date of birth, the first visit from the record
    # (intake.derived); a posted value for either is ignored.
    return {"age": age_on(a_client.date_of_birth, timezone.localdate()), "first_visit": True}


def test_section_post_saves_and_moves_on(tablet, a_client):
    response = tablet.post(
        reverse("kiosk:section", args=["about_you"]),
        {"age": "35", "first_visit": "no", "main_goal": "relaxation", "go": "next"},
    )
    assert response.url == reverse("kiosk:section", args=["visit_and_pain"])
    assert _intake(a_client).answers == {**_known(a_client), "main_goal": "relaxation"}


def test_errors_are_shown_next_to_their_fields(tablet):
    response = tablet.post(
        reverse("kiosk:section", args=["visit_and_pain"]),
        {"has_pain": "yes", "pain_level": "abc", "go": "next"},
    )
    html = response.content.decode()
    assert 'aria-describedby="range-pain_level err-pain_level"' in html
    assert 'id="err-pain_level">Please enter a whole number' in html
    assert 'id="err-recent_injury">Please choose an answer.' in html


def test_autosave_stores_answers(tablet, a_client):
    response = tablet.post(
        reverse("kiosk:save"),
        json.dumps({"answers": {"age": "52", "medications": ["anticoagulant"]}}),
        content_type="application/json",
    )
    assert response.json() == {"saved": True, "errors": {}}
    assert _intake(a_client).answers == {**_known(a_client), "medications": ["anticoagulant"]}


@pytest.mark.parametrize("closed", [{"status": Intake.Status.CANCELLED}, {"kiosk_token": None}])
@pytest.mark.parametrize(
    "body", ['{"answers": {"medications": ["anticoagulant"]}}', "not json", "{" * 70_000]
)
def test_autosave_to_a_closed_form_is_a_409_whatever_the_body(tablet, a_client, closed, body):
    """A draft cancelled, or taken off this tablet at the desk: the tablet is told the form is
    closed (and stops resending), even when what it sent could not be read; nothing changes."""
    before = _intake(a_client).answers
    Intake.objects.filter(client=a_client).update(**closed)
    response = tablet.post(reverse("kiosk:save"), body, content_type="application/json")
    assert response.status_code == 409
    assert response.json() == {"error": "This form is closed."}
    assert _intake(a_client).answers == before


@pytest.mark.parametrize(
    "body", ["not json", "[]", '{"answers": 3}', '{"answers": {"age": {"$gt": 1}}}', "{" * 70_000]
)
def test_bad_autosave_is_a_400_or_ignored_never_a_500(tablet, body):
    response = tablet.post(reverse("kiosk:save"), body, content_type="application/json")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["error"]


def test_submit_ends_with_hand_back_and_no_way_back(tablet, a_client, ruleset):
    intake = _intake(a_client)
    intake.answers = complete_answers()
    intake.save()
    page = tablet.get(reverse("kiosk:section", args=["consent"]))
    token = page.context["submission_token"]
    consent = page.context["consent"].pk
    form = {
        "consent_accurate": "yes",
        "consent_tell_changes": "yes",
        "consent_not_medical": "yes",
        "consent": consent,
        "submission_token": token,
        "signature": signature_data_url(),
        "go": "submit",
    }
    response = tablet.post(reverse("kiosk:section", args=["consent"]), form)
    assert response.url == reverse("kiosk:done")
    done = tablet.get(reverse("kiosk:done"))
    assert "Please hand the tablet back" in done.content.decode()
    assert "refer" not in done.content.decode().lower()
    # Back, or re-sending the form: the intake is not reachable any more.
    assert tablet.get(reverse("kiosk:section", args=["about_you"])).url == reverse("kiosk:done")
    assert tablet.post(reverse("kiosk:section", args=["consent"]), form).url == reverse(
        "kiosk:done"
    )
    assert Intake.objects.filter(client=a_client).count() == 1


def test_staff_take_the_tablet_back_with_their_password(tablet, a_client, front_desk):
    response = tablet.post(reverse("kiosk:staff"), {"username": "fran", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in tablet.session
    response = tablet.post(reverse("kiosk:staff"), {"username": "fran", "password": PASSWORD})
    assert response.url == reverse("visits:client", args=[a_client.public_id])
    assert SESSION_KEY not in tablet.session
    assert tablet.get("/clients/").status_code == 200


def test_other_clinic_staff_cannot_take_it_back(tablet, other_clinic_staff):
    tablet.post(reverse("kiosk:staff"), {"username": "hal", "password": PASSWORD})
    assert "_auth_user_id" not in tablet.session


def test_spanish_client_sees_spanish(client, front_desk, clinic):
    maria = ClientFactory(clinic=clinic, preferred_language="es")
    client.force_login(front_desk)
    client.post(reverse("intake:hand_over", args=[maria.public_id]))
    html = client.get(reverse("kiosk:section", args=["about_you"])).content.decode()
    assert "(según su fecha de nacimiento)" in html
    assert "¿Qué le gustaría conseguir sobre todo con el masaje de hoy?" in html
    assert "Siguiente" in html


def test_language_can_be_switched_on_the_tablet(tablet, a_client):
    tablet.post(reverse("kiosk:language"), {"language": "es", "next": "/clients/"})
    assert _intake(a_client).language == "es"
    assert "Empezar" in tablet.get(reverse("kiosk:home")).content.decode()


def test_unauthenticated_browser_cannot_reach_an_intake(client, clinic):
    IntakeFactory(clinic=clinic)
    response = client.get(reverse("kiosk:section", args=["about_you"]))
    assert response.url == reverse("kiosk:ended")


def _consent_form(tablet, a_client, **fields):
    intake = _intake(a_client)
    intake.answers = complete_answers()
    intake.save()
    page = tablet.get(reverse("kiosk:section", args=["consent"]))
    return {
        "consent_accurate": "yes",
        "consent_tell_changes": "yes",
        "consent_not_medical": "yes",
        "consent": page.context["consent"].pk,
        "submission_token": page.context["submission_token"],
        "signature_mode": "typed",
        "go": "submit",
        **fields,
    }


def test_without_javascript_the_typed_signature_is_there(tablet, a_client):
    _consent_form(tablet, a_client)
    html = tablet.get(reverse("kiosk:section", args=["consent"])).content.decode()
    assert re.search(r'<div class="signature-drawn" id="signature-drawn" hidden>', html)
    assert re.search(r'<div class="signature-typed" id="signature-typed">', html)
    assert '<label class="question-text form-label" for="signature-typed-name">' in html
    assert '<label class="form-check-label" for="signature-typed-confirm">' in html


def test_a_typed_signature_submits(tablet, a_client, ruleset):
    form = _consent_form(
        tablet, a_client, signature_typed_name="Maria Lopez", signature_typed_confirm="yes"
    )
    response = tablet.post(reverse("kiosk:section", args=["consent"]), form)
    assert response.url == reverse("kiosk:done")
    intake = _intake(a_client)
    assert intake.is_submitted
    assert intake.signature_method == "typed"
    assert intake.signature_typed_name == "Maria Lopez"


@pytest.mark.parametrize(
    ("language", "name_error", "tick_error"),
    [
        (
            "en",
            "Please use only letters, spaces, hyphens (-), apostrophes (’) and periods (.).",
            "Please tick the box to confirm that your typed name is your signature.",
        ),
        (
            "es",
            "Use solo letras, espacios, guiones (-), apóstrofos (’) y puntos (.).",
            "Marque la casilla para confirmar que su nombre escrito es su firma.",
        ),
    ],
)
def test_typed_signature_errors_are_next_to_their_fields(
    tablet, a_client, language, name_error, tick_error
):
    tablet.post(reverse("kiosk:language"), {"language": language})
    form = _consent_form(tablet, a_client, signature_typed_name="Maria 2")
    response = tablet.post(reverse("kiosk:section", args=["consent"]), form)
    assert response.status_code == 200
    html = response.content.decode()
    name_input = re.search(r'<input [^>]*id="signature-typed-name"[^>]*>', html).group(0)
    assert 'value="Maria 2"' in name_input
    assert 'aria-invalid="true"' in name_input
    assert 'aria-describedby="signature-help signature-typed-name-error"' in name_input
    assert f'<div class="field-error" id="signature-typed-name-error">{name_error}</div>' in html
    tick = re.search(r'<input [^>]*id="signature-typed-confirm"[^>]*>', html).group(0)
    assert 'aria-describedby="signature-typed-confirm-error"' in tick
    assert f'id="signature-typed-confirm-error">{tick_error}</div>' in html
    # The summary at the top links to each field; the page reopens on the typed signature.
    assert f'<a href="#signature-typed-name">{name_error}</a>' in html
    assert f'<a href="#signature-typed-confirm">{tick_error}</a>' in html
    assert 'data-mode="typed"' in html
    assert _intake(a_client).is_draft


def test_a_drawn_signature_missing_is_pointed_out_at_the_box(tablet, a_client):
    form = _consent_form(tablet, a_client, signature_mode="drawn")
    html = tablet.post(reverse("kiosk:section", args=["consent"]), form).content.decode()
    assert (
        '<div class="field-error" id="signature-error">Please sign in the box with your finger.'
        in html
    )
    assert 'data-mode="drawn"' in html
