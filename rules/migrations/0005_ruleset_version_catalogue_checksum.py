"""Each rule-set version also keeps the checksum of its question catalogue, so a process can
tell questions changed in the database after loading, as it tells changed rules by `checksum`.
Filled in here for the versions already stored: the table is append-only (rules/0004), so its
trigger is set aside for this one UPDATE, by the migrating role that owns the table."""

import hashlib
import json


from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0004_ruleset_version_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalrulesetversion",
            name="catalogue_checksum",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="rulesetversion",
            name="catalogue_checksum",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
    ]


TABLE = "contraindications_rulesetversion"
TRIGGER = f"{TABLE}_no_update_delete"


def _checksum(data):
    # As contraindications.engine.catalogue_checksum, written out: a migration keeps its meaning.
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fill_in(apps, schema_editor):
    versions = apps.get_model("rules", "RuleSetVersion").objects.using(
        schema_editor.connection.alias
    )
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
    for pk, catalogue in versions.values_list("pk", "catalogue"):
        versions.filter(pk=pk).update(catalogue_checksum=_checksum(catalogue))
    if postgresql:
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")


Migration.operations.append(migrations.RunPython(fill_in, migrations.RunPython.noop))
