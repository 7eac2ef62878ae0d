"""Where the signed intake is offered, what the device line keeps, and why the pregnancy
question is asked the way it is (docs/INTAKE.md)."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from demo.builders import submitted_intake
from intake.device import browser_summary, device_summary
from tests.conftest import login
from tests.factories import ClientFactory, ConsentTextFactory, complete_answers

ROOT = Path(__file__).resolve().parents[2]
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.6778.135 Safari/537.36"
)
IPAD_SAFARI = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_the_device_line_names_the_browser_in_a_few_words_only():
    assert browser_summary(ANDROID_CHROME) == "Chrome 131 on Android"
    assert browser_summary(IPAD_SAFARI) == "Safari 17 on iPad"
    assert browser_summary("") == "unknown browser"
    line = device_summary(remote=True, user_agent=ANDROID_CHROME)
    assert line == "Client's own phone or computer (intake link) · Chrome 131 on Android"
    assert "6778" not in line
    assert "SM-X710" not in line
    assert device_summary(remote=False, user_agent="x" * 5000).startswith("Clinic tablet · ")


@pytest.mark.django_db
def test_the_client_page_offers_the_signed_copy_to_clinical_staff_only(
    client, clinic, ruleset, front_desk, therapist
):
    ConsentTextFactory()
    person = ClientFactory(clinic=clinic, email="lea@example.org")
    intake = submitted_intake(client=person, answers=complete_answers())
    page = reverse("visits:client", args=[person.public_id])
    pdf_url = reverse("intake:signed_pdf", args=[intake.public_id])
    email_url = reverse("intake:email_signed_copy", args=[intake.public_id])
    login(client, therapist)
    html = client.get(page).content.decode()
    assert pdf_url in html
    assert email_url in html
    login(client, front_desk)
    html = client.get(page).content.decode()
    assert pdf_url not in html
    assert email_url not in html
    assert client.post(email_url).status_code == 403


@pytest.mark.django_db
def test_without_an_email_on_the_record_no_email_button(client, clinic, ruleset, therapist):
    ConsentTextFactory()
    person = ClientFactory(clinic=clinic, email="")
    intake = submitted_intake(client=person, answers=complete_answers())
    login(client, therapist)
    html = client.get(reverse("visits:client", args=[person.public_id])).content.decode()
    assert reverse("intake:signed_pdf", args=[intake.public_id]) in html
    assert reverse("intake:email_signed_copy", args=[intake.public_id]) not in html


@pytest.mark.django_db
def test_asking_for_the_emailed_copy_is_audited_with_the_address(
    client, clinic, ruleset, therapist
):
    ConsentTextFactory()
    intake = submitted_intake(
        client=ClientFactory(clinic=clinic, email="lea@example.org"), answers=complete_answers()
    )
    login(client, therapist)
    client.post(reverse("intake:email_signed_copy", args=[intake.public_id]))
    event = AuditEvent.objects.get(actor=therapist, detail="signed intake copy requested by email")
    assert event.ip_address


def _catalogue_questions():
    data = json.loads((ROOT / "fixtures/catalogue/intake_questions.json").read_text())
    return {q["id"]: q for q in data["questions"]}


def _ruleset_rules():
    data = json.loads((ROOT / "fixtures/rules/ruleset.json").read_text())
    return data["rules"] if isinstance(data, dict) else data


def test_the_pregnancy_question_is_asked_of_everyone_with_not_sure_and_does_not_apply():
    questions = _catalogue_questions()
    pregnant = questions["pregnant"]
    assert "show_if" not in pregnant  # nobody is skipped on a guess
    assert [c["id"] for c in pregnant["choices"]] == ["no", "yes", "not_sure"]
    assert pregnant["choices"][0]["label"]["en"] == "No, or this does not apply to me"
    shown_after = {
        q["id"]: q["show_if"]
        for q in questions.values()
        if q["section"] == "pregnancy" and q is not pregnant
    }
    assert shown_after == {
        "pregnancy_weeks": {"q": "pregnant", "eq": "yes"},
        "pregnancy_high_risk": {"q": "pregnant", "eq": "yes"},
        "pregnancy_warning_signs": {"q": "pregnant", "eq": "yes"},
        # The signs of pre-eclampsia matter before a pregnancy is known too.
        "pregnancy_swelling_headache": {"q": "pregnant", "in": ["yes", "not_sure"]},
    }


def test_not_sure_is_treated_with_the_caution_of_a_possible_pregnancy():
    cautious = [
        rule["id"]
        for rule in _ruleset_rules()
        if '"pregnant", "in": ["yes", "not_sure"]' in json.dumps(rule.get("when"))
    ]
    assert "PREGNANCY-DEEP-TISSUE" in cautious
    assert len(cautious) >= 3
