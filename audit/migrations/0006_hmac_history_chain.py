"""Re-chain the row-change history tables with HMAC-SHA256 keyed by settings.AUDIT_HMAC_KEY, as
0005 did for the audit events: with a plain SHA-256, whoever could switch the triggers off could
edit a history row and recompute the chain unseen.

Each table's existing chain is verified with the old digest first; a broken one stops the
migration (re-chaining would launder the tampering). The table list is fixed here on purpose.
"""

import hashlib
import json

from django.db import migrations

from audit.chain import canonical_value, history_digest_of, history_values

GENESIS = "0" * 64
TABLES = [
    "clients_historicalclient",
    "intake_historicalintake",
    "contraindications_historicalrulesetversion",
]
BATCH = 1000


def sha256_history_digest(row, prev_hash) -> str:
    """The digest used before this migration, frozen here."""
    values = history_values(row)
    body = json.dumps(
        {name: canonical_value(value) for name, value in values.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    payload = "\x1f".join((prev_hash, row._meta.db_table, body))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _rows(model):
    return model._base_manager.order_by("history_id").iterator(chunk_size=2000)


def _holds(model, digest) -> bool:
    prev = GENESIS
    for row in _rows(model):
        if row.history_prev_hash != prev or digest(row, prev) != row.history_hash:
            return False
        prev = row.history_hash
    return True


def rechain(apps, schema_editor):
    by_table = {model._meta.db_table: model for model in apps.get_models()}
    postgres = schema_editor.connection.vendor == "postgresql"
    for table in TABLES:
        model = by_table[table]
        if _holds(model, history_digest_of):
            # Chained with the key already: the rows were written, or backfilled by an earlier
            # migration (clients 0004, intake 0007), with today's code after this one existed.
            continue
        if not _holds(model, sha256_history_digest):
            raise RuntimeError(
                f"history chain of {table} does not verify; refusing to re-chain it "
                "(restore a backup or investigate first)"
            )
        if postgres:
            schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_update_delete")
        prev, batch = GENESIS, []
        for row in _rows(model):
            row.history_prev_hash = prev
            row.history_hash = history_digest_of(row, prev)
            prev = row.history_hash
            batch.append(row)
            if len(batch) == BATCH:
                model._base_manager.bulk_update(batch, ["history_prev_hash", "history_hash"])
                batch = []
        model._base_manager.bulk_update(batch, ["history_prev_hash", "history_hash"])
        if postgres:
            # Deferred foreign-key checks queued by the updates must run before the ALTER TABLE.
            schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_update_delete")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_hmac_chain"),
        ("clients", "0006_address_max_length"),
        ("intake", "0008_history_hash_unique"),
        ("rules", "0001_initial"),
    ]

    # Irreversible on purpose: going back to an unkeyed chain would undo the protection.
    operations = [migrations.RunPython(rechain)]
