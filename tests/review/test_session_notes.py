"""Session notes: a SOAP note is signed once, never changed, corrected by addenda, and shown on
the client's next screening."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from review.models import AppendOnlyError, NoteAddendum, SessionNote
from review.notes import add_addendum, sign_note
from review.services import ReviewError, parse_plan, save_plan
from tests.conftest import login
from tests.factories import NoteAddendumFactory, SessionNoteFactory, UserFactory
from tests.review.helpers import KIDNEY_RED_FLAG, screened

pytestmark = pytest.mark.django_db

NOTE = {
    "subjective": "Neck stiff since Monday; desk work.",
    "objective": "Right upper trapezius tender, rotation limited to the left.",
    "assessment": "Postural tension; nothing that needs a physician.",
    "plan": "Two more weekly sessions; stretch every hour at work.",
    "regions": ["neck", "shoulder_right"],
    "pressure": "2",
    "client_response": "Less pain turning the head after the session.",
}


def _post_note(client, screening, **changes):
    data = {**NOTE, "form_token": str(uuid.uuid4()), **changes}
    return client.post(reverse("review:note_new", args=[screening.public_id]), data)


def test_a_soap_note_is_signed_and_an_addendum_is_added(client, therapist, pregnant_screening):
    login(client, therapist)
    response = _post_note(client, pregnant_screening)
    assert response.status_code == 302
    note = SessionNote.objects.get()
    assert response.url == reverse("review:note", args=[note.public_id])
    assert (note.signed_by, note.screening, note.client) == (
        therapist,
        pregnant_screening,
        pregnant_screening.client,
    )
    assert note.regions == ["neck", "shoulder_right"]
    assert note.pressure == 2
    assert note.signed_at is not None
    page = client.get(response.url).text
    assert "Right upper trapezius tender" in page
    assert "2 - light" in page
    assert "Neck, Right shoulder" in page
    assert "Body map, back: areas worked on in blue" in page
    assert 'data-region="neck" data-state="planned"' in page

    response = client.post(
        reverse("review:note_addendum", args=[note.public_id]),
        {"text": "Correction: it was the left trapezius.", "form_token": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    addendum = NoteAddendum.objects.get()
    assert (addendum.note, addendum.author) == (note, therapist)
    page = client.get(reverse("review:note", args=[note.public_id])).text
    assert "Correction: it was the left trapezius." in page
    assert "Right upper trapezius tender" in page  # the note itself stays as signed
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, actor=therapist)
    assert set(created.values_list("detail", flat=True)) >= {
        "session note signed",
        f"addendum to session note {note.public_id}",
    }


def test_the_note_refers_to_the_plan_the_session_followed(therapist, pregnant_screening):
    plan = save_plan(
        screening=pregnant_screening,
        plan=parse_plan({"modalities": ["swedish"], "position": "side_lying", "pressure": 2}),
        created_by=therapist,
    )
    note = sign_note(screening=pregnant_screening, signed_by=therapist, **{**NOTE, "pressure": 2})
    assert note.treatment_plan == plan


def test_the_form_starts_from_the_plans_areas_and_pressure(client, therapist, pregnant_screening):
    save_plan(
        screening=pregnant_screening,
        plan=parse_plan(
            {"modalities": ["swedish"], "position": "side_lying", "pressure": 2,
             "regions": ["upper_back"]}
        ),
        created_by=therapist,
    )  # fmt: skip
    login(client, therapist)
    form = client.get(reverse("review:note_new", args=[pregnant_screening.public_id])).context[
        "form"
    ]
    assert form["regions"].value() == ["upper_back"]
    assert form["pressure"].value() == 2


def test_a_signed_note_and_an_addendum_never_change(therapist):
    addendum = NoteAddendumFactory(note__signed_by=therapist, author=therapist)
    note = addendum.note
    note.assessment = "rewritten"
    with pytest.raises(AppendOnlyError):
        note.save()
    with pytest.raises(AppendOnlyError):
        addendum.delete()
    if connection.vendor != "postgresql":
        return
    for sql in (
        "UPDATE review_sessionnote SET assessment = 'x' WHERE id = %s",
        "DELETE FROM review_noteaddendum WHERE note_id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [note.pk])
    note.refresh_from_db()
    assert note.assessment != "rewritten"


def test_the_next_screening_shows_the_last_note_with_its_addenda(
    client, therapist, a_client, pregnant_screening
):
    note = SessionNoteFactory(screening=pregnant_screening, signed_by=therapist)
    NoteAddendumFactory(note=note, author=therapist, text="Phoned next day: headache gone.")
    login(client, therapist)
    same = client.get(reverse("review:screening", args=[pregnant_screening.public_id])).text
    assert "Last session note" not in same
    assert "Session notes for this screening" in same
    nxt = screened(a_client, KIDNEY_RED_FLAG, therapist)
    page = client.get(reverse("review:screening", args=[nxt.public_id])).text
    assert "Last session note" in page
    assert page.index("Last session note") < page.index('<h2 class="h5">Findings')
    assert note.assessment in page
    assert "Phoned next day: headache gone." in page
    assert reverse("review:note", args=[note.public_id]) in page


def test_a_double_tap_signs_one_note(client, therapist, pregnant_screening):
    login(client, therapist)
    token = str(uuid.uuid4())
    assert _post_note(client, pregnant_screening, form_token=token).status_code == 302
    second = _post_note(client, pregnant_screening, form_token=token)
    assert second.status_code == 409
    assert "already signed" in second.text
    assert SessionNote.objects.count() == 1
    note = SessionNote.objects.get()
    url = reverse("review:note_addendum", args=[note.public_id])
    data = {"text": "Once.", "form_token": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409
    assert NoteAddendum.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"assessment": "  "}, "assessment"),
        ({"pressure": "9"}, "pressure"),
        ({"regions": ["elbow_of_doom"]}, "regions"),
        ({"subjective": "x" * 9000}, "subjective"),
    ],
)
def test_an_incomplete_or_malformed_note_is_refused(
    client, therapist, pregnant_screening, changes, field
):
    login(client, therapist)
    response = _post_note(client, pregnant_screening, **changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert SessionNote.objects.count() == 0


def test_only_a_therapist_of_the_clinic_signs(owner, other_clinic_staff, pregnant_screening):
    for user in (owner, other_clinic_staff):
        with pytest.raises(ReviewError) as error:
            sign_note(screening=pregnant_screening, signed_by=user, **{**NOTE, "pressure": 2})
        assert error.value.code == "not_a_therapist"
    note = SessionNoteFactory(screening=pregnant_screening)
    with pytest.raises(ReviewError):
        add_addendum(note=note, author=owner, text="x")


def test_owner_reads_front_desk_and_other_clinics_do_not(
    client, owner, front_desk, other_clinic_staff, pregnant_screening, therapist
):
    note = SessionNoteFactory(screening=pregnant_screening, signed_by=therapist)
    url = reverse("review:note", args=[note.public_id])
    login(client, owner)
    page = client.get(url)
    assert page.status_code == 200
    assert note.objective in page.text
    assert "Add an addendum" not in page.text
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("id")
    assert (event.actor, event.detail) == (
        owner,
        f"session note ({'session note ' + str(note.public_id)})",
    )
    login(client, front_desk)
    assert client.get(url).status_code == 403
    login(client, other_clinic_staff)
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("review:note_addendum", args=[note.public_id]), {"text": "x"}
        ).status_code
        == 404
    )
    outsider = UserFactory(clinic=pregnant_screening.clinic)  # no role at all
    login(client, outsider)
    assert client.get(url).status_code == 403


def test_an_empty_addendum_is_refused(client, therapist, pregnant_screening):
    note = SessionNoteFactory(screening=pregnant_screening, signed_by=therapist)
    login(client, therapist)
    response = client.post(
        reverse("review:note_addendum", args=[note.public_id]), {"text": " ", "form_token": "bad"}
    )
    assert response.status_code == 400
    assert NoteAddendum.objects.count() == 0


def test_the_screening_page_reads_notes_in_a_fixed_number_of_queries(
    client, therapist, pregnant_screening
):
    login(client, therapist)
    url = reverse("review:screening", args=[pregnant_screening.public_id])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    note = SessionNoteFactory(screening=pregnant_screening, signed_by=therapist)
    NoteAddendumFactory(note=note, author=therapist)
    one = queries()
    for _ in range(4):
        more = SessionNoteFactory(screening=pregnant_screening, signed_by=therapist)
        NoteAddendumFactory.create_batch(3, note=more, author=therapist)
    assert queries() == one
