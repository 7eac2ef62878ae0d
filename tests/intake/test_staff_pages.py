from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from review.models import Screening
from tests.factories import ClientFactory, IntakeFactory

pytestmark = pytest.mark.django_db


def _screened(clinic, ruleset, decision, **kwargs):
    intake = IntakeFactory(clinic=clinic, submitted=True, **kwargs)
    Screening.objects.create(
        clinic=clinic,
        client=intake.client,
        intake=intake,
        ruleset=ruleset,
        decision=decision,
        inputs={},
        result={"findings": [{"message": "SECRET CLINICAL FINDING"}]},
    )
    return intake


def test_client_page_shows_booking_status_not_findings(client, front_desk, clinic, ruleset):
    intake = _screened(clinic, ruleset, "refer_urgent")
    client.force_login(front_desk)
    html = client.get(reverse("visits:client", args=[intake.client.public_id])).content.decode()
    assert "Do not book — medical referral" in html
    assert "SECRET CLINICAL FINDING" not in html
    assert "Hand tablet over: visit update" in html


@pytest.mark.parametrize(
    ("decision", "label"),
    [
        ("proceed", "Ready"),
        ("modify", "Ready"),
        ("clearance_required", "Physician clearance needed"),
        ("postpone", "Reschedule"),
        ("refer", "Do not book — medical referral"),
    ],
)
def test_decisions_map_to_booking_statuses(client, front_desk, clinic, ruleset, decision, label):
    _screened(clinic, ruleset, decision)
    client.force_login(front_desk)
    html = client.get(reverse("visits:today")).content.decode()
    assert label in html


def test_todays_list_query_count_is_bounded(
    client, front_desk, clinic, ruleset, django_assert_max_num_queries
):
    for decision in ["proceed", "refer", "postpone"] * 4:
        _screened(clinic, ruleset, decision)
    IntakeFactory(clinic=clinic)  # a draft in progress
    client.force_login(front_desk)
    # One more than before appointments: the day's appointments (tests/visits/).
    # The day view: appointments, intakes without one, and the clinic's enrolled tablets.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("visits:today"))
    assert response.content.decode().count('class="intake-row"') == 13


def test_todays_list_shows_only_own_clinic(client, front_desk, other_clinic, ruleset):
    other = ClientFactory(clinic=other_clinic, legal_name="Hillside Person")
    _screened(other_clinic, ruleset, "proceed", client=other)
    client.force_login(front_desk)
    assert "Hillside Person" not in client.get(reverse("visits:today")).content.decode()


def test_the_session_summary_says_the_intake_was_signed_by_typing(clinic):
    intake = IntakeFactory(
        clinic=clinic,
        typed_signature=True,
        signature_typed_name="Ana Ruiz",
        submitted_at=datetime(2026, 11, 20, 9, 5, tzinfo=UTC),
    )
    context = {"intake": intake, "client": intake.client, "review": {}, "screening": None}
    with timezone.override("UTC"):
        html = render_to_string("review/pdf/summary.html", context)
        drawn = IntakeFactory(clinic=clinic, submitted=True)
        drawn_html = render_to_string("review/pdf/summary.html", {"intake": drawn})
    assert "Signed by typing their name: Ana Ruiz, Nov 20, 2026 09:05" in html
    assert "Signed by typing" not in drawn_html
