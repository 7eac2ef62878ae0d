"""Make the row-change history tables (django-simple-history, see audit/history.py) append-only
in PostgreSQL, with the trigger function of 0002_append_only: no role may UPDATE or DELETE a
history row, and only a superuser may TRUNCATE one of the tables (test databases are flushed).

The table list is fixed here on purpose: a later migration adds the triggers for a table tracked
later (e.g. intake_historicalintake), so this migration means the same thing forever.
"""

from django.db import migrations

TABLES = [
    "clients_historicalclient",
    "contraindications_historicalrulesetversion",
    "contraindications_historicalscreening",
    "contraindications_historicaltreatmentplan",
    "contraindications_historicalreferraldecision",
    "contraindications_historicalphysicianclearance",
]


def forbid_sql(table):
    return f"""
    CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION audit_forbid_change();
    CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_change();
    """


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(forbid_sql(table))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
        ("clients", "0002_historicalclient"),
        ("contraindications", "0004_history_and_decision_rules"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
