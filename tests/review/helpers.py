"""Screenings made the way the tablet leaves them, for review tests and browser tests."""

from django.utils import timezone

from contraindications.services import screen_intake
from intake.models import ConsentText
from tests.factories import IntakeFactory, complete_answers

# Complete intakes, as the tablet submits them: every visible required question answered.
KIDNEY_RED_FLAG = complete_answers(
    age=52,
    blood_in_urine=True,
    has_pain=True,
    pain_regions=["flank_right"],
    pain_level=6,
    pain_duration="under_1_week",
    back_or_flank_pain=True,
    flank_pain=True,
    pain_feel="sharp_stabbing",
    pain_with_movement="worse_with_movement",
    pain_worsening=False,
    night_pain=False,
    massage_not_helping=False,
    seen_doctor_about_pain=False,
)
PREGNANT_24_WEEKS = complete_answers(
    age=31,
    pregnant="yes",
    pregnancy_weeks=24,
    pregnancy_high_risk=False,
    pregnancy_swelling_headache=False,
    pregnancy_warning_signs=False,
)
HIGH_RISK_PREGNANCY = {**PREGNANT_24_WEEKS, "pregnancy_high_risk": True}


def _consent():
    # Transactional (browser) tests flush the consent rows the data migration seeds.
    consent = ConsentText.objects.filter(language="en").first()
    return consent or ConsentText.objects.create(
        version="test", language="en", title="Consent", text="I agree."
    )


def signed_intake(client, answers):
    """A submitted intake as the tablet leaves it: consent shown, signature kept."""
    return IntakeFactory(
        client=client,
        clinic=client.clinic,
        answers=answers,
        status="submitted",
        submitted_at=timezone.now(),
        kiosk_token=None,
        consent=_consent(),
        signature_png=b"\x89PNG signature",
        signature_method="drawn",
        signed_at=timezone.now(),
    )


def screened(client, answers, performed_by=None):
    intake = signed_intake(client, answers)
    return screen_intake(intake=intake, performed_by=performed_by)
