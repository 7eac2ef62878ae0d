"""The audit trail cannot be quietly rewritten, even by someone who can switch its triggers off
(the schema owner, a superuser): the chain is keyed by a secret the database never holds, and
a signed checkpoint kept off the host shows the newest events removed.

The attacker here is the test database's superuser, the strongest there is.
"""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.chain import checkpoint_signature
from audit.models import AuditEvent
from audit.services import record_event
from tests.append_only import CHANGES, assert_refused, sql_for
from tests.audit_attacks import recompute_history_with_sha256, recompute_with_sha256
from tests.factories import (
    PhysicianClearanceFactory,
    ReferralDecisionFactory,
    ScreeningFactory,
    TreatmentPlanFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def events(a_client, front_desk):
    return [
        record_event(
            actor=front_desk, clinic_id=a_client.clinic_id, action="view", target=a_client,
            ip=f"192.0.2.{n}",
        )
        for n in range(5)
    ]  # fmt: skip


def rewrite(statements, clinic_id):
    """The original attack: triggers off, edit, recompute the chain (plain SHA-256), on."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        for statement, params in statements:
            cursor.execute(statement, params)
        recompute_with_sha256(cursor, clinic_id)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


@pytest.fixture
def checkpoint_file(events, tmp_path, capsys):
    call_command("audit_checkpoint")
    path = tmp_path / "checkpoint.json"
    path.write_text(capsys.readouterr().out)
    return path


def test_deleting_an_event_and_recomputing_the_chain_is_detected(events, capsys):
    clinic_id = events[0].clinic_id
    rewrite(
        [
            ("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk]),
            ("UPDATE audit_auditevent SET ip_address = '10.6.6.6' WHERE id = %s", [events[3].pk]),
        ],
        clinic_id,
    )
    assert AuditEvent.objects.count() == 4  # the attack itself went through
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"clinic {clinic_id}, event {events[0].pk}: content does not match" in err


def test_editing_a_history_row_and_recomputing_its_chain_is_detected(a_client, front_desk, capsys):
    from clients.models import Client
    from clients.services import update_client

    update_client(
        client=a_client, expected_version=a_client.version, updated_by=front_desk,
        email="ana@example.com",
    )  # fmt: skip
    model = Client.history.model
    first = model._base_manager.order_by("history_id").first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE clients_historicalclient DISABLE TRIGGER USER")
        model._base_manager.filter(pk=first.pk).update(email="someone.else@example.com")
        recompute_history_with_sha256(model)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE clients_historicalclient ENABLE TRIGGER USER")
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"history clients_historicalclient, history_id {first.pk}: content" in err


def test_an_intact_trail_extends_its_checkpoint(events, checkpoint_file, capsys, a_client):
    record_event(actor=None, clinic_id=a_client.clinic_id, action="view", target=a_client)
    call_command("verify_audit", checkpoint=str(checkpoint_file))
    assert "Extends the checkpoint" in capsys.readouterr().out


def test_the_checkpoint_can_be_piped_in(events, checkpoint_file, capsys):
    with checkpoint_file.open() as piped:
        call_command("verify_audit", checkpoint="-", stdin=piped)
    assert "Extends the checkpoint of" in capsys.readouterr().out


def test_the_checkpoint_lists_every_clinic_with_a_valid_signature(events, checkpoint_file):
    entries = {e["clinic"]: e for e in json.loads(checkpoint_file.read_text())["checkpoints"]}
    entry = entries[events[0].clinic_id]
    assert entry["count"] == 5
    assert entry["head_hash"] == events[-1].hash
    assert entry["signature"] == checkpoint_signature(
        clinic_id=entry["clinic"], count=5, head_hash=events[-1].hash
    )


def test_removing_the_newest_event_is_detected_with_a_checkpoint(events, checkpoint_file, capsys):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    call_command("verify_audit")  # the chain alone cannot tell: what is left is consistent
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit", checkpoint=str(checkpoint_file))
    assert "5 events at the checkpoint, only 4 now" in capsys.readouterr().err


def test_rewriting_the_newest_event_is_detected_with_a_checkpoint(events, checkpoint_file, capsys):
    # Replaced by a forged event chained with plain SHA-256 (the attacker has no key).
    rewrite(
        [("UPDATE audit_auditevent SET detail = 'forged' WHERE id = %s", [events[-1].pk])],
        events[0].clinic_id,
    )
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit", checkpoint=str(checkpoint_file))
    assert "no longer has the checkpoint's hash" in capsys.readouterr().err


@pytest.mark.parametrize("field", ["count", "head_hash", "signature"])
def test_a_forged_checkpoint_is_refused(events, checkpoint_file, capsys, field):
    document = json.loads(checkpoint_file.read_text())
    entry = next(e for e in document["checkpoints"] if e["clinic"] == events[0].clinic_id)
    entry[field] = 4 if field == "count" else "f" * 64
    checkpoint_file.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit", checkpoint=str(checkpoint_file))
    assert "signature is wrong" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["", "{}", '{"checkpoints": [{"clinic": "x"}]}'])
def test_an_unreadable_checkpoint_says_so(events, tmp_path, content):
    path = tmp_path / "checkpoint.json"
    path.write_text(content)
    with pytest.raises(CommandError, match="cannot read checkpoint"):
        call_command("verify_audit", checkpoint=str(path))


def test_a_missing_checkpoint_file_says_so(events, tmp_path):
    with pytest.raises(CommandError, match="cannot read checkpoint"):
        call_command("verify_audit", checkpoint=str(tmp_path / "nowhere.json"))


def test_a_chain_made_with_another_key_does_not_verify(events, settings):
    settings.AUDIT_HMAC_KEY = "another-key-" + "x" * 60
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


# --- Clinical records: append-only in the database, whatever privileges a role has -----------


@pytest.fixture
def records(db):
    plan = TreatmentPlanFactory()
    return {
        "contraindications_screening": plan.screening,
        "contraindications_treatmentplan": plan,
        "contraindications_referraldecision": ReferralDecisionFactory(),
        "contraindications_physicianclearance": PhysicianClearanceFactory(),
    }


@pytest.mark.parametrize(
    "table",
    [
        "contraindications_screening",
        "contraindications_treatmentplan",
        "contraindications_referraldecision",
        "contraindications_physicianclearance",
    ],
)
@pytest.mark.parametrize("verb", CHANGES)
def test_clinical_records_refuse_changes_even_with_every_privilege(records, app_role, table, verb):
    # app_role holds ALL privileges on every table: only the trigger stands in the way.
    assert_refused(app_role, sql_for(verb, table))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        assert cursor.fetchone()[0] > 0


def test_a_screenings_decision_cannot_be_changed_in_the_database(db):
    screening = ScreeningFactory(decision="refer_urgent")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        type(screening).objects.filter(pk=screening.pk).update(decision="proceed")
    screening.refresh_from_db()
    assert screening.decision == "refer_urgent"


def test_a_referral_decision_cannot_be_deleted_in_the_database(db):
    decision = ReferralDecisionFactory()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        type(decision).objects.filter(pk=decision.pk).delete()
    assert type(decision).objects.filter(pk=decision.pk).exists()
