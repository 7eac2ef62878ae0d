"""The row-change history tables are hash-chained like the audit trail: a history row edited or
removed behind the append-only triggers' back is named by `manage.py verify_audit`."""

import threading
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, connections

from audit.chain import GENESIS, history_digest, history_digest_of, verify_history_chain
from audit.history import backfill_history_chain
from clients.models import Client
from clients.services import update_client
from intake.models import Intake
from rules.models import RuleSetVersion
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = "clients_historicalclient"


def rows():
    return list(Client.history.order_by("history_id"))


def tamper(*statements):
    """What a superuser could do: switch the triggers off, change the table, switch them on."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


def test_the_digest_does_not_depend_on_key_order_or_time_zone():
    at = datetime(2026, 3, 1, 9, 30, 0, 5, tzinfo=UTC)
    values = {"a": Decimal("1.50"), "b": uuid.UUID(int=7), "at": at, "j": {"y": 1, "x": [1.5]}}
    shifted = {**values, "at": at.astimezone(timezone(timedelta(hours=-5)))}
    reordered = dict(reversed(list(shifted.items())))
    digest = history_digest(prev_hash=GENESIS, table=TABLE, values=values)
    assert history_digest(prev_hash=GENESIS, table=TABLE, values=reordered) == digest
    assert history_digest(prev_hash=GENESIS, table="other", values=values) != digest
    assert history_digest(prev_hash=GENESIS, table=TABLE, values={**values, "a": 2}) != digest


@pytest.fixture
def changes(a_client, owner):
    for phone in ("+16175550111", "+16175550112"):
        update_client(
            client=a_client, expected_version=a_client.version, updated_by=owner, phone=phone
        )
    history = rows()
    assert len(history) == 3
    return history


def test_history_rows_are_chained(changes):
    first, second, third = changes
    assert first.history_prev_hash == GENESIS
    assert second.history_prev_hash == first.history_hash
    assert third.history_prev_hash == second.history_hash
    for row in changes:
        assert row.history_hash == history_digest_of(row, row.history_prev_hash)


def test_verify_passes_on_an_intact_trail_with_history(changes, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Audit trail intact: 2 events checked, 3 history rows checked." in out


def test_verify_detects_an_edited_history_row(changes, capsys):
    edited = changes[1]
    tamper(
        (
            f"UPDATE {TABLE} SET phone = '+10000000000' WHERE history_id = %s",  # noqa: S608
            [edited.history_id],
        )
    )
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"history {TABLE}, history_id {edited.history_id}: content does not match" in err
    assert f"history_id {changes[2].history_id}" not in err


def test_verify_detects_a_deleted_history_row_at_the_next_row(changes, capsys):
    tamper((f"DELETE FROM {TABLE} WHERE history_id = %s", [changes[1].history_id]))  # noqa: S608
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"history {TABLE}, history_id {changes[2].history_id}: previous hash" in err


def test_the_backfill_computes_the_same_chain(changes):
    tamper((f"UPDATE {TABLE} SET history_prev_hash = '', history_hash = history_id", []))  # noqa: S608
    assert verify_history_chain(TABLE, rows())
    with connection.schema_editor() as schema_editor:
        backfill_history_chain(
            apps, schema_editor, app_label="clients", model_names=["historicalclient"]
        )
    assert [r.history_hash for r in rows()] == [r.history_hash for r in changes]
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET phone = ''")  # noqa: S608 (triggers are back on)


def test_concurrent_saves_keep_one_valid_chain(clinic, owner):
    clients = [ClientFactory(clinic=clinic, created_by=owner) for _ in range(2)]
    start = threading.Barrier(len(clients))
    errors = []

    def edit(client):
        try:
            start.wait(timeout=10)
            for n in range(10):
                client.refresh_from_db()
                update_client(
                    client=client,
                    expected_version=client.version,
                    updated_by=owner,
                    phone=f"+1617555{client.pk % 10}{n:03d}",
                )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    history = rows()
    assert len(history) == 2 + 2 * 10
    assert verify_history_chain(TABLE, history) == []
    assert len({row.history_prev_hash for row in history}) == len(history)


@pytest.mark.parametrize("model", [Client, Intake, RuleSetVersion], ids=lambda m: m.__name__)
def test_the_history_manager_class_is_made_once_per_model(model):
    # simple_history made a new class (walking every queryset method) on each `.history`,
    # which each save of a tracked row reads (audit.history._HistoryDescriptor).
    assert type(model.history) is type(model.history)
    assert model.history.model is model.history.model
