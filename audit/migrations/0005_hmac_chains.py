"""The audit trail's chains move from plain SHA-256 to HMAC-SHA256 under AUDIT_HMAC_KEY
(audit/chain.py): every existing chain is checked as it was, then re-chained with the key.

A chain that already verifies under the key is left alone (a fresh database, or this migration
run again); one that verifies under neither stops the migration, naming it: re-chaining would
hide whatever broke it. Investigate with the previous release's `manage.py verify_audit`.
"""

from django.db import migrations

from audit.chain import LEGACY_SHA256
from audit.rechain import chains, rechain

HISTORY_MODELS = [
    ("clients", "HistoricalClient"),
    ("intake", "HistoricalIntake"),
    ("rules", "HistoricalRuleSetVersion"),
]


def forward(apps, schema_editor):
    event_model = apps.get_model("audit", "AuditEvent")
    history_models = [apps.get_model(app, name) for app, name in HISTORY_MODELS]
    for chain in chains(event_model, history_models):
        if not chain.breaks(None):
            continue
        broken = chain.breaks(LEGACY_SHA256)
        if broken:
            raise RuntimeError(
                f"audit chain {chain.label} is broken before re-chaining "
                f"({len(broken)} place(s), first at {broken[0]}); not re-chaining it"
            )
        rechain(chain, connection=schema_editor.connection, key=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_intake_history_append_only"),
        ("clients", "0005_history_hash_unique"),
        ("intake", "0008_history_hash_unique"),
        ("rules", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
