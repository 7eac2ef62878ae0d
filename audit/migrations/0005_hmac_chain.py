"""Re-chain the audit trail with HMAC-SHA256 keyed by settings.AUDIT_HMAC_KEY (audit/chain.py).

Until now an event's hash was a plain SHA-256 of its content and the previous hash: anyone able
to rewrite the table could delete or edit an event and recompute every later hash, and
`verify_audit` would call the trail intact. The key never enters the database, so that is no
longer possible.

Each clinic's existing chain is verified with the old digest FIRST; if it does not hold, the
migration stops (re-chaining would launder the tampering): restore a backup, or investigate.
The append-only trigger is switched off only for this rewrite, in this transaction, which needs
the table's owner (the migrating role); the runtime role cannot do this.
"""

import hashlib
from datetime import UTC

from django.db import migrations

GENESIS = "0" * 64
TRIGGER = "audit_auditevent_no_update_delete"


def _payload(event, prev_hash) -> bytes:
    parts = (
        prev_hash,
        event.clinic_id,
        event.actor_id or "",
        event.action,
        event.object_type,
        event.object_id,
        event.detail,
        event.ip_address or "",
        event.at.astimezone(UTC).isoformat(timespec="microseconds"),
    )
    return "\x1f".join(str(part) for part in parts).encode("utf-8")


def sha256_digest(event, prev_hash) -> str:
    """The digest used before this migration, frozen here."""
    return hashlib.sha256(_payload(event, prev_hash)).hexdigest()


def rechain(apps, schema_editor):
    from audit.chain import digest_of

    AuditEvent = apps.get_model("audit", "AuditEvent")
    # order_by(): the model's default ordering would make DISTINCT return a clinic many times.
    clinic_ids = set(AuditEvent.objects.order_by().values_list("clinic_id", flat=True).distinct())
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres and AuditEvent.objects.exists():
        schema_editor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
    for clinic_id in sorted(clinic_ids):
        events = list(AuditEvent.objects.filter(clinic_id=clinic_id).order_by("id"))
        prev = GENESIS
        for event in events:
            if event.prev_hash != prev or sha256_digest(event, event.prev_hash) != event.hash:
                raise RuntimeError(
                    f"audit chain of clinic {clinic_id} is already broken at event {event.pk}; "
                    "refusing to re-chain it (restore a backup or investigate first)"
                )
            prev = event.hash
        prev = GENESIS
        for event in events:
            event.prev_hash = prev
            event.hash = digest_of(event, prev)
            prev = event.hash
        AuditEvent.objects.bulk_update(events, ["prev_hash", "hash"], batch_size=1000)
    if postgres and AuditEvent.objects.exists():
        # Deferred foreign-key checks queued by the updates must run before the ALTER TABLE.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_intake_history_append_only")]

    # Irreversible on purpose: going back to an unkeyed chain would undo the protection.
    operations = [migrations.RunPython(rechain)]
