"""What an attacker who can rewrite the audit table does after editing it: recompute every
prev_hash/hash of a clinic's chain with plain SHA-256 (the pre-HMAC digest), as the original
attack did, so the chain is self-consistent again."""

import hashlib
from datetime import UTC

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
