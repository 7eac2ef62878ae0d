"""What an attacker who can rewrite the audit tables does after editing them: recompute every
hash of a chain with plain SHA-256 (the pre-HMAC digest), as the original attack did, so the
chain is self-consistent again."""

import hashlib
import json
from datetime import UTC

from audit.chain import canonical_value, history_values

GENESIS = "0" * 64


def sha256_digest(row, prev_hash: str) -> str:
    clinic_id, actor_id, action, object_type, object_id, detail, ip_address, at = row
    payload = "\x1f".join(
        str(part)
        for part in (
            prev_hash, clinic_id, actor_id or "", action, object_type, object_id, detail,
            ip_address or "", at.astimezone(UTC).isoformat(timespec="microseconds"),
        )
    )  # fmt: skip
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def recompute_with_sha256(cursor, clinic_id: int) -> None:
    """Rewrite the chain of one clinic (triggers must already be off). `cursor`: psycopg
    connection or cursor, or a Django cursor."""
    rows = cursor.execute(
        "SELECT id, clinic_id, actor_id, action, object_type, object_id, detail, "
        "host(ip_address), at FROM audit_auditevent WHERE clinic_id = %s ORDER BY id",
        [clinic_id],
    )
    rows = (rows if rows is not None else cursor).fetchall()
    prev = GENESIS
    for event_id, *content in rows:
        digest = sha256_digest(content, prev)
        cursor.execute(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, digest, event_id],
        )
        prev = digest


def recompute_history_with_sha256(model) -> None:
    """Rewrite the whole chain of one history table with plain SHA-256 (triggers must be off).
    `model`: the historical model (e.g. Client.history.model)."""
    prev = GENESIS
    for row in model._base_manager.order_by("history_id"):
        body = json.dumps(
            {name: canonical_value(value) for name, value in history_values(row).items()},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=True,
        )
        payload = "\x1f".join((prev, model._meta.db_table, body))
        digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        model._base_manager.filter(pk=row.pk).update(history_prev_hash=prev, history_hash=digest)
        prev = digest
