"""A client who cannot draw may sign by typing their name: a submitted intake has exactly one of
a drawn signature (PNG) or a typed name, and says which.

Every intake submitted before this migration was signed with a finger. The trigger from 0004
refuses any UPDATE of a submitted intake, so they are not updated: the new column is added with
the default "drawn", which PostgreSQL writes into the existing rows as part of ALTER TABLE (no
row trigger fires), and only the unsigned rows (drafts, cancelled) are then set back to "".
"""

from django.db import migrations, models

SIGNATURE_METHODS = [("drawn", "Drawn with a finger"), ("typed", "Typed name")]


def unsigned_have_no_method(apps, schema_editor):
    Intake = apps.get_model("intake", "Intake")
    # Drafts and cancelled intakes only: the 0004 trigger allows these updates.
    Intake.objects.exclude(status="submitted").update(signature_method="")


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_intake_history")]

    operations = [
        migrations.AddField(
            model_name="intake",
            name="signature_typed_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="intake",
            name="signature_method",
            field=models.CharField(
                blank=True, choices=SIGNATURE_METHODS, default="drawn", max_length=8
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalintake",
            name="signature_typed_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="historicalintake",
            name="signature_method",
            field=models.CharField(blank=True, choices=SIGNATURE_METHODS, max_length=8),
        ),
        migrations.RemoveConstraint(model_name="intake", name="intake_submitted_is_signed"),
        migrations.AddConstraint(
            model_name="intake",
            constraint=models.CheckConstraint(
                condition=~models.Q(status="submitted")
                | models.Q(consent__isnull=False, signed_at__isnull=False, kiosk_token__isnull=True)
                & (
                    models.Q(
                        signature_method="drawn",
                        signature_png__isnull=False,
                        signature_typed_name="",
                    )
                    | models.Q(signature_method="typed", signature_png__isnull=True)
                    & ~models.Q(signature_typed_name="")
                ),
                name="intake_submitted_is_signed",
            ),
        ),
        # Last: an UPDATE before the ALTER TABLEs above could leave trigger events pending.
        migrations.RunPython(unsigned_have_no_method, migrations.RunPython.noop),
    ]
