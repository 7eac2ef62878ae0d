"""Row-change history: who changed what, kept append-only in PostgreSQL like the audit trail."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.history import HISTORY_TABLES
from audit.services import record_event
from clients.models import Client
from clients.services import update_client
from review.services import parse_plan, record_clearance, save_plan
from tests.append_only import CHANGES, assert_refused, sql_for
from tests.conftest import login
from tests.factories import complete_answers
from tests.oversight.conftest import HIGH_RISK, override
from tests.review.helpers import screened

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT_TABLES = ["audit_auditevent", *HISTORY_TABLES]


@pytest.fixture
def history(decisions, a_client, front_desk, therapist):
    """A row in every audit table: decisions, a plan, a clearance, a read."""
    record_event(actor=front_desk, clinic_id=a_client.clinic_id, action="view", target=a_client)
    plain = screened(a_client, complete_answers(), therapist)
    save_plan(screening=plain, plan=parse_plan({"modalities": ["swedish"]}), created_by=therapist)
    today = timezone.localdate()
    record_clearance(
        screening=screened(a_client, HIGH_RISK, therapist),
        physician_name="Dr. Ada Obi",
        cleared_on=today,
        expires_on=today + timedelta(days=28),
        rule_ids=["PREGNANCY-HIGH-RISK"],
        recorded_by=therapist,
    )
    return decisions


def test_every_tracked_model_keeps_its_history(history):
    decision = history["tara_override"]
    row = Client.history.filter(id=decision.client_id).earliest()
    assert row.history_type == "+"
    assert row.legal_name == decision.client.legal_name


def test_append_only_records_keep_no_duplicate_history(history):
    # An append-only row is its own history: no second copy in a history table.
    decision = history["tara_override"]
    for record in (decision, decision.screening):
        assert not hasattr(type(record), "history")


def test_a_change_through_a_request_records_who_and_from_where(client, front_desk, a_client):
    # Rule-set versions no longer change (activations are rows of their own): a client edit.
    from clients.models import Client
    from tests.clients.test_clients import VALID

    login(client, front_desk)
    data = {**VALID, "legal_name": a_client.legal_name, "date_of_birth": a_client.date_of_birth,
            "version": a_client.version, "email": "ana@example.com"}  # fmt: skip
    assert client.post(reverse("clients:edit", args=[a_client.public_id]), data).status_code == 302
    change = Client.history.filter(id=a_client.pk, history_type="~").latest()
    assert change.history_user == front_desk
    assert change.history_ip == "127.0.0.1"


@pytest.mark.parametrize("table", AUDIT_TABLES)
@pytest.mark.parametrize("verb", CHANGES)
def test_the_application_role_cannot_change_audit_tables(history, app_role, table, verb):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed table names)
        before = cursor.fetchone()[0]
    assert before > 0
    assert_refused(app_role, sql_for(verb, table))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert cursor.fetchone()[0] == before


def test_the_application_role_can_still_append_history(history, app_role, therapist):
    """The triggers refuse changes, not new rows: the app's role records a decision, its audit
    event and its history row as before."""
    from audit.models import AuditEvent

    events = AuditEvent.objects.count()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        decision = override(
            history["theo_1"].screening, therapist, reason="Second opinion on file."
        )
    type(decision).objects.get(pk=decision.pk)  # committed as the app's role
    assert decision.reason == "Second opinion on file."
    assert AuditEvent.objects.count() > events


def test_verify_detects_an_edited_audit_row(history, capsys):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditevent SET detail = 'edited' "
            "WHERE id = (SELECT min(id) FROM audit_auditevent)"
        )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    assert "content does not match" in capsys.readouterr().err


def test_client_service_change_is_attributed_without_a_request(a_client, owner):
    update_client(
        client=a_client, expected_version=a_client.version, updated_by=owner, phone="+16175550111"
    )
    assert Client.history.filter(id=a_client.pk).latest().history_user == owner
