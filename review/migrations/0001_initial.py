"""Screenings and the therapist's review records, created by the contraindications app, now
belong here: state only, the tables keep their names (db_table)."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contraindications', '0007_history_hash_unique'),
        ('accounts', '0001_initial'),
        ('clients', '0005_history_hash_unique'),
        ('intake', '0008_history_hash_unique'),
        ('rules', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Screening',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('decision', models.CharField(choices=[('refer_urgent', 'Refer urgently'), ('refer', 'Refer'), ('postpone', 'Postpone'), ('clearance_required', 'Physician clearance required'), ('modify', 'Modify'), ('proceed', 'Proceed')], max_length=24)),
                        ('inputs', models.JSONField()),
                        ('result', models.JSONField()),
                        ('cleared_rule_ids', models.JSONField(blank=True, default=list)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='screenings', to='clients.client')),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.clinic')),
                        ('intake', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='screenings', to='intake.intake')),
                        ('performed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('ruleset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='screenings', to='rules.rulesetversion')),
                    ],
                    options={
                        'db_table': 'contraindications_screening',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ReferralDecision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('rule_ids', models.JSONField()),
                        ('urgent', models.BooleanField()),
                        ('action', models.CharField(choices=[('referred', 'Referred'), ('postponed', 'Postponed'), ('overridden', 'Overridden (session goes ahead)')], max_length=16)),
                        ('referred_to', models.CharField(blank=True, max_length=200)),
                        ('method', models.CharField(blank=True, choices=[('letter', 'Referral letter'), ('fax', 'Fax'), ('email', 'Email'), ('phone', 'Phone call'), ('client_self', 'Client to contact them'), ('emergency', 'Emergency services')], max_length=16)),
                        ('urgency', models.CharField(blank=True, choices=[('emergency', 'Emergency, now'), ('today', 'Same day'), ('within_week', 'Within a week'), ('routine', 'Routine')], max_length=16)),
                        ('request_text', models.TextField(blank=True)),
                        ('reason', models.TextField(blank=True)),
                        ('urgent_override_confirmed', models.BooleanField(default=False)),
                        ('decided_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clients.client')),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.clinic')),
                        ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('ruleset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='rules.rulesetversion')),
                        ('screening', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='review.screening')),
                    ],
                    options={
                        'db_table': 'contraindications_referraldecision',
                        'ordering': ['-decided_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='PhysicianClearance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('physician_name', models.CharField(max_length=200)),
                        ('cleared_on', models.DateField()),
                        ('expires_on', models.DateField()),
                        ('rule_ids', models.JSONField()),
                        ('notes', models.TextField(blank=True)),
                        ('recorded_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clients.client')),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.clinic')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('ruleset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='rules.rulesetversion')),
                        ('screening', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='clearances', to='review.screening')),
                    ],
                    options={
                        'db_table': 'contraindications_physicianclearance',
                        'ordering': ['-recorded_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='TreatmentPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('modalities', models.JSONField(default=list)),
                        ('regions', models.JSONField(default=list)),
                        ('pressure', models.PositiveSmallIntegerField()),
                        ('acupoints', models.JSONField(default=list)),
                        ('oils', models.JSONField(default=list)),
                        ('position', models.CharField(blank=True, max_length=24)),
                        ('duration_minutes', models.PositiveSmallIntegerField()),
                        ('notes', models.TextField(blank=True)),
                        ('check_result', models.JSONField()),
                        ('compliant', models.BooleanField()),
                        ('override_reason', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clients.client')),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.clinic')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('ruleset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='rules.rulesetversion')),
                        ('screening', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='review.screening')),
                    ],
                    options={
                        'db_table': 'contraindications_treatmentplan',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ReferralDecisionRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rule_id', models.CharField(max_length=64)),
                        ('category', models.CharField(blank=True, max_length=40)),
                        ('action', models.CharField(choices=[('referred', 'Referred'), ('postponed', 'Postponed'), ('overridden', 'Overridden (session goes ahead)')], max_length=16)),
                        ('decided_at', models.DateTimeField()),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.clinic')),
                        ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decision', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rule_links', to='review.referraldecision')),
                    ],
                    options={
                        'db_table': 'contraindications_referraldecisionrule',
                        'ordering': ['-decided_at', '-id'],
                        'indexes': [models.Index(fields=['clinic', 'decided_at'], name='decisionrule_clinic_at_idx'), models.Index(fields=['clinic', 'rule_id', 'decided_at'], name='decisionrule_clinic_rule_idx')],
                        'constraints': [models.UniqueConstraint(fields=('decision', 'rule_id'), name='decisionrule_once')],
                    },
                ),
                migrations.AddIndex(
                    model_name='screening',
                    index=models.Index(fields=['clinic', 'decision', '-created_at'], name='contraindic_clinic__6fc391_idx'),
                ),
                migrations.AddIndex(
                    model_name='screening',
                    index=models.Index(fields=['client', '-created_at'], name='contraindic_client__f78819_idx'),
                ),
                migrations.AddIndex(
                    model_name='referraldecision',
                    index=models.Index(fields=['clinic', 'decided_at'], name='referral_clinic_at_idx'),
                ),
                migrations.AddIndex(
                    model_name='referraldecision',
                    index=models.Index(fields=['clinic', 'decided_by', 'decided_at'], name='referral_clinic_by_at_idx'),
                ),
                migrations.AddConstraint(
                    model_name='referraldecision',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('action', 'overridden'), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='referral_override_needs_reason'),
                ),
                migrations.AddConstraint(
                    model_name='referraldecision',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('action', 'overridden'), ('urgent', True), _negated=True), ('urgent_override_confirmed', True), _connector='OR'), name='referral_urgent_override_confirmed'),
                ),
                migrations.AddConstraint(
                    model_name='referraldecision',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('action', 'referred'), _negated=True), models.Q(models.Q(('referred_to', ''), _negated=True), models.Q(('method', ''), _negated=True), models.Q(('urgency', ''), _negated=True)), _connector='OR'), name='referral_names_whom_how_when'),
                ),
                migrations.AddConstraint(
                    model_name='referraldecision',
                    constraint=models.CheckConstraint(condition=models.Q(('rule_ids', []), _negated=True), name='referral_names_findings'),
                ),
                migrations.AddIndex(
                    model_name='physicianclearance',
                    index=models.Index(fields=['client', 'expires_on'], name='contraindic_client__c27e67_idx'),
                ),
                migrations.AddConstraint(
                    model_name='physicianclearance',
                    constraint=models.CheckConstraint(condition=models.Q(('physician_name', ''), _negated=True), name='clearance_names_physician'),
                ),
                migrations.AddConstraint(
                    model_name='physicianclearance',
                    constraint=models.CheckConstraint(condition=models.Q(('expires_on__gte', models.F('cleared_on'))), name='clearance_expires_after_issue'),
                ),
                migrations.AddConstraint(
                    model_name='physicianclearance',
                    constraint=models.CheckConstraint(condition=models.Q(('rule_ids', []), _negated=True), name='clearance_has_scope'),
                ),
                migrations.AddConstraint(
                    model_name='treatmentplan',
                    constraint=models.CheckConstraint(condition=models.Q(('compliant', True), models.Q(('override_reason', ''), _negated=True), _connector='OR'), name='plan_override_needs_reason'),
                ),
                migrations.AddConstraint(
                    model_name='treatmentplan',
                    constraint=models.CheckConstraint(condition=models.Q(('pressure__gte', 1), ('pressure__lte', 5)), name='plan_pressure_1_to_5'),
                ),
            ],
        )
    ]
