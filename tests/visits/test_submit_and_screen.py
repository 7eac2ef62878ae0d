"""Submit then screen: the visit's orchestration (visits.services.submit_and_screen)."""

import uuid

import pytest

from intake.models import Intake
from review.models import Screening
from tests.factories import (
    ConsentTextFactory,
    IntakeFactory,
    complete_answers,
    drawn_submission,
)
from visits.services import submit_and_screen

pytestmark = pytest.mark.django_db


def _submit(intake, token=None, signature=None):
    return submit_and_screen(
        intake_id=intake.pk, **drawn_submission(token=token, signature=signature)
    )


def _submit_typed(intake, name="María José Núñez", confirmed=True, signature=""):
    return submit_and_screen(
        intake_id=intake.pk,
        submission_token=uuid.uuid4(),
        signature_data_url=signature,
        typed_name=name,
        typed_name_confirmed=confirmed,
        consent_id=ConsentTextFactory().pk,
    )


def test_submit_screens_at_once(clinic, ruleset):
    intake = IntakeFactory(clinic=clinic, answers=complete_answers(blood_in_urine=True))
    result = _submit(intake)
    intake.refresh_from_db()
    assert intake.status == Intake.Status.SUBMITTED
    assert intake.kiosk_token is None
    assert intake.signature_png.startswith(b"\x89PNG")
    assert intake.consent.version == "2026-1"
    screening = Screening.objects.get(intake=intake)
    assert screening.decision in ("refer", "refer_urgent")
    assert result.already is False


def test_a_second_submit_changes_nothing(clinic, ruleset):
    intake = IntakeFactory(clinic=clinic, answers=complete_answers())
    token = uuid.uuid4()
    _submit(intake, token)
    again = _submit(intake, token)
    assert again.already is True
    assert Screening.objects.filter(intake=intake).count() == 1
    assert Intake.objects.filter(client=intake.client).count() == 1


def test_submit_without_a_rule_set_keeps_the_intake(clinic):
    intake = IntakeFactory(clinic=clinic, answers=complete_answers())
    _submit(intake)
    intake.refresh_from_db()
    assert intake.is_submitted
    assert not Screening.objects.filter(intake=intake).exists()


def test_an_intake_signed_by_typing_a_name_is_submitted_and_screened(clinic, ruleset):
    intake = IntakeFactory(clinic=clinic, answers=complete_answers(blood_in_urine=True))
    result = _submit_typed(intake, name="  María José   Núñez ")
    intake.refresh_from_db()
    assert result.already is False
    assert intake.is_submitted
    assert intake.signed_at == intake.submitted_at
    assert intake.signature_method == Intake.SignatureMethod.TYPED
    assert intake.signature_typed_name == "María José Núñez"
    assert intake.signature_png is None
    assert Screening.objects.get(intake=intake).decision in ("refer", "refer_urgent")
    assert intake.history.latest().signature_typed_name == "María José Núñez"
