"""The signed intake on file is append-only in PostgreSQL itself, like the review records
(review/migrations/0004): a trigger refuses UPDATE and DELETE for every role, TRUNCATE for all
but a superuser. Its `<table>_no_update_delete` name is what ops.db_roles looks for, so
`grant_app_role` also withholds UPDATE and DELETE from the runtime role."""

from django.db import migrations

TABLE = "intake_signedintake"

FORBID_FUNCTION = """
CREATE OR REPLACE FUNCTION intake_forbid_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: % is not allowed (the signed intake is made once)',
        TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = f"""
CREATE TRIGGER {TABLE}_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION intake_forbid_change();
CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION intake_forbid_change();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FORBID_FUNCTION, params=None)
    schema_editor.execute(TRIGGERS, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE}")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
    schema_editor.execute("DROP FUNCTION IF EXISTS intake_forbid_change()")


class Migration(migrations.Migration):
    dependencies = [("intake", "0010_signed_intake_guardian_device")]

    operations = [migrations.RunPython(install, uninstall)]
