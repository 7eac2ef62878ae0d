"""Hash-chain the row-change history (audit/history.py, audit/chain.py): add the two hash
columns, then compute the chain of the rows already there in history_id order.

The hash becomes unique in the next migration, once every row has one (the UPDATEs here and
the new unique index stay in separate transactions)."""

from functools import partial

from django.db import migrations, models

from audit.history import backfill_history_chain

MODELS = ["historicalphysicianclearance", "historicalreferraldecision", "historicalrulesetversion", "historicalscreening", "historicaltreatmentplan"]


class Migration(migrations.Migration):
    dependencies = [("contraindications", "0005_backfill_decision_rules")]

    operations = [
        migrations.AddField(
            model_name="historicalphysicianclearance",
            name="history_prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalphysicianclearance",
            name="history_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalreferraldecision",
            name="history_prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalreferraldecision",
            name="history_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalrulesetversion",
            name="history_prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalrulesetversion",
            name="history_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalscreening",
            name="history_prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalscreening",
            name="history_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicaltreatmentplan",
            name="history_prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicaltreatmentplan",
            name="history_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(
            partial(backfill_history_chain, app_label="contraindications", model_names=MODELS),
            migrations.RunPython.noop,
        ),
    ]
