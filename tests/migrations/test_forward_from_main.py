"""A database made by an earlier release moves forward to today's layout without loss.

`data/main-4a386fe-demo.sql.gz` is a pg_dump of a PostgreSQL database created at commit 4a386fe
(before the apps were cut along the data flow): migrated, rule set loaded, demo clinic seeded.
The test restores it into a scratch database, runs `migrate` as `manage.py` would, and checks that
every row of every table survives unchanged, the audit hash chains still verify, and the
append-only triggers still guard the audit tables.
"""

import gzip
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DUMP = Path(__file__).parent / "data" / "main-4a386fe-demo.sql.gz"
# The row-change history of append-only records, dropped on purpose (each row only repeated its
# record's insert; contraindications/migrations/0008 checks that before dropping).
DROPPED = {
    "contraindications_historicalscreening",
    "contraindications_historicaltreatmentplan",
    "contraindications_historicalreferraldecision",
    "contraindications_historicalphysicianclearance",
}
# Tables whose rows Django itself rewrites on migrate (new apps' content types and permissions).
DJANGO_BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission",
                      "auth_group_permissions"}  # fmt: skip

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "config.postgresql",
    reason="the dump is a PostgreSQL database",
)


def _server_dsn(dbname: str) -> str:
    db = settings.DATABASES["default"]
    return (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} "
        f"user={db['USER'] or 'postgres'} dbname={dbname}"
    )


def _url(dbname: str) -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{dbname}"
    )


@pytest.fixture
def legacy_database():
    name = f"legacy_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_server_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(_server_dsn(name), autocommit=True) as conn:
            conn.execute(gzip.decompress(DUMP.read_bytes()).decode("utf-8"))
        yield name
    finally:
        with psycopg.connect(_server_dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _tables(conn) -> set[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    ).fetchall()
    return {row[0] for row in rows}


# Columns added since the dump, with the value every old row must get.
ADDED_COLUMNS = {
    ("contraindications_treatmentplan", "region_pressure"): "{}",  # default pressure everywhere
}
# Columns a migration rewrites on purpose: audit/migrations/0005 and 0006 re-chain the audit
# trail and the history tables with an HMAC (after verifying the old SHA-256 chains); the test
# checks the new chains verify.
HISTORY_HASHES = ("history_prev_hash", "history_hash")
RECHAINED = {
    "audit_auditevent": ("prev_hash", "hash"),
    "clients_historicalclient": HISTORY_HASHES,
    "intake_historicalintake": HISTORY_HASHES,
    "contraindications_historicalrulesetversion": HISTORY_HASHES,
}


def _columns(conn, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [row[0] for row in rows if row[0] not in RECHAINED.get(table, ())]


def _fingerprint(conn, table: str, columns: list[str]) -> tuple[int, str]:
    # Every row, every column it had before (a migration may add columns; the re-chained
    # hashes are left out), in a stable order: equal fingerprints mean equal contents.
    row = "ROW(" + ", ".join(f't."{column}"' for column in columns) + ")::text"
    count, digest = conn.execute(
        f"SELECT count(*), md5(coalesce(string_agg({row}, chr(10) ORDER BY {row}), '')) "  # noqa: S608
        f'FROM "{table}" t'
    ).fetchone()
    return count, digest


def _hashes(conn) -> set[str]:
    found = set()
    for table, (_, column) in RECHAINED.items():
        found |= {row[0] for row in conn.execute(f"SELECT {column} FROM {table}").fetchall()}  # noqa: S608
    return found


def _manage(*args: str, database: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _url(database),
        "DJANGO_ENV": "development",
    }
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_database_from_before_the_redesign_migrates_without_loss(legacy_database):
    with psycopg.connect(_server_dsn(legacy_database), autocommit=True) as conn:
        before_tables = _tables(conn)
        columns = {t: _columns(conn, t) for t in before_tables - DJANGO_BOOKKEEPING}
        before = {t: _fingerprint(conn, t, columns[t]) for t in columns}
    assert before["contraindications_screening"][0] > 0
    assert before["audit_auditevent"][0] > 0
    with psycopg.connect(_server_dsn(legacy_database), autocommit=True) as conn:
        sha256_hashes = _hashes(conn)

    migrated = _manage("migrate", "--no-input", database=legacy_database)
    assert migrated.returncode == 0, migrated.stderr

    with psycopg.connect(_server_dsn(legacy_database), autocommit=True) as conn:
        after_tables = _tables(conn)
        assert before_tables - after_tables == DROPPED
        for table, fingerprint in before.items():
            if table not in DROPPED:
                assert _fingerprint(conn, table, columns[table]) == fingerprint, table
        for (table, column), value in ADDED_COLUMNS.items():
            values = conn.execute(f'SELECT DISTINCT "{column}"::text FROM "{table}"').fetchall()  # noqa: S608
            assert values == [(value,)], (table, column)
        # Every event and history row was re-chained with the keyed hash (none keeps its plain
        # SHA-256).
        assert not _hashes(conn) & sha256_hashes
        # Per-clinic rule sets: every clinic, and the installation default, keep the version
        # that was in use (the one activated last), as an append-only activation row.
        in_use = conn.execute(
            "SELECT id FROM contraindications_rulesetversion WHERE activated_at IS NOT NULL "
            "ORDER BY activated_at DESC LIMIT 1"
        ).fetchone()[0]
        clinics = {row[0] for row in conn.execute("SELECT id FROM accounts_clinic").fetchall()}
        latest = conn.execute(
            "SELECT DISTINCT ON (clinic_id) clinic_id, version_id FROM rules_rulesetactivation "
            "ORDER BY clinic_id, activated_at DESC, id DESC"
        ).fetchall()
        assert clinics and dict(latest) == dict.fromkeys([*clinics, None], in_use)
        # Every stored version got its catalogue's checksum (rules/0005), as the engine makes it.
        from contraindications.engine import catalogue_checksum

        stored = conn.execute(
            "SELECT catalogue::text, catalogue_checksum FROM contraindications_rulesetversion"
        ).fetchall()
        assert stored
        assert all(checksum == catalogue_checksum(json.loads(doc)) for doc, checksum in stored)
        triggers = {
            row[0]
            for row in conn.execute(
                "SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid "
                "WHERE NOT g.tgisinternal"
            ).fetchall()
        }
    assert {"audit_auditevent", "clients_historicalclient", "intake_historicalintake",
            "contraindications_historicalrulesetversion", "intake_intake",
            "rules_rulesetactivation", "contraindications_screening",
            "contraindications_rulesetversion",
            "contraindications_referraldecision",
            "contraindications_physicianclearance"} <= triggers  # fmt: skip

    verified = _manage("verify_audit", database=legacy_database)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Audit trail intact" in verified.stdout

    # Nothing is left for makemigrations to do against the migrated database either.
    check = _manage("makemigrations", "--check", "--dry-run", database=legacy_database)
    assert check.returncode == 0, check.stdout + check.stderr
