"""Query budgets of the busiest pages and of submit (issue 16; docs/PERFORMANCE.md). A client
with a history (three screenings, each with a referral, a plan and a clearance) so that a query
per row would show: the counts must not grow with the history."""

import itertools
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake.services import save_answers
from tests.conftest import login
from tests.factories import (
    AppointmentFactory,
    ConsentTextFactory,
    IntakeFactory,
    PhysicianClearanceFactory,
    PrevisitLinkFactory,
    ReferralDecisionFactory,
    TreatmentPlanFactory,
    complete_answers,
    signature_data_url,
)
from tests.query_budget import count
from tests.review.helpers import KIDNEY_RED_FLAG, screened
from visits.services import submit_and_screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(ruleset, a_client, therapist):
    screenings = [screened(a_client, KIDNEY_RED_FLAG, therapist) for _ in range(3)]
    for screening in screenings:
        ReferralDecisionFactory(screening=screening, decided_by=therapist)
        TreatmentPlanFactory(screening=screening, created_by=therapist)
        PhysicianClearanceFactory(screening=screening, recorded_by=therapist)
    PrevisitLinkFactory(intake=screenings[0].intake, completed_at=screenings[0].created_at)
    return screenings


def _get(client, url):
    client.get(url)  # the first request of a session may write it; count a later one
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return count(captured.captured_queries), response


def test_client_page_for_clinical_staff_stays_within_its_queries(client, therapist, history):
    counted, response = _get(
        login(client, therapist), reverse("visits:client", args=[history[0].client.public_id])
    )
    assert response.content.count(b"Plan by") == 3  # the whole history is on the page
    assert counted.session_and_user == 1  # session, user, clinic and roles in one query
    assert counted.audit == 2  # the read is audited: lock and chain head in one round trip, insert
    # the client with its intakes, appointments, link and sends (visits.selectors.
    # client_records), the screenings with their referrals, plans and clearances
    # (review.selectors.client_history), the clinic's tablets: whatever the history's length
    assert len(counted.page) <= 3, "\n".join(q[:150] for q in counted.page)
    assert counted.total <= 6


def test_client_page_for_the_front_desk_stays_within_its_queries(client, front_desk, history):
    counted, _ = _get(
        login(client, front_desk), reverse("visits:client", args=[history[0].client.public_id])
    )
    assert counted.audit == 2
    # the client with its intakes, appointments, link and sends; the screenings (no
    # decisions); the clinic's tablets
    assert len(counted.page) <= 3, "\n".join(q[:150] for q in counted.page)
    assert counted.total <= 6


def test_screening_page_stays_within_six_queries(client, therapist, history):
    counted, response = _get(
        login(client, therapist), reverse("review:screening", args=[history[-1].public_id])
    )
    assert response.content.count(b"Plan by") == 3
    assert counted.session_and_user == 1
    assert counted.audit == 2
    # the screening (with its intake and client), the history with its records, the notes
    assert len(counted.page) <= 3, counted.page
    assert counted.total <= 6


@pytest.mark.parametrize("page", ["visits:client", "review:screening"])
def test_with_two_factor_on_a_verified_device_is_one_query_more(client, therapist, history, page):
    """Production asks a therapist for a second factor: django-otp reads the verified device on
    every request, one query beyond the budgets above (docs/PERFORMANCE.md says so)."""
    from django.test import override_settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    login(client, therapist)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    target = history[0].client.public_id if page == "visits:client" else history[-1].public_id
    with override_settings(TWO_FACTOR_ROLES=["therapist", "owner"]):
        counted, _ = _get(client, reverse(page, args=[target]))
    device_reads = [q for q in counted.page if "otp_totp_totpdevice" in q]
    assert len(device_reads) == 1
    assert counted.total <= 7


def test_submit_and_screen_stays_within_its_statements(a_client, therapist, history):
    intake = IntakeFactory(
        clinic=a_client.clinic, client=a_client, answers=complete_answers(blood_in_urine=True)
    )
    appointment = AppointmentFactory(clinic=a_client.clinic, client=a_client, therapist=therapist)
    consent = ConsentTextFactory().pk
    with CaptureQueriesContext(connection) as captured:
        submit_and_screen(
            intake_id=intake.pk,
            submission_token=uuid.uuid4(),
            signature_data_url=signature_data_url(),
            consent_id=consent,
        )
    appointment.refresh_from_db()
    assert appointment.intake_id == intake.pk
    assert appointment.screening is not None
    sqls = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    # Savepoints are round trips too: submit_and_screen's own (nested in the test's
    # transaction), submit_intake's and screen_intake's; the history row adds none.
    savepoints = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) == 3, savepoints
    chain = [s for s in sqls if "historicalintake" in s or "pg_advisory_xact_lock" in s]
    # The intake's tamper-evident history is kept: the lock and the previous hash in one round
    # trip (two statements), then the insert.
    assert len(chain) == 2
    assert sum("pg_advisory_xact_lock" in s and "history_hash" in s for s in chain) == 1
    # intake (locked, with its client, the rule set in use and the consent text's check),
    # update, screening, findings, and the client's appointment that the screening is
    # attached to (found and updated in one statement)
    assert len(sqls) - len(chain) <= 5, sqls
    assert not any(s.startswith('SELECT "intake_consenttext"') for s in sqls)
    # The rule set in use is read once, with the locked intake, and screened with.
    assert sum("rules_rulesetactivation" in s for s in sqls) == 1
    assert sum("visits_appointment" in s for s in sqls) == 1


def test_an_autosave_reads_the_rule_set_in_use_with_the_draft(client, front_desk, a_client):
    """The tablet's most frequent request (two per section): one read of the draft, found by
    its kiosk token and locked, with the rule set in use in the same query."""
    login(client, front_desk).post(reverse("intake:hand_over", args=[a_client.public_id]))
    answers = itertools.cycle(["Warfarin.", "Warfarin, daily."])

    def autosave():
        body = json.dumps({"answers": {"other_medicines": next(answers)}})
        response = client.post(reverse("kiosk:save"), body, content_type="application/json")
        assert response.json() == {"saved": True, "errors": {}}

    autosave()  # the first request of a session may write it; count a later one
    with CaptureQueriesContext(connection) as captured:
        autosave()
    counted = count(captured.captured_queries)
    assert counted.session_and_user == 1
    assert counted.audit == 0
    activations = [s for s in counted.page if "rules_rulesetactivation" in s]
    assert len(activations) == 1, activations  # the draft, found by its kiosk token and locked
    assert all(s.startswith('SELECT "intake_intake"') for s in activations)
    assert 'FOR UPDATE OF "intake_intake"' in activations[0]  # the draft is locked
    # the draft, locked, updated; its history row (lock and previous hash in one round trip,
    # then the insert)
    assert len(counted.page) <= 4, "\n".join(q[:150] for q in counted.page)


def test_a_draft_change_locks_the_draft_and_reads_the_rule_set_with_it(a_client):
    """save_answers (a section's POST, the phone's pages): one locked read by id."""
    intake = IntakeFactory(clinic=a_client.clinic, client=a_client)
    with CaptureQueriesContext(connection) as captured:
        save_answers(intake_id=intake.pk, raw={"other_medicines": "Warfarin."})
    reads = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "intake_intake"')
    ]
    assert len(reads) == 1, reads
    assert 'FOR UPDATE OF "intake_intake"' in reads[0]
    assert "rules_rulesetactivation" in reads[0]
    assert not any(q["sql"].startswith('SELECT "rules_') for q in captured.captured_queries), (
        "the rule set in use came in a query of its own"
    )
