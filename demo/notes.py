"""Demo session notes and letters: the clinic's letterhead, the therapist's credentials, a
signed note with an addendum that the client's next screening shows, and a client who agreed
that a referral letter may name them to their physician. Called by seed_demo after
seed_demo_reviews; does nothing the second time."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Clinic, User
from clients.models import Client
from demo.answers import demo_answers
from demo.builders import submitted_intake
from demo.review import refer_today
from intake.services import Release
from review.models import Screening, SessionNote
from review.notes import add_addendum, sign_note

LETTERHEAD = {
    "address": "48 Riverside Drive\nSpringfield, ON K1A 0B1",
    "phone": "+1 613 555 0147",
    "email": "letters@riverside-demo.example",
}
CREDENTIALS = {"therapist": "RMT, licence 12345", "owner": "RMT, clinic director"}
LETTER_CLIENT = "Anna Novak"


def _screen_with_release(client, answers, therapist, physician: str) -> Screening:
    """A new intake on which the client agreed to the release of information, screened."""
    intake = submitted_intake(
        client=client,
        answers=answers,
        started_by=therapist,
        screened_by=therapist,
        release=Release(consent=True, physician=physician),
    )
    return intake.screenings.get()


@transaction.atomic
def seed_demo_notes(clinic: Clinic, therapist: User) -> SessionNote | None:
    for field, value in LETTERHEAD.items():
        if not getattr(clinic, field):
            setattr(clinic, field, value)
    clinic.save(update_fields=list(LETTERHEAD))
    for user in User.objects.filter(clinic=clinic, username__in=CREDENTIALS, credentials=""):
        user.credentials = CREDENTIALS[user.username]
        user.save(update_fields=["credentials"])
    therapist.refresh_from_db()
    if SessionNote.objects.filter(clinic=clinic).exists():
        return None
    first = (
        Screening.objects.filter(clinic=clinic, client__legal_name="Lucia Moreno")
        .order_by("created_at")
        .first()
    )
    if first is None:
        return None
    note = sign_note(
        screening=first,
        signed_by=therapist,
        subjective="Low back ache in the evenings, 24 weeks pregnant; sleeps on her left side.",
        objective="Tight lumbar paraspinals and upper trapezius; no swelling of the legs.",
        assessment="Pregnancy-related postural strain; no warning signs.",
        plan="Side-lying sessions every two weeks; pillow between the knees at night.",
        regions=["upper_back", "neck", "lower_back_left", "lower_back_right"],
        pressure=3,
        client_response="Relaxed; said the back ache had eased when she got up.",
    )
    add_addendum(
        note=note,
        author=therapist,
        text="Client called the next day: slept through the night, no ache in the morning.",
    )
    # Her next visit: the new screening's page shows the note above.
    _screen_with_release(
        first.client,
        demo_answers(pregnant=True, age=31, pregnancy_weeks=26),
        therapist,
        physician="Dr. Rebecca Lang, Harbor Family Practice",
    )
    # A referral letter that can be printed or emailed: the client agreed on the intake.
    client, _ = Client.objects.get_or_create(
        clinic=clinic,
        legal_name=LETTER_CLIENT,
        defaults={
            "date_of_birth": timezone.localdate() - timedelta(days=365 * 61),
            "phone": "+16175550188",
            "physician_name": "Dr. Rebecca Lang",
            "physician_practice": "Harbor Family Practice",
            "physician_email": "dr.lang@harbor-practice.example",
        },
    )
    answers = demo_answers(
        back_pain=True, age=61, blood_in_urine=True, flank_pain=True,
        pain_regions=["flank_left"], pain_feel="deep_dull_constant",
    )  # fmt: skip
    referred = _screen_with_release(client, answers, therapist, physician="")
    refer_today(referred, therapist, method="letter")
    return note
