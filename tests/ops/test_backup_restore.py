"""The restore drill: back up a database with clients, an audit trail and a rule set, restore
it into a fresh database, and check that the data, the hash chain and the append-only triggers
all came back."""

import os
import stat

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.chain import verify_chain
from audit.models import AuditEvent
from audit.services import record_event
from clients.models import Client
from ops.databases import default_backup_path, pg_environ
from rules.models import RuleSetVersion
from tests.factories import ClientFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "postgres").startswith("sqlite"),
        reason="pg_dump/pg_restore drill needs PostgreSQL",
    ),
]

AUDIT_COLUMNS = (
    "id, clinic_id, actor_id, action, object_type, object_id, detail, ip_address, at, "
    "prev_hash, hash"
)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the restore drill runs on PostgreSQL")


@pytest.fixture
def drill_database(settings):
    """A second, empty database (unique to this process), known to Django as `restore_drill`."""
    name = f"restore_drill_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings.DATABASES["restore_drill"] = {**connection.settings_dict, "NAME": name}
    yield settings.DATABASES["restore_drill"]
    del settings.DATABASES["restore_drill"]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def connect(db):
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    )


def restored_events(conn, clinic_id):
    rows = conn.execute(
        f"SELECT {AUDIT_COLUMNS} FROM audit_auditevent WHERE clinic_id = %s ORDER BY id",  # noqa: S608
        [clinic_id],
    ).fetchall()
    names = [name.strip() for name in AUDIT_COLUMNS.split(",")]
    events = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        values["ip_address"] = str(values["ip_address"]) if values["ip_address"] else None
        events.append(AuditEvent(**values))
    return events


def test_restore_drill_brings_back_rows_chain_and_triggers(
    tmp_path, drill_database, clinic, front_desk, capsys
):
    clients = [ClientFactory(clinic=clinic, created_by=front_desk) for _ in range(3)]
    for client in clients:
        record_event(actor=front_desk, clinic_id=clinic.pk, action="create", target=client)
    record_event(actor=front_desk, clinic_id=clinic.pk, action="view", target=clients[0])
    call_command("load_rules", verbosity=0)
    ruleset = RuleSetVersion.objects.get()

    dump = tmp_path / "drill.dump"
    call_command("backup", str(dump))
    out = capsys.readouterr().out
    assert str(dump) in out
    assert f"{dump.stat().st_size} bytes" in out
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600

    call_command("restore", str(dump), database="restore_drill")

    with connect(drill_database) as conn:
        restored_clients = conn.execute(
            "SELECT public_id, legal_name, version FROM clients_client ORDER BY id"
        ).fetchall()
        assert restored_clients == [(c.public_id, c.legal_name, c.version) for c in clients]
        assert conn.execute(
            "SELECT version, checksum FROM contraindications_rulesetversion"
        ).fetchall() == [(ruleset.version, ruleset.checksum)]

        events = restored_events(conn, clinic.pk)
        assert [e.hash for e in events] == list(
            AuditEvent.objects.filter(clinic=clinic).order_by("id").values_list("hash", flat=True)
        )
        assert len(events) == 6  # and load_rules: loaded into the library, activated here
        assert verify_chain(events) == []

        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute("UPDATE audit_auditevent SET detail = 'tampered'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute("DELETE FROM audit_auditevent")


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, a_client):
    dump = tmp_path / "clinic.dump"
    call_command("backup", str(dump))
    with pytest.raises(CommandError, match=r"not empty.*--yes"):
        call_command("restore", str(dump))
    assert Client.objects.filter(pk=a_client.pk).exists()


def test_backup_never_overwrites_an_existing_file(tmp_path):
    existing = tmp_path / "clinic.dump"
    existing.write_bytes(b"yesterday")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"yesterday"


def test_restore_of_a_missing_file_says_so(tmp_path, drill_database):
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "nope.dump"), database="restore_drill")


def test_default_backup_path_is_a_timestamped_dump_under_var(tmp_path):
    from datetime import UTC, datetime

    path = default_backup_path(
        tmp_path, "django.db.backends.postgresql", datetime(2026, 3, 1, 2, 3, 4, tzinfo=UTC)
    )
    assert path == tmp_path / "backups" / "clinic-20260301T020304Z.dump"


def test_the_password_reaches_pg_tools_only_through_the_environment():
    environ = pg_environ(
        {"NAME": "clinic", "USER": "clinic_app", "PASSWORD": "s3cret", "HOST": "db", "PORT": 5432}
    )
    assert environ["PGPASSWORD"] == "s3cret"
    assert (environ["PGUSER"], environ["PGHOST"], environ["PGPORT"]) == ("clinic_app", "db", "5432")
