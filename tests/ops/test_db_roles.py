"""deploy/postgres-init/01-roles.sql and `manage.py grant_app_role`: the schema owner migrates,
the runtime role the web app logs in as owns nothing, so it cannot switch off, drop or get round
the append-only triggers, and it cannot change a clinical record or the audit trail.

Each test performs an attack on a scratch database set up exactly as production is (the init
script, then `migrate` and `grant_app_role` as the owner, then the app's everyday writes as the
runtime role, tests/ops/runtime_role_workload.py) and shows it does no harm.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.audit_attacks import recompute_with_sha256

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "config.postgresql",
        reason="PostgreSQL only",
    ),
    pytest.mark.skipif(shutil.which("psql") is None, reason="needs the psql client"),
]

ROOT = Path(settings.BASE_DIR)
INIT_SQL = ROOT / "deploy" / "postgres-init" / "01-roles.sql"
AUDIT_TRIGGER = "audit_auditevent_no_update_delete"
APPEND_ONLY = [
    "audit_auditevent",
    "clients_historicalclient",
    "contraindications_historicalrulesetversion",
    "contraindications_rulesetversion",
    "contraindications_physicianclearance",
    "contraindications_referraldecision",
    "contraindications_referraldecisionrule",
    "contraindications_screening",
    "contraindications_treatmentplan",
    "intake_historicalintake",
    "review_noteaddendum",
    "intake_signedintake",
    "review_screeningfinding",
    "review_sessionnote",
    "rules_rulereview",
    "rules_rulesetactivation",
]


def _server():
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"] or "postgres",
    }


def _admin():
    return psycopg.connect(**_server(), dbname="postgres", autocommit=True)


def _pg_env(**extra):
    server = _server()
    return {
        **os.environ,
        "PGHOST": server["host"],
        "PGPORT": str(server["port"]),
        "PGUSER": server["user"],
        **extra,
    }


def run_init_sql(dbname, owner, app, owner_password_file, app_password_file):
    return subprocess.run(
        [
            "psql",
            "-q",
            "-d",
            dbname,
            "-v",
            f"owner_role={owner}",
            "-v",
            f"app_role={app}",
            "-f",
            str(INIT_SQL),
        ],
        env=_pg_env(
            OWNER_DB_PASSWORD_FILE=str(owner_password_file),
            APP_DB_PASSWORD_FILE=str(app_password_file),
        ),
        capture_output=True,
        text=True,
        check=False,
    )


def manage(*args, role, dbname, check=True):
    server = _server()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "development",
        "DATABASE_URL": f"postgres://{role}@{server['host']}:{server['port']}/{dbname}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


class Scratch:
    def __init__(self, dbname, owner, app):
        self.dbname, self.owner, self.app = dbname, owner, app

    def connect(self, role):
        return psycopg.connect(**{**_server(), "user": role}, dbname=self.dbname, autocommit=True)


def _drop(dbname, *roles):
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        for role in roles:
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    suffix = uuid.uuid4().hex[:8]
    dbname, owner, app = f"roles_{suffix}", f"clinic_owner_{suffix}", f"clinic_app_{suffix}"
    secrets_dir = tmp_path_factory.mktemp("secrets")
    (secrets_dir / "owner").write_text("owner-password-unused-with-trust-auth\n")
    (secrets_dir / "app").write_text("app-password-unused-with-trust-auth\n")
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    try:
        made = run_init_sql(dbname, owner, app, secrets_dir / "owner", secrets_dir / "app")
        assert made.returncode == 0, made.stderr
        manage("migrate", "--no-input", role=owner, dbname=dbname)
        manage("grant_app_role", "--role", app, role=owner, dbname=dbname)
        # The web app's start-up work and its everyday writes, as the runtime role.
        manage("load_rules", role=app, dbname=dbname)
        workload = "import tests.ops.runtime_role_workload as w; w.run()"
        manage("shell", "-c", workload, role=app, dbname=dbname)
        yield Scratch(dbname, owner, app)
    finally:
        _drop(dbname, app, owner)


def test_the_roles_are_not_superusers_and_the_runtime_role_owns_nothing(scratch):
    with scratch.connect(scratch.app) as conn:
        roles = dict(
            conn.execute(
                "SELECT rolname, rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls "
                "FROM pg_roles WHERE rolname IN (%s, %s)",
                [scratch.owner, scratch.app],
            ).fetchall()
        )
        assert roles == {scratch.owner: False, scratch.app: False}
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        assert owners == [(scratch.owner,)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE escape_hatch (id int)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f'CREATE ROLE "{scratch.app}_escalated" SUPERUSER')


def test_the_app_writes_its_records_as_the_runtime_role(scratch):
    with scratch.connect(scratch.app) as conn:
        for table in ("contraindications_screening", "contraindications_referraldecision",
                      "contraindications_physicianclearance", "audit_auditevent"):  # fmt: skip
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table  # noqa: S608


def test_append_only_tables_are_exactly_those_with_triggers_and_the_grants_match(scratch):
    with scratch.connect(scratch.app) as conn:
        rows = conn.execute(
            "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) "
            "FROM information_schema.role_table_grants WHERE grantee = %s "
            "GROUP BY table_name",
            [scratch.app],
        ).fetchall()
    grants = dict(rows)
    assert {t for t, privileges in grants.items() if "UPDATE" not in privileges} == set(APPEND_ONLY)
    for table in APPEND_ONLY:
        assert grants[table] == "INSERT,SELECT", table
    assert grants["intake_intake"] == "DELETE,INSERT,SELECT,UPDATE"
    assert not [t for t, privileges in grants.items() if "TRUNCATE" in privileges]


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE {t} DISABLE TRIGGER {t}_no_update_delete",
        "ALTER TABLE {t} DISABLE TRIGGER USER",
        "DROP TRIGGER {t}_no_update_delete ON {t}",
        "DROP TABLE {t} CASCADE",
        "ALTER TABLE {t} OWNER TO {app}",
        "UPDATE {t} SET id = id",
        "DELETE FROM {t}",
        "TRUNCATE {t} CASCADE",
    ],
)
@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_runtime_role_cannot_change_or_unprotect_an_append_only_table(
    scratch, table, statement
):
    with scratch.connect(scratch.owner) as owner:
        before = owner.execute(f"SELECT count(*), md5(string_agg(t::text, '' ORDER BY t::text)) FROM {table} t").fetchone()  # noqa: S608, E501  # fmt: skip
    with scratch.connect(scratch.app) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement.format(t=table, app=scratch.app))
    with scratch.connect(scratch.owner) as owner:
        after = owner.execute(f"SELECT count(*), md5(string_agg(t::text, '' ORDER BY t::text)) FROM {table} t").fetchone()  # noqa: S608, E501  # fmt: skip
        enabled = owner.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = %s", [f"{table}_no_update_delete"]
        ).fetchone()
    assert after == before
    assert enabled == ("O",)


def test_the_original_attack_fails_as_the_runtime_role(scratch):
    """One transaction: switch the audit trigger off, delete an event, change another's address,
    recompute the chain, switch the trigger back on. The first statement already fails."""
    with scratch.connect(scratch.app) as conn:
        conn.autocommit = False
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="owner"):
            conn.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update_delete"
            )
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "UPDATE contraindications_screening SET decision = 'proceed' "
                "WHERE id = (SELECT min(id) FROM contraindications_screening)"
            )
        conn.rollback()
    manage("verify_audit", role=scratch.app, dbname=scratch.dbname)


def test_a_submitted_intake_cannot_be_changed_by_the_runtime_role(scratch):
    with scratch.connect(scratch.app) as conn:
        submitted = conn.execute(
            "SELECT id FROM intake_intake WHERE status = 'submitted' LIMIT 1"
        ).fetchone()
        assert submitted is not None
        for statement in (
            "UPDATE intake_intake SET answers = '{}'::jsonb WHERE id = %s",
            "UPDATE intake_intake SET status = 'draft' WHERE id = %s",
            "DELETE FROM intake_intake WHERE id = %s",
        ):
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="submitted"):
                conn.execute(statement, submitted)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("TRUNCATE intake_intake CASCADE")


def test_the_owner_who_can_switch_triggers_off_still_cannot_rewrite_the_trail_unseen(
    scratch, tmp_path
):
    """The original attack, by the schema owner (who may disable triggers), recomputing the
    chain with plain SHA-256: verify_audit names the break; the checkpoint shows the loss."""
    checkpoint = tmp_path / "checkpoint.json"
    taken = manage("audit_checkpoint", role=scratch.owner, dbname=scratch.dbname)
    checkpoint.write_text(taken.stdout)
    assert json.loads(taken.stdout)["checkpoints"]
    with scratch.connect(scratch.owner) as conn, conn.transaction():
        conn.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {AUDIT_TRIGGER}")
        clinic, victim, edited = conn.execute(
            "SELECT clinic_id, min(id), max(id) FROM audit_auditevent GROUP BY clinic_id "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        conn.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim])
        conn.execute("UPDATE audit_auditevent SET ip_address = '10.6.6.6' WHERE id = %s", [edited])
        recompute_with_sha256(conn, clinic)
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        conn.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {AUDIT_TRIGGER}")
    verified = manage("verify_audit", role=scratch.app, dbname=scratch.dbname, check=False)
    assert verified.returncode == 1
    assert f"clinic {clinic}, event" in verified.stderr
    against = manage(
        "verify_audit", "--checkpoint", str(checkpoint),
        role=scratch.app, dbname=scratch.dbname, check=False,
    )  # fmt: skip
    assert against.returncode == 1
    assert f"checkpoint for clinic {clinic}" in against.stderr


@pytest.fixture
def empty_database():
    suffix = uuid.uuid4().hex[:8]
    dbname, owner, app = f"roles_{suffix}", f"clinic_owner_{suffix}", f"clinic_app_{suffix}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    yield dbname, owner, app
    _drop(dbname, app, owner)


@pytest.mark.parametrize(
    ("owner_text", "app_text", "message"),
    [
        ("", "app-password", "owner role's password file"),
        ("owner-password", "\n", "app role's password file"),
        (None, "app-password", "owner role's password file"),
        ("same-password", "same-password", "different passwords"),
    ],
)
def test_the_init_script_refuses_empty_missing_or_shared_passwords(
    empty_database, tmp_path, owner_text, app_text, message
):
    dbname, owner, app = empty_database
    owner_file, app_file = tmp_path / "owner", tmp_path / "app"
    if owner_text is not None:
        owner_file.write_text(owner_text)
    app_file.write_text(app_text)
    result = run_init_sql(dbname, owner, app, owner_file, app_file)
    assert result.returncode != 0
    assert message in result.stderr
    with _admin() as admin:
        assert not admin.execute(
            "SELECT rolname FROM pg_roles WHERE rolname IN (%s, %s)", [owner, app]
        ).fetchall()
