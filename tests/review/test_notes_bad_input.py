"""Whatever is typed or scripted into the note, addendum and letter forms, the answer is a page
or a 4xx, never a 500 (the same hostile text as tests/security/test_bad_input.py)."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import SessionNoteFactory
from tests.security.test_bad_input import FUZZ, form_data, post_form, typed

pytestmark = pytest.mark.django_db

NOTE_FIELDS = ["subjective", "objective", "assessment", "plan", "pressure", "client_response",
               "form_token"]  # fmt: skip


@FUZZ
@given(
    note=form_data(NOTE_FIELDS),
    regions=st.lists(typed, max_size=3),
    addendum=form_data(["text", "form_token"]),
    email=form_data(["to", "message", "paper"]),
    letterhead=form_data(["address", "phone", "email"]),
    credentials=form_data(["first_name", "last_name", "credentials"]),
)
def test_note_and_letter_forms_never_fail(
    client, therapist, owner, kidney_screening, note, regions, addendum, email, letterhead,
    credentials,
):  # fmt: skip
    signed = SessionNoteFactory(screening=kidney_screening, signed_by=therapist)
    client.force_login(therapist)
    args = [kidney_screening.public_id]
    for url, data in (
        (reverse("review:note_new", args=args), note),
        (reverse("review:note_new", args=args), {**note, "regions": regions}),
        (reverse("review:note_addendum", args=[signed.public_id]), addendum),
        (reverse("review:letter_email", args=args), email),
        (reverse("review:credentials"), credentials),
    ):
        assert post_form(client, url, data).status_code < 500
    client.force_login(owner)
    assert post_form(client, reverse("review:letterhead"), letterhead).status_code < 500
