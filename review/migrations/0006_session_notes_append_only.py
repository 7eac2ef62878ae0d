"""Signed session notes and their addenda are append-only in PostgreSQL itself, with the same
trigger function as the other review records (0004_append_only_in_database): a correction to a
note is an addendum, never an UPDATE. `grant_app_role` finds the triggers and revokes UPDATE and
DELETE on both tables from the runtime role (ops/db_roles.py)."""

from django.db import migrations

TABLES = ["review_sessionnote", "review_noteaddendum"]


def forbid_sql(table):
    # review_forbid_change() was created by 0004 and is shared by every append-only review table.
    return f"""
    CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION review_forbid_change();
    CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION review_forbid_change();
    """


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(forbid_sql(table), params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


class Migration(migrations.Migration):
    dependencies = [("review", "0005_session_notes")]

    operations = [migrations.RunPython(install, uninstall)]
