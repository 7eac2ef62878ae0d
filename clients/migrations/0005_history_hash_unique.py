from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_history_hash")]

    operations = [
        migrations.AlterField(
            model_name="historicalclient",
            name="history_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
