"""The audit trail's hash chains: each event's hash covers its content and the previous event's
hash (per clinic), so an edited, removed or reordered row breaks every hash after it.

An event's hash is an HMAC-SHA256 keyed by settings.AUDIT_HMAC_KEY, a secret the database never
holds: whoever can rewrite the table (its owner, a superuser, the disk) cannot recompute valid
hashes without the key. What a chain cannot show by itself, the newest events removed, a signed
checkpoint kept off the host shows (`checkpoint_signature`, `manage.py audit_checkpoint`).

The row-change history tables (audit/history.py) are chained the same way (keyed by the same
secret), one chain per table in history_id order: a history row's hash covers the table name and
every stored value of the row except history_id and the hash fields (see `history_digest`).
"""

import base64
import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC

GENESIS = "0" * 64


def chain_key() -> bytes:
    from django.conf import settings

    key = settings.AUDIT_HMAC_KEY
    assert isinstance(key, str)  # settings derive or require it (config/settings.py)
    return key.encode("utf-8")


def event_digest(
    *,
    prev_hash,
    clinic_id,
    actor_id,
    action,
    object_type,
    object_id,
    detail,
    ip_address,
    at,
    key: bytes | None = None,
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
    return hmac.new(key or chain_key(), payload.encode("utf-8"), hashlib.sha256).hexdigest()


def digest_of(event, prev_hash: str, *, key: bytes | None = None) -> str:
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
        key=key,
    )


def checkpoint_signature(*, clinic_id: int, count: int, head_hash: str) -> str:
    """The HMAC that makes a checkpoint (a chain's length and head) unforgeable off the host."""
    payload = "\x1f".join(("audit-checkpoint", str(clinic_id), str(count), head_hash))
    return hmac.new(chain_key(), payload.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    clinic_id: int
    event_id: int
    reason: str


PREV_MISMATCH = "previous hash does not match"
CONTENT_MISMATCH = "content does not match its hash"


def _walk(rows, *, prev_of: Callable, hash_of: Callable, digest: Callable):
    """Yield (row, reason) for every place a chain (rows in chain order) does not hold."""
    prev_hash = GENESIS
    for row in rows:
        if prev_of(row) != prev_hash:
            yield row, PREV_MISMATCH
        if digest(row, prev_of(row)) != hash_of(row):
            yield row, CONTENT_MISMATCH
        prev_hash = hash_of(row)


def verify_chain(events) -> list[ChainBreak]:
    """Check events (of one clinic, in id order); return every place the chain does not hold."""
    key = chain_key()
    return [
        ChainBreak(event.clinic_id, event.pk, reason)
        for event, reason in _walk(
            events,
            prev_of=lambda e: e.prev_hash,
            hash_of=lambda e: e.hash,
            digest=lambda e, prev: digest_of(e, prev, key=key),
        )
    ]


# --- Row-change history -------------------------------------------------------------------------

# Fields of a history row its hash does not cover: the hashes themselves, and history_id, which
# the database assigns on insert (after the hash is computed). The chain's order is history_id
# order, so a removed or reordered row still breaks it.
HISTORY_UNHASHED = frozenset({"history_id", "history_prev_hash", "history_hash"})


def canonical_value(value):
    """A JSON-safe, deterministic form of one stored value (the same in memory and reloaded)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return f"{value.days}d{value.seconds}s{value.microseconds}us"
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(key): canonical_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    return str(value)


def history_digest(*, prev_hash: str, table: str, values: dict, key: bytes | None = None) -> str:
    """The hash of one history row: the previous row's hash, its table and its values (by
    column attribute name; canonicalised here, so callers pass what the model holds)."""
    body = json.dumps(
        {name: canonical_value(value) for name, value in values.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    payload = "\x1f".join((prev_hash, table, body))
    return hmac.new(key or chain_key(), payload.encode("utf-8"), hashlib.sha256).hexdigest()


def history_values(row) -> dict:
    """The hashed values of a history row (a Django model instance), normalised through each
    field's to_python so a value assigned in memory hashes like the same value reloaded."""
    values = {}
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        # NULLs are left out, so a nullable column added to a tracked model later leaves the
        # hashes of the rows before it valid (any other schema change needs a re-chain).
        if field.attname in HISTORY_UNHASHED or value is None:
            continue
        if not isinstance(value, memoryview | bytes):
            value = field.to_python(value)
            places = getattr(field, "decimal_places", None)
            if isinstance(value, decimal.Decimal) and places is not None:
                value = value.quantize(decimal.Decimal(1).scaleb(-places))
        values[field.attname] = value
    return values


def history_digest_of(row, prev_hash: str, *, key: bytes | None = None) -> str:
    return history_digest(
        prev_hash=prev_hash, table=row._meta.db_table, values=history_values(row), key=key
    )


@dataclass(frozen=True)
class HistoryBreak:
    table: str
    history_id: int
    reason: str


def verify_history_chain(table: str, rows: Iterable) -> list[HistoryBreak]:
    """Check the rows of one history table (in history_id order); return every break."""
    key = chain_key()
    return [
        HistoryBreak(table, row.history_id, reason)
        for row, reason in _walk(
            rows,
            prev_of=lambda r: r.history_prev_hash,
            hash_of=lambda r: r.history_hash,
            digest=lambda row, prev: history_digest_of(row, prev, key=key),
        )
    ]
