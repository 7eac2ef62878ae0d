"""Demo review records: screenings with a plan, a referral, an override with its reason and a
physician clearance. Called by seed_demo; safe to run on an empty clinic with the rule set loaded.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clients.models import Client
from contraindications.engine import Decision
from demo.answers import demo_answers
from demo.builders import submitted_intake
from review.services import (
    check_plan_for,
    parse_plan,
    record_clearance,
    record_referral_decision,
    save_plan,
)

DEMO_CLIENTS = [
    (
        "Robert Chen",
        demo_answers(
            back_pain=True, age=58, blood_in_urine=True, flank_pain=True,
            pain_regions=["flank_right"], pain_feel="deep_dull_constant",
        ),
    ),
    ("Lucia Moreno", demo_answers(pregnant=True, age=31, pregnancy_weeks=24)),
    (
        "Grace Okafor",
        demo_answers(pregnant=True, age=36, pregnancy_weeks=22, pregnancy_high_risk=True),
    ),
    ("Tom Becker", demo_answers(age=44, bruises=True, bruise_regions=["thigh_left"])),
]  # fmt: skip


DEMO_PHYSICIAN = "Dr. Rebecca Lang, Harbor Family Practice"


def refer_today(
    screening,
    therapist,
    *,
    method,
    referred_to=DEMO_PHYSICIAN,
    request_text="Please assess the visible haematuria today.",
):
    """The therapist refers the client today for the screening's urgent findings (through
    the service, as the referral form would)."""
    return record_referral_decision(
        screening=screening,
        rule_ids=[
            f.rule_id for f in screening.outcome.findings if f.decision is Decision.REFER_URGENT
        ],
        action="referred",
        referred_to=referred_to,
        method=method,
        urgency="today",
        request_text=request_text,
        decided_by=therapist,
    )


def screened_client(clinic, name, answers, therapist):
    client, _ = Client.objects.get_or_create(
        clinic=clinic,
        legal_name=name,
        defaults={
            "date_of_birth": timezone.localdate() - timedelta(days=365 * answers["age"]),
            "phone": "+16175550199",
            "physician_name": "Dr. Rebecca Lang",
            "physician_practice": "Harbor Family Practice",
            "physician_fax": "+16175550143",
        },
    )
    intake = submitted_intake(
        client=client, answers=answers, started_by=therapist, screened_by=therapist
    )
    return intake.screenings.get()


@transaction.atomic
def seed_demo_reviews(clinic, therapist) -> dict:
    """Returns the screenings it made, by client name (none when already seeded)."""
    if Client.objects.filter(clinic=clinic, legal_name=DEMO_CLIENTS[0][0]).exists():
        return {}
    screenings = {
        name: screened_client(clinic, name, answers, therapist) for name, answers in DEMO_CLIENTS
    }
    refer_today(screenings["Robert Chen"], therapist, method="phone")
    pregnant = screenings["Lucia Moreno"]
    wanted = parse_plan(
        {"modalities": ["deep_tissue"], "position": "prone", "acupoints": ["sanyinjiao"],
         "regions": ["upper_back", "neck", "abdomen"], "pressure": 4}
    )  # fmt: skip
    # The nearest plan keeps moderate pressure and goes light over the belly only.
    nearest = check_plan_for(screening=pregnant, plan=wanted).nearest_plan
    assert nearest is not None  # pregnancy modifies the session; it does not stop it
    save_plan(
        screening=pregnant,
        plan=nearest,
        created_by=therapist,
    )
    bruised = screenings["Tom Becker"]
    save_plan(
        screening=bruised,
        plan=parse_plan({"modalities": ["swedish"], "regions": ["thigh_left"], "pressure": 1}),
        created_by=therapist,
        override_reason="Old, fading bruise; client asked for light lymphatic strokes only there.",
    )
    high_risk = screenings["Grace Okafor"]
    today = timezone.localdate()
    cleared = record_clearance(
        screening=high_risk,
        physician_name="Dr. Ada Obi (obstetrician)",
        cleared_on=today,
        expires_on=today + timedelta(days=28),
        rule_ids=["PREGNANCY-HIGH-RISK"],
        recorded_by=therapist,
        notes="Letter on file: gentle side-lying massage is fine until 36 weeks.",
    )
    screenings["Grace Okafor (cleared)"] = cleared.screening
    return screenings
