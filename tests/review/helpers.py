"""Screenings made the way the tablet leaves them, for review tests and browser tests."""

import uuid

from demo.answers import BACK_PAIN_FOLLOW_UPS, PREGNANCY_FOLLOW_UPS
from demo.builders import _consent, signature_data_url, submitted_intake
from intake.models import Intake
from intake.services import save_answers, start_intake
from tests.factories import complete_answers
from visits.services import submit_and_screen

# Complete intakes, as the tablet submits them: every visible required question answered.
KIDNEY_RED_FLAG = {
    **complete_answers(**BACK_PAIN_FOLLOW_UPS),
    "age": 52,
    "blood_in_urine": True,
    "pain_regions": ["flank_right"],
    "pain_level": 6,
    "flank_pain": True,
}
PREGNANT_24_WEEKS = complete_answers(**PREGNANCY_FOLLOW_UPS, age=31, pregnancy_weeks=24)
HIGH_RISK_PREGNANCY = {**PREGNANT_24_WEEKS, "pregnancy_high_risk": True}


def signed_intake(client, answers, screened_by=None):
    """A submitted intake as the tablet leaves it (demo.builders.submitted_intake), screened."""
    return submitted_intake(client=client, answers=answers, screened_by=screened_by)


def screened(client, answers, performed_by=None):
    return signed_intake(client, answers, screened_by=performed_by).screenings.get()


def screened_with_release(client, answers, performed_by=None, physician=""):
    """As `screened`, with the release-of-information consent given on the intake (a letter may
    name the client to their physician; `physician` is whom they named, if anyone)."""
    intake = start_intake(client=client, started_by=None)
    save_answers(intake_id=intake.pk, raw=answers)
    intake = Intake.objects.get(pk=intake.pk)
    intake.release_consent = True
    intake.release_physician = physician or None
    intake.save()
    return submit_and_screen(
        performed_by=performed_by,
        intake_id=intake.pk,
        submission_token=uuid.uuid4(),
        signature_data_url=signature_data_url(),
        consent_id=_consent(intake.language).pk,
    ).intake.screenings.get()
