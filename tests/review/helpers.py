"""Screenings made the way the tablet leaves them, for review tests and browser tests."""

from demo.answers import BACK_PAIN_FOLLOW_UPS, PREGNANCY_FOLLOW_UPS
from demo.builders import submitted_intake
from intake.services import Release
from tests.factories import complete_answers

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
    intake = submitted_intake(
        client=client,
        answers=answers,
        screened_by=performed_by,
        release=Release(consent=True, physician=physician),
    )
    return intake.screenings.get()
