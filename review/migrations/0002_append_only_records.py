"""Screenings and the therapist's review records are append-only in PostgreSQL itself: no role
may UPDATE or DELETE a row, only a superuser may TRUNCATE (test databases are flushed). A
correction is a new row (a re-screening, a new decision or clearance, a new plan).

The triggers are named `<table>_no_update_delete` like the audit tables' (audit 0002/0003):
`manage.py grant_app_role` gives the app's role only SELECT and INSERT on any table carrying
one. The Python guard (review.models.AppendOnlyModel) refuses first, with a message.
"""

from django.db import migrations

TABLES = [
    "contraindications_screening",
    "contraindications_treatmentplan",
    "contraindications_referraldecision",
    "contraindications_referraldecisionrule",
    "contraindications_physicianclearance",
]

FORBID_FUNCTION = """
CREATE OR REPLACE FUNCTION review_forbid_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: % is not allowed (a correction is a new row)',
        TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forbid_sql(table):
    return f"""
    CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION review_forbid_change();
    CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION review_forbid_change();
    """


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FORBID_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(forbid_sql(table), params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS review_forbid_change()")


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
