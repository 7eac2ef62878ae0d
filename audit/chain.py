"""The audit trail's hash chain: each event's hash covers its content and the previous event's
hash (per clinic), so an edited, removed or reordered row breaks every hash after it."""

import hashlib
from dataclasses import dataclass
from datetime import UTC

GENESIS = "0" * 64


def event_digest(
    *, prev_hash, clinic_id, actor_id, action, object_type, object_id, detail, ip_address, at
) -> str:
    payload = "\x1f".join(
        str(part)
        for part in (
            prev_hash,
            clinic_id,
            actor_id or "",
            action,
            object_type,
            object_id,
            detail,
            ip_address or "",
            at.astimezone(UTC).isoformat(timespec="microseconds"),
        )
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def digest_of(event, prev_hash: str) -> str:
    return event_digest(
        prev_hash=prev_hash,
        clinic_id=event.clinic_id,
        actor_id=event.actor_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        detail=event.detail,
        ip_address=event.ip_address,
        at=event.at,
    )


@dataclass(frozen=True)
class ChainBreak:
    clinic_id: int
    event_id: int
    reason: str


def verify_chain(events) -> list[ChainBreak]:
    """Check events (of one clinic, in id order); return every place the chain does not hold."""
    breaks = []
    prev_hash = GENESIS
    for event in events:
        if event.prev_hash != prev_hash:
            breaks.append(ChainBreak(event.clinic_id, event.pk, "previous hash does not match"))
        if digest_of(event, event.prev_hash) != event.hash:
            breaks.append(ChainBreak(event.clinic_id, event.pk, "content does not match its hash"))
        prev_hash = event.hash
    return breaks
