"""A client under 18 on the day of the visit signs with a parent or guardian; every client may
allow the clinic to write to their physician (docs/INTAKE.md)."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.builders import signature_data_url, submitted_intake
from intake import signed
from intake.models import Intake
from intake.services import IntakeError, is_minor
from tests.factories import ClientFactory, ConsentTextFactory, complete_answers

pytestmark = pytest.mark.django_db


def born_years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) + timedelta(days=days)


@pytest.fixture
def minor(clinic):
    return ClientFactory(
        clinic=clinic, legal_name="Leo Park", date_of_birth=born_years_ago(15),
        physician_name="Dr. Ruth Ames",
    )  # fmt: skip


@pytest.fixture
def consent(db):
    return ConsentTextFactory()


def test_seventeen_is_a_minor_and_eighteen_today_is_not(clinic):
    today = timezone.localdate()
    assert is_minor(born_years_ago(18, days=1), today)
    assert not is_minor(born_years_ago(18), today)


def test_a_minor_cannot_submit_without_the_guardian(minor, ruleset, consent):
    with pytest.raises(IntakeError) as refused:
        submitted_intake(client=minor, answers=complete_answers(age=15))
    assert set(refused.value.codes) == {
        "guardian_typed_name_missing",
        "guardian_relationship_missing",
        "guardian_signature_missing",
    }
    assert not Intake.objects.filter(client=minor, status="submitted").exists()


def test_a_guardian_name_without_a_signature_is_refused(minor, ruleset, consent):
    with pytest.raises(IntakeError) as refused:
        submitted_intake(
            client=minor, answers=complete_answers(age=15),
            guardian_name="Ana Park", guardian_relationship="parent",
        )  # fmt: skip
    assert refused.value.codes == ("guardian_signature_missing",)


def test_the_visit_day_decides_not_the_day_the_form_was_filled(minor, ruleset, consent):
    # Filled on the phone at 15, but the booked visit is after the 18th birthday: no guardian.
    minor.date_of_birth = born_years_ago(18, days=3)
    minor.save()
    intake = submitted_intake(
        client=minor, answers=complete_answers(),
        visit_date=timezone.localdate() + timedelta(days=5),
    )  # fmt: skip
    assert intake.is_submitted
    assert intake.guardian_name is None


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils is not installed")
def test_the_guardians_drawn_signature_is_in_the_signed_pdf(minor, ruleset, consent, tmp_path):
    intake = submitted_intake(
        client=minor,
        answers=complete_answers(age=15),
        guardian_name="Ana Park",
        guardian_relationship="parent",
        guardian_signature_data_url=signature_data_url(width=400, height=120),
    )
    assert intake.guardian_signature_method == "drawn"
    path = tmp_path / "signed.pdf"
    path.write_bytes(bytes(signed.produce(intake_id=intake.pk).pdf))
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    sizes = sorted((row.split()[3], row.split()[4]) for row in listing if row.split()[2] == "image")
    assert sizes == [("300", "100"), ("400", "120")]
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Parent or guardian: Ana Park (parent)" in text
    assert "under 18 on the day of the visit" in text


# ------------------------------------------------------------------ on the tablet


@pytest.fixture
def tablet_for(client, front_desk):
    def hand_over(person):
        client.force_login(front_desk)
        client.post(reverse("intake:hand_over", args=[person.public_id]))
        intake = Intake.objects.get(client=person, status="draft")
        intake.answers = complete_answers()
        intake.save()
        page = client.get(reverse("kiosk:section", args=["consent"]))
        form = {
            "consent_accurate": "yes",
            "consent_tell_changes": "yes",
            "consent_not_medical": "yes",
            "consent": page.context["consent"].pk,
            "submission_token": page.context["submission_token"],
            "signature_mode": "typed",
            "signature_typed_name": person.legal_name,
            "signature_typed_confirm": "yes",
            "go": "submit",
        }
        return page, form

    return hand_over


def _post(client, form):
    return client.post(reverse("kiosk:section", args=["consent"]), form)


def test_the_tablet_asks_a_minor_for_the_guardian_and_refuses_without(
    client, tablet_for, minor, ruleset, consent
):
    page, form = tablet_for(minor)
    html = page.content.decode()
    assert 'id="guardian-box"' in html
    assert '<label class="question-text form-label" for="guardian-name">' in html
    response = _post(client, form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please type the full name of the parent or guardian." in html
    assert "Please choose how you are related to the client." in html
    assert "The parent or guardian must sign" in html
    assert not Intake.objects.get(client=minor).is_submitted


def test_a_minor_submits_with_the_guardians_typed_signature(
    client, tablet_for, minor, ruleset, consent
):
    _page, form = tablet_for(minor)
    form |= {
        "guardian_name": "Ana  Park",
        "guardian_relationship": "legal_guardian",
        "guardian_signature_typed_confirm": "yes",
    }
    assert _post(client, form).url == reverse("kiosk:done")
    intake = Intake.objects.get(client=minor)
    assert intake.is_submitted
    assert (intake.guardian_name, intake.guardian_relationship) == ("Ana Park", "legal_guardian")
    assert (intake.guardian_signature_method, intake.guardian_signature_typed_name) == (
        "typed",
        "Ana Park",
    )
    assert intake.submitted_device.startswith("Clinic tablet · ")


def test_an_adult_sees_no_guardian_box_and_is_unaffected(
    client, tablet_for, a_client, ruleset, consent
):
    page, form = tablet_for(a_client)
    assert 'id="guardian-box"' not in page.content.decode()
    assert _post(client, form).url == reverse("kiosk:done")
    intake = Intake.objects.get(client=a_client)
    assert intake.is_submitted
    assert intake.guardian_signature_method is None


def test_release_consent_ticked_is_saved_with_the_physician(
    client, tablet_for, a_client, ruleset, consent
):
    a_client.physician_name = "Dr. Ruth Ames"
    a_client.save()
    page, form = tablet_for(a_client)
    # The physician on the client's record is offered; the client may correct it.
    assert 'value="Dr. Ruth Ames"' in page.content.decode()
    form |= {"release_consent": "yes", "release_physician": "Dr. Ruth  Ames-Lee"}
    assert _post(client, form).url == reverse("kiosk:done")
    intake = Intake.objects.get(client=a_client)
    assert (intake.release_consent, intake.release_physician) == (True, "Dr. Ruth Ames-Lee")


def test_release_left_unticked_is_saved_as_no(client, tablet_for, a_client, ruleset, consent):
    _page, form = tablet_for(a_client)
    form |= {"release_physician": "Dr. Ruth Ames"}
    assert _post(client, form).url == reverse("kiosk:done")
    intake = Intake.objects.get(client=a_client)
    assert (intake.release_consent, intake.release_physician) == (False, None)


def test_release_ticked_without_a_name_is_pointed_out(
    client, tablet_for, a_client, ruleset, consent
):
    _page, form = tablet_for(a_client)
    form |= {"release_consent": "yes", "release_physician": "  "}
    response = _post(client, form)
    assert response.status_code == 200
    assert "Please type the name of your physician, or untick the box." in response.content.decode()
    assert not Intake.objects.get(client=a_client).is_submitted


def test_on_an_intake_link_the_booked_visit_day_counts(rf, clinic):
    from intake.kiosk import SESSION_KEY
    from tests.factories import PrevisitLinkFactory
    from visits.kiosk_views import _visit_day

    link = PrevisitLinkFactory(intake__clinic=clinic, visit_at=timezone.now() + timedelta(days=9))
    request = rf.get("/")
    request.session = {SESSION_KEY: {"remote": link.pk}}
    assert _visit_day(request) == timezone.localdate(link.visit_at)
    request.session = {SESSION_KEY: {"remote": None}}
    assert _visit_day(request) == timezone.localdate()
