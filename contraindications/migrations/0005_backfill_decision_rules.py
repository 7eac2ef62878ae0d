"""Copy the rules of referral decisions made before ReferralDecisionRule existed."""

from django.db import migrations


def backfill(apps, schema_editor):
    ReferralDecision = apps.get_model("contraindications", "ReferralDecision")
    ReferralDecisionRule = apps.get_model("contraindications", "ReferralDecisionRule")
    rows = []
    decisions = ReferralDecision.objects.filter(rule_links__isnull=True).select_related("screening")
    for decision in decisions.iterator(1000):
        categories = {
            f["rule_id"]: f.get("category", "") for f in decision.screening.result.get("findings", [])
        }
        rows.extend(
            ReferralDecisionRule(
                decision_id=decision.pk,
                clinic_id=decision.clinic_id,
                rule_id=rule_id,
                category=categories.get(rule_id, ""),
                action=decision.action,
                decided_by_id=decision.decided_by_id,
                decided_at=decision.decided_at,
            )
            for rule_id in decision.rule_ids
        )
    ReferralDecisionRule.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("contraindications", "0004_history_and_decision_rules")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
