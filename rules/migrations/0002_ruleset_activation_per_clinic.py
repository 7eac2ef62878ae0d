"""Rule sets per clinic: RuleSetActivation (append-only) replaces RuleSetVersion.activated_at,
whose values become activation rows (the column stays, unread, as legacy)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('rules', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RuleSetActivation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('activated_at', models.DateTimeField()),
                ('activated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('clinic', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.clinic')),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='rules.rulesetversion')),
            ],
            options={
                'indexes': [models.Index(fields=['clinic', '-activated_at', '-id'], name='rules_rules_clinic__171516_idx')],
            },
        ),
    ]


def activations_from_activated_at(apps, schema_editor):
    """Every version once activated for the installation becomes an activation of the installation
    default and of every clinic, at the same time: the version in use today stays in use."""
    Version = apps.get_model("rules", "RuleSetVersion")
    Activation = apps.get_model("rules", "RuleSetActivation")
    Clinic = apps.get_model("accounts", "Clinic")
    clinic_ids = list(Clinic.objects.order_by("pk").values_list("pk", flat=True))
    for version in Version.objects.filter(activated_at__isnull=False).order_by("activated_at"):
        for clinic_id in [None, *clinic_ids]:
            Activation.objects.create(
                clinic_id=clinic_id, version=version, activated_at=version.activated_at
            )


FORBID = """
CREATE TRIGGER rules_rulesetactivation_no_update_delete BEFORE UPDATE OR DELETE
    ON rules_rulesetactivation FOR EACH ROW EXECUTE FUNCTION audit_forbid_change();
CREATE TRIGGER rules_rulesetactivation_no_truncate BEFORE TRUNCATE
    ON rules_rulesetactivation FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_change();
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in ("no_update_delete", "no_truncate"):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS rules_rulesetactivation_{name} ON rules_rulesetactivation"
            )


# Declared after the functions above, which the operations name.
Migration.dependencies.append(("audit", "0002_append_only"))
Migration.operations += [
    migrations.RunPython(activations_from_activated_at, migrations.RunPython.noop),
    migrations.RunPython(append_only, drop_append_only),
]
