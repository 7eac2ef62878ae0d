import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from audit.chain import verify_chain
from audit.models import AuditEvent
from audit.services import record_event
from tests.append_only import assert_refused

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def events(a_client, front_desk):
    return [
        record_event(actor=front_desk, clinic_id=a_client.clinic_id, action="view", target=a_client)
        for _ in range(3)
    ]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET detail = 'nothing happened'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent CASCADE",
    ],
)
def test_the_application_role_cannot_change_the_audit_trail(events, app_role, statement):
    assert_refused(app_role, statement)
    assert AuditEvent.objects.count() == 3


def test_events_are_chained_per_clinic(events):
    first, second, third = events
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash


def test_the_returned_event_is_the_stored_row(a_client, front_desk):
    event = record_event(
        actor=front_desk, clinic_id=a_client.clinic_id, action="view", target=a_client,
        detail="client record", ip="2001:db8::1",
    )  # fmt: skip
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.hash, stored.prev_hash, stored.at) == (event.hash, event.prev_hash, event.at)
    assert (stored.object_id, stored.actor_id) == (str(a_client.public_id), front_desk.pk)
    assert stored.ip_address == "2001:db8::1"
    assert verify_chain([stored]) == []


def test_concurrent_events_keep_one_valid_chain(a_client, front_desk):
    """The lock is taken in a statement before the read of the chain's head (READ COMMITTED
    reads from a snapshot per statement): writers racing on one clinic never share a head."""
    writers, each = 4, 15
    start = threading.Barrier(writers)
    errors = []

    def write():
        try:
            start.wait(timeout=10)
            for _ in range(each):
                record_event(
                    actor=front_desk, clinic_id=a_client.clinic_id, action="view", target=a_client
                )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    chain = list(AuditEvent.objects.filter(clinic_id=a_client.clinic_id).order_by("id"))
    assert len(chain) == writers * each
    assert verify_chain(chain) == []
    assert len({event.prev_hash for event in chain}) == len(chain)


def test_verify_passes_on_an_intact_trail(events, capsys):
    call_command("verify_audit")
    assert "3 events checked" in capsys.readouterr().out


def test_verify_detects_an_edited_row(events, capsys):
    # Tampering needs a superuser to switch the protection off first; the chain still tells.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditevent SET detail = 'edited' WHERE id = %s", [events[1].pk]
        )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    assert f"event {events[1].pk}: content does not match" in capsys.readouterr().err


def test_verify_detects_a_removed_row(events, capsys):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert f"event {events[2].pk}: previous hash does not match" in capsys.readouterr().err
