"""Done when: a SOAP note is signed and an addendum is added, in the browser, and the client's
next screening shows it."""

import pytest

from review.models import NoteAddendum, SessionNote
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_plan_map import tap_area
from tests.factories import ClientFactory
from tests.review.helpers import KIDNEY_RED_FLAG, PREGNANT_24_WEEKS, screened

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_soap_note_is_signed_and_an_addendum_is_added(page, therapist, clinic, ruleset):
    client = ClientFactory(clinic=clinic, legal_name="Lucia Moreno")
    screening = screened(client, PREGNANT_24_WEEKS)
    log_in(page, "theo")
    page.goto(f"/review/screenings/{screening.public_id}/")
    page.get_by_role("link", name="Write session note").click()
    page.get_by_label("Subjective").fill("Low back ache in the evenings.")
    page.get_by_label("Objective").fill("Tight lumbar paraspinals.")
    page.get_by_label("Assessment").fill("Pregnancy-related postural strain.")
    page.locator("#id_plan").fill("Side-lying every two weeks.")
    page.get_by_label("Client's response").fill("Eased by the end.")
    # The body map ticks the area in the list (static/js/note.js), under the CSP.
    tap_area(page, "upper_back")
    page.locator("#region-list summary").click()
    assert page.get_by_label("Upper back").is_checked()
    page.get_by_label("2 - light").check()
    screenshot(page, "therapist_session_note_form")
    page.get_by_role("button", name="Sign the note").click()
    page.get_by_text("The session note was signed.").wait_for()

    note = SessionNote.objects.get()
    assert note.regions == ["upper_back"]
    assert note.pressure == 2
    assert note.signed_by == therapist

    page.get_by_label("Addendum").fill("Phoned next day: slept through the night.")
    page.get_by_role("button", name="Add the addendum").click()
    page.get_by_text("The addendum was added.").wait_for()
    assert NoteAddendum.objects.get().note == note
    screenshot(page, "therapist_session_note_addendum")

    nxt = screened(client, KIDNEY_RED_FLAG)
    page.goto(f"/review/screenings/{nxt.public_id}/")
    last = page.locator(".last-note")
    last.get_by_text("Phoned next day: slept through the night.").wait_for()
    assert "Tight lumbar paraspinals." in last.inner_text()
