"""deploy/postgres-init/01-app-role.sql: the app's role can migrate and run the app, but it is
not a superuser, so the audit trail stays append-only for it."""

import os
import shutil
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("psql") is None, reason="needs the psql client"),
]

INIT_SQL = settings.BASE_DIR / "deploy" / "postgres-init" / "01-app-role.sql"


@pytest.fixture
def fresh_database(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    name, role = f"app_role_check_{os.getpid()}", f"clinic_app_check_{os.getpid()}"
    password_file = tmp_path / "db_password"
    password_file.write_text("not-used-with-trust-auth\n")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name, role, password_file
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_app_role_migrates_without_superuser_and_cannot_empty_the_audit_trail(fresh_database):
    name, role, password_file = fresh_database
    db = connection.settings_dict
    env = {**os.environ, "PGHOST": db["HOST"], "PGPORT": str(db["PORT"]), "PGUSER": db["USER"]}
    subprocess.run(
        ["psql", "-q", "-d", name, "-v", f"app_role={role}", "-f", str(INIT_SQL)],
        env={**env, "APP_DB_PASSWORD_FILE": str(password_file)},
        check=True,
        capture_output=True,
    )
    app_url = f"postgres://{role}@{db['HOST']}:{db['PORT']}/{name}"
    for command in (["migrate", "--no-input"], ["load_rules"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env={**env, "DATABASE_URL": app_url, "DJANGO_SETTINGS_MODULE": "config.settings"},
            check=True,
            capture_output=True,
        )

    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=role, dbname=name, autocommit=True
    ) as conn:
        assert conn.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone() == (False,)
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        assert owners == [(role,)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute("TRUNCATE audit_auditevent")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f'CREATE ROLE "{role}_escalated" SUPERUSER')
