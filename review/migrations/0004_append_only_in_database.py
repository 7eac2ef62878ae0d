"""Screenings, treatment plans, referral decisions (and their per-rule rows) and physician
clearances are append-only in PostgreSQL itself, not only in the models: a trigger refuses
UPDATE and DELETE for every role, and TRUNCATE for every role but a superuser (test databases
are flushed that way; a superuser can switch triggers off anyway). A correction is a new row.

The runtime role does not own these tables, so it can neither disable nor drop the triggers
(docs/DEPLOY.md, "The database roles"). SQLite (the local demo) has no such protection.

The table list is fixed here on purpose: a table made append-only later gets its own migration.
"""

from django.db import migrations

TABLES = [
    "contraindications_screening",
    "contraindications_treatmentplan",
    "contraindications_referraldecision",
    "contraindications_referraldecisionrule",
    "contraindications_physicianclearance",
    # One row per finding of a screening (oversight/fatigue.py): as unchangeable as the screening.
    "review_screeningfinding",
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
    dependencies = [
        ("review", "0003_screening_findings"),
        ("contraindications", "0008_moved_to_rules_and_review"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
