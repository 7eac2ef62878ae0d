"""A submitted, signed intake is a record of what the client declared: the database refuses to
change or delete it, whatever code path tries (the service refuses first, with a message)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION intake_refuse_change_after_submit() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'submitted' THEN
        RAISE EXCEPTION 'intake % is submitted and signed: it cannot be changed', OLD.public_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER intake_immutable_after_submit
    BEFORE UPDATE OR DELETE ON intake_intake
    FOR EACH ROW EXECUTE FUNCTION intake_refuse_change_after_submit();
"""

DROP = """
DROP TRIGGER IF EXISTS intake_immutable_after_submit ON intake_intake;
DROP FUNCTION IF EXISTS intake_refuse_change_after_submit();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_seed_consent")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
