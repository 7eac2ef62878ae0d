import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from intake.derived import age_on
from intake.models import Intake
from intake.services import (
    IntakeError,
    IntakeIncomplete,
    save_answers,
    start_intake,
    submit_intake,
)
from tests.factories import (
    ClientFactory,
    ConsentTextFactory,
    IntakeFactory,
    complete_answers,
    drawn_submission,
    signature_data_url,
)

pytestmark = pytest.mark.django_db


def _submit(intake, token=None, signature=None):
    return submit_intake(intake_id=intake.pk, **drawn_submission(token=token, signature=signature))


def test_first_intake_is_a_full_history_in_the_clients_language(a_client, front_desk):
    a_client.preferred_language = "es"
    a_client.save()
    intake = start_intake(client=a_client, started_by=front_desk)
    assert intake.kind == Intake.Kind.FULL
    assert intake.language == "es"
    assert intake.kiosk_token
    assert len(intake.kiosk_token) >= 40


def test_starting_again_resumes_the_draft_with_a_new_token(a_client, front_desk):
    first = start_intake(client=a_client, started_by=front_desk)
    old_token = first.kiosk_token
    again = start_intake(client=a_client, started_by=front_desk)
    assert again.pk == first.pk
    assert again.kiosk_token != old_token


def test_returning_client_gets_an_update_prefilled_except_today(a_client, front_desk):
    last = IntakeFactory(
        clinic=a_client.clinic,
        client=a_client,
        submitted=True,
        answers=complete_answers(medications=["anticoagulant"], has_pain=False),
    )
    intake = start_intake(client=a_client, started_by=front_desk)
    assert intake.kind == Intake.Kind.UPDATE
    assert intake.previous == last
    assert intake.answers["medications"] == ["anticoagulant"]
    assert "has_pain" not in intake.answers  # today's questions are asked afresh
    assert "consent_accurate" not in intake.answers


def test_intake_older_than_the_renewal_period_is_renewed_in_full(a_client, front_desk):
    IntakeFactory(
        clinic=a_client.clinic,
        client=a_client,
        submitted=True,
        submitted_at=timezone.now() - timedelta(days=400),
    )
    intake = start_intake(client=a_client, started_by=front_desk)
    assert intake.kind == Intake.Kind.FULL
    # Nothing carried over: only what the record itself says (intake.derived).
    assert intake.answers == {
        "age": age_on(a_client.date_of_birth, timezone.localdate()),
        "first_visit": False,
    }


def test_archived_client_cannot_start(a_client, front_desk):
    a_client.archived_at = timezone.now()
    a_client.save()
    with pytest.raises(IntakeError) as caught:
        start_intake(client=a_client, started_by=front_desk)
    assert caught.value.code == "client_archived"


def test_saving_keeps_valid_answers_and_reports_the_rest(clinic):
    intake = IntakeFactory(clinic=clinic)
    evaluation = save_answers(intake_id=intake.pk, raw={"age": 400, "first_visit": True})
    intake.refresh_from_db()
    assert intake.answers == {"first_visit": True}
    assert evaluation.errors["age"].code == "out_of_range"


def test_incomplete_intake_is_refused_with_every_missing_answer(clinic):
    intake = IntakeFactory(clinic=clinic, answers={"age": 30})
    with pytest.raises(IntakeIncomplete) as caught:
        _submit(intake)
    assert {"first_visit", "pregnant", "consent_accurate"} <= set(caught.value.evaluation.errors)


def test_unsigned_intake_is_refused(clinic):
    intake = IntakeFactory(clinic=clinic, answers=complete_answers())
    with pytest.raises(IntakeError) as caught:
        _submit(intake, signature=signature_data_url(inked=False))
    assert caught.value.code == "empty_signature"


def test_submitted_intake_cannot_be_changed_by_the_service(clinic):
    intake = IntakeFactory(clinic=clinic, submitted=True)
    with pytest.raises(IntakeError) as caught:
        save_answers(intake_id=intake.pk, raw={"age": 50})
    assert caught.value.code == "intake_locked"


def test_submitted_intake_cannot_be_changed_in_the_database(clinic):
    intake = IntakeFactory(clinic=clinic, submitted=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Intake.objects.filter(pk=intake.pk).update(answers={"age": 99})


def test_one_draft_per_client(clinic):
    client = ClientFactory(clinic=clinic)
    IntakeFactory(clinic=clinic, client=client)
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeFactory(clinic=clinic, client=client)


def test_a_correction_is_a_new_version_linked_to_the_old(a_client, front_desk):
    old = IntakeFactory(clinic=a_client.clinic, client=a_client, submitted=True)
    new = start_intake(client=a_client, started_by=front_desk)
    assert new.previous == old
    old.refresh_from_db()
    assert old.is_submitted


def _submit_typed(intake, name="María José Núñez", confirmed=True, signature=""):
    return submit_intake(
        intake_id=intake.pk,
        submission_token=uuid.uuid4(),
        signature_data_url=signature,
        typed_name=name,
        typed_name_confirmed=confirmed,
        consent_id=ConsentTextFactory().pk,
    )


def test_a_drawn_signature_is_recorded_as_drawn(clinic):
    intake = IntakeFactory(clinic=clinic, answers=complete_answers())
    _submit(intake)
    intake.refresh_from_db()
    assert intake.signature_method == Intake.SignatureMethod.DRAWN
    assert intake.signature_typed_name == ""


@pytest.mark.parametrize(
    ("name", "confirmed", "signature", "codes"),
    [
        ("Maria Lopez", False, "", ("typed_name_not_confirmed",)),
        ("M", True, "", ("typed_name_too_short",)),
        ("", False, "", ("missing_signature",)),
        ("Maria Lopez", True, signature_data_url(), ("signature_both",)),
    ],
)
def test_a_typed_signature_that_is_not_one_is_refused(clinic, name, confirmed, signature, codes):
    intake = IntakeFactory(clinic=clinic, answers=complete_answers())
    with pytest.raises(IntakeError) as caught:
        _submit_typed(intake, name=name, confirmed=confirmed, signature=signature)
    assert caught.value.codes == codes
    intake.refresh_from_db()
    assert intake.is_draft


@pytest.mark.parametrize(
    "signature",
    [
        {"signature_method": "typed", "signature_typed_name": ""},
        {"signature_method": "typed", "signature_typed_name": "Ana", "signature_png": b"\x89PNG"},
        {"signature_method": "drawn", "signature_png": None},
        {"signature_method": "", "signature_png": b"\x89PNG"},
    ],
)
def test_the_database_refuses_a_submitted_intake_without_exactly_one_signature(clinic, signature):
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeFactory(clinic=clinic, submitted=True, **signature)


def test_the_database_accepts_a_submitted_intake_signed_by_typing(clinic):
    intake = IntakeFactory(clinic=clinic, typed_signature=True)
    assert (intake.signature_method, intake.signature_png) == ("typed", None)
    assert intake.pk
