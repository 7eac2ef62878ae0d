"""The models move to rules/ and review/ (their tables stay). The row-change history of the
append-only records (screenings, plans, referral decisions, clearances) is dropped: each row
there only repeated its record's insert, which the record and its audit event keep (checked
before the drop)."""

APPEND_ONLY_HISTORY = [
    "contraindications_historicalscreening",
    "contraindications_historicaltreatmentplan",
    "contraindications_historicalreferraldecision",
    "contraindications_historicalphysicianclearance",
]


def check_history_only_inserts(apps, schema_editor):
    """Refuse to drop a history table that holds anything but the insert of each row.

    These tables duplicated append-only records (one "+" row per row, written at creation). Each
    record itself stays, with its creation audit event; a "~" or "-" row, or a "+" row whose
    record is gone, would be history we cannot drop without loss.
    """
    with schema_editor.connection.cursor() as cursor:
        for table in APPEND_ONLY_HISTORY:
            live = table.replace("historical", "", 1)
            cursor.execute(
                f"SELECT count(*) FROM {table} h WHERE h.history_type <> '+' "  # noqa: S608
                f"OR NOT EXISTS (SELECT 1 FROM {live} r WHERE r.id = h.id)"
            )
            (bad,) = cursor.fetchone()
            if bad:
                raise RuntimeError(
                    f"{table} has {bad} row(s) that are not the insert of a live record; "
                    "keep a backup of it and remove them by hand before migrating"
                )


from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0001_initial'),
        ('rules', '0001_initial'),
        ('contraindications', '0007_history_hash_unique'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(check_history_only_inserts, migrations.RunPython.noop),
                *(
                    migrations.RunSQL(f"DROP TABLE {table}", migrations.RunSQL.noop)
                    for table in APPEND_ONLY_HISTORY
                ),
            ],
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalreferraldecision',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='historicalreferraldecision',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='historicalreferraldecision',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='historicalreferraldecision',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalreferraldecision',
                    name='ruleset',
                ),
                migrations.RemoveField(
                    model_name='historicalreferraldecision',
                    name='screening',
                ),
                migrations.RemoveField(
                    model_name='historicalrulesetversion',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalrulesetversion',
                    name='loaded_by',
                ),
                migrations.RemoveField(
                    model_name='historicalscreening',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='historicalscreening',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='historicalscreening',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalscreening',
                    name='intake',
                ),
                migrations.RemoveField(
                    model_name='historicalscreening',
                    name='performed_by',
                ),
                migrations.RemoveField(
                    model_name='historicalscreening',
                    name='ruleset',
                ),
                migrations.RemoveField(
                    model_name='historicaltreatmentplan',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='historicaltreatmentplan',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='historicaltreatmentplan',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='historicaltreatmentplan',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicaltreatmentplan',
                    name='ruleset',
                ),
                migrations.RemoveField(
                    model_name='historicaltreatmentplan',
                    name='screening',
                ),
                migrations.RemoveField(
                    model_name='physicianclearance',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='physicianclearance',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='physicianclearance',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='physicianclearance',
                    name='ruleset',
                ),
                migrations.RemoveField(
                    model_name='physicianclearance',
                    name='screening',
                ),
                migrations.RemoveField(
                    model_name='referraldecision',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='referraldecision',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='referraldecision',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='referraldecision',
                    name='ruleset',
                ),
                migrations.RemoveField(
                    model_name='referraldecision',
                    name='screening',
                ),
                migrations.RemoveField(
                    model_name='referraldecisionrule',
                    name='decision',
                ),
                migrations.RemoveField(
                    model_name='referraldecisionrule',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='referraldecisionrule',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='rulesetversion',
                    name='loaded_by',
                ),
                migrations.RemoveField(
                    model_name='treatmentplan',
                    name='ruleset',
                ),
                migrations.RemoveField(
                    model_name='screening',
                    name='ruleset',
                ),
                migrations.RemoveField(
                    model_name='screening',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='screening',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='screening',
                    name='intake',
                ),
                migrations.RemoveField(
                    model_name='screening',
                    name='performed_by',
                ),
                migrations.RemoveField(
                    model_name='treatmentplan',
                    name='screening',
                ),
                migrations.RemoveField(
                    model_name='treatmentplan',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='treatmentplan',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='treatmentplan',
                    name='created_by',
                ),
                migrations.DeleteModel(
                    name='HistoricalPhysicianClearance',
                ),
                migrations.DeleteModel(
                    name='HistoricalReferralDecision',
                ),
                migrations.DeleteModel(
                    name='HistoricalRuleSetVersion',
                ),
                migrations.DeleteModel(
                    name='HistoricalScreening',
                ),
                migrations.DeleteModel(
                    name='HistoricalTreatmentPlan',
                ),
                migrations.DeleteModel(
                    name='PhysicianClearance',
                ),
                migrations.DeleteModel(
                    name='ReferralDecision',
                ),
                migrations.DeleteModel(
                    name='ReferralDecisionRule',
                ),
                migrations.DeleteModel(
                    name='RuleSetVersion',
                ),
                migrations.DeleteModel(
                    name='Screening',
                ),
                migrations.DeleteModel(
                    name='TreatmentPlan',
                ),
            ],
        )
    ]
