from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contraindications", "0006_history_hash")]

    operations = [
        migrations.AlterField(
            model_name="historicalphysicianclearance",
            name="history_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="historicalreferraldecision",
            name="history_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="historicalrulesetversion",
            name="history_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="historicalscreening",
            name="history_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="historicaltreatmentplan",
            name="history_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
