"""Re-compute the audit trail's hash chains under a new key, after checking them under the old.

Used by the migration that moved the chains from plain SHA-256 to HMAC (audit/migrations/
0005_hmac_chains.py) and by `manage.py audit_rechain` when the key is rotated. A chain that does
not verify under the old key is never re-chained: that would bless whatever broke it.

The rows' content is untouched; only prev_hash/hash (history_prev_hash/history_hash) change. On
PostgreSQL the append-only triggers are switched off for this transaction only, which only the
tables' owner can do (the migration role, never the app's: docs/DEPLOY.md). The tables are
locked against writers meanwhile, so no new row chains onto a hash that is being replaced.
"""

from dataclasses import dataclass

from audit.chain import GENESIS, digest_of, history_digest_of, verify_chain, verify_history_chain


@dataclass(frozen=True)
class Chain:
    """One chain: a clinic's audit events, or one history table."""

    label: str
    model: type
    clinic_id: int | None = None

    def rows(self):
        if self.clinic_id is not None:
            return self.model._base_manager.filter(clinic_id=self.clinic_id).order_by("id")
        return self.model._base_manager.order_by("history_id")

    def breaks(self, key) -> list:
        rows = self.rows().iterator(chunk_size=2000)
        if self.clinic_id is not None:
            return verify_chain(rows, key)
        return verify_history_chain(self.model._meta.db_table, rows, key)


def chains(event_model, history_models) -> list[Chain]:
    clinic_ids = (
        event_model._base_manager.order_by("clinic_id")
        .values_list("clinic_id", flat=True)
        .distinct()
    )
    return [
        *(Chain(f"clinic {pk}", event_model, pk) for pk in clinic_ids),
        *(Chain(f"history {m._meta.db_table}", m) for m in history_models),
    ]


def _protection_off(connection, model):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")


def _protection_on(connection, model):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def rechain(chain: Chain, *, connection, key) -> int:
    """Re-compute one chain's hashes under `key` (None: settings' key); return the rows done.
    Call inside a transaction."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        _protection_off(connection, chain.model)
    prev_hash, done = GENESIS, 0
    manager = chain.model._base_manager
    for row in list(chain.rows()):
        if chain.clinic_id is not None:
            digest = digest_of(row, prev_hash, key)
            manager.filter(pk=row.pk).update(prev_hash=prev_hash, hash=digest)
        else:
            digest = history_digest_of(row, prev_hash, key)
            manager.filter(pk=row.pk).update(history_prev_hash=prev_hash, history_hash=digest)
        prev_hash, done = digest, done + 1
    if postgres:
        _protection_on(connection, chain.model)
    return done
