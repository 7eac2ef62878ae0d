"""The rule-set tables, created by the contraindications app, now belong here: state only,
the tables keep their names (db_table)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contraindications', '0007_history_hash_unique'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalRuleSetVersion',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('history_ip', models.GenericIPAddressField(blank=True, null=True)),
                        ('history_prev_hash', models.CharField(editable=False, max_length=64)),
                        ('history_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('version', models.CharField(db_index=True, max_length=40)),
                        ('checksum', models.CharField(db_index=True, max_length=64)),
                        ('catalogue_version', models.CharField(max_length=40)),
                        ('rules', models.JSONField()),
                        ('catalogue', models.JSONField()),
                        ('rule_count', models.PositiveIntegerField()),
                        ('source_name', models.CharField(blank=True, max_length=200)),
                        ('loaded_at', models.DateTimeField(blank=True, editable=False)),
                        ('activated_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('loaded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical rule set version',
                        'verbose_name_plural': 'historical rule set versions',
                        'db_table': 'contraindications_historicalrulesetversion',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='RuleSetVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.CharField(max_length=40, unique=True)),
                        ('checksum', models.CharField(max_length=64, unique=True)),
                        ('catalogue_version', models.CharField(max_length=40)),
                        ('rules', models.JSONField()),
                        ('catalogue', models.JSONField()),
                        ('rule_count', models.PositiveIntegerField()),
                        ('source_name', models.CharField(blank=True, max_length=200)),
                        ('loaded_at', models.DateTimeField(auto_now_add=True)),
                        ('activated_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                        ('loaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'contraindications_rulesetversion',
                        'ordering': ['-loaded_at'],
                    },
                ),
            ],
        )
    ]
