"""The demo shows a signed note with its addendum on the client's next screening, and a letter
that can be printed: letterhead, credentials and the client's release consent are seeded."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from review.models import NoteAddendum, Screening, SessionNote


@pytest.mark.django_db
def test_the_demo_has_a_note_on_the_next_screening_and_a_letter_that_prints(client, ruleset):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # a second run adds nothing
    note = SessionNote.objects.get()
    assert NoteAddendum.objects.filter(note=note).count() == 1
    therapist = User.objects.get(username="therapist")
    assert therapist.credentials
    client.force_login(therapist)
    latest = Screening.objects.filter(client=note.client).order_by("-created_at").first()
    assert latest != note.screening
    page = client.get(reverse("review:screening", args=[latest.public_id])).text
    assert "Last session note" in page
    assert note.addenda.get().text in page
    letter = Screening.objects.get(client__legal_name="Anna Novak")
    response = client.get(reverse("review:letter_pdf", args=[letter.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_the_demo_makes_a_few_signed_intakes_and_the_rest_on_first_download(client, ruleset):
    from demo.signed_intakes import MINOR, SHOWCASE
    from intake.models import Intake, SignedIntake

    call_command("seed_demo", stdout=io.StringIO())
    made = SignedIntake.objects.count()
    assert 1 <= made <= SHOWCASE  # six months of history are not rendered up front
    minor = Intake.objects.get(client__legal_name=MINOR, status="submitted")
    assert SignedIntake.objects.filter(intake=minor).exists()
    older = (
        Intake.objects.filter(client__clinic=minor.clinic, status="submitted")
        .exclude(pk__in=SignedIntake.objects.values("intake_id"))
        .order_by("submitted_at")
        .first()
    )
    client.force_login(User.objects.get(username="therapist"))
    response = client.get(reverse("intake:signed_pdf", args=[older.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert SignedIntake.objects.filter(intake=older).exists()
