from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("intake", "0007_history_hash")]

    operations = [
        migrations.AlterField(
            model_name="historicalintake",
            name="history_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
