"""A rule-set version is never edited (a change is a new version), and now the database holds to
it: a trigger refuses UPDATE, DELETE and TRUNCATE, and `grant_app_role` takes the app's UPDATE
and DELETE away. Before this, the app's own role could rewrite a version's rules in place."""

from django.db import migrations

TABLE = "contraindications_rulesetversion"
FORBID = f"""
CREATE TRIGGER {TABLE}_no_update_delete BEFORE UPDATE OR DELETE
    ON {TABLE} FOR EACH ROW EXECUTE FUNCTION audit_forbid_change();
CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE
    ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_change();
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in ("no_update_delete", "no_truncate"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name} ON {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("rules", "0003_rule_reviews"), ("audit", "0002_append_only")]
    operations = [migrations.RunPython(append_only, drop_append_only)]
