"""Row-change history (django-simple-history) for the records owners answer for.

Every save of a tracked model adds a row to its `Historical...` table with the values after the
change, who made it and from which address. On PostgreSQL those tables are append-only like
the audit trail (audit/migrations/0003_history_append_only.py).

Each history table is also hash-chained in history_id order (audit/chain.py, `history_digest`),
so a row edited or removed behind the triggers' back (by a superuser) is found by
`manage.py verify_audit`.

To track another model, give it `history = tracked_history()` and list its history table in
HISTORY_TABLES below (then add a migration that installs the triggers on it).
"""

import zlib

from django.db import connections, models, router, transaction
from django.utils.functional import cached_property
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords

from audit.chain import GENESIS, history_digest_of
from config.client_ip import client_ip

# Namespace for the advisory locks that serialise each history table's chain (any fixed number,
# not audit.services.CHAIN_LOCK_NAMESPACE).
HISTORY_LOCK_NAMESPACE = 7_110_002

# Who made a change when no request is at hand (services, commands): the record's own actor.
ACTOR_FIELDS = (
    "updated_by",
    "decided_by",
    "created_by",
    "recorded_by",
    "performed_by",
    "loaded_by",
)

# Tables made append-only by 0003_history_append_only (and later migrations). Append-only
# records (screenings, plans, decisions, clearances) keep no history: they never change.
HISTORY_TABLES = [
    "clients_historicalclient",
    "intake_historicalintake",
    "contraindications_historicalrulesetversion",
]


def _history_user(instance, request, **kwargs):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    for name in ACTOR_FIELDS:
        actor_id = getattr(instance, f"{name}_id", None)
        if actor_id is not None:
            return getattr(instance, name)
    return None


def table_lock_key(table: str) -> int:
    """A stable signed 32-bit key for a table's advisory lock (hash() varies per process)."""
    key = zlib.crc32(table.encode("utf-8"))
    return key - 2**32 if key >= 2**31 else key


class HistoryContext(models.Model):
    """Fields every history row carries besides the tracked model's own."""

    history_ip = models.GenericIPAddressField(null=True, blank=True)
    # The table's hash chain (audit/chain.py): the previous row's hash and this row's.
    history_prev_hash = models.CharField(max_length=64, editable=False)
    history_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.history_ip is None:
            self.history_ip = client_ip(getattr(HistoricalRecords.context, "request", None))
        if not self._state.adding:
            # History rows are only ever inserted (PostgreSQL's triggers refuse an UPDATE).
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # simple-history saves from post_save, outside the tracked model's own transaction when
        # autocommit is on: the lock must live until the row is committed, so wrap both. No
        # savepoint inside a transaction (a hot path's two round trips): like Django's own
        # Model.save, an error marks the enclosing transaction for rollback.
        with transaction.atomic(using=using, savepoint=False):
            self._chain(using)
            super().save(*args, **kwargs)

    def _chain(self, using: str) -> None:
        """Chain this row onto the last row of its table.

        The hash leaves out history_id (assigned by the insert) and the chain follows
        history_id order. That is sound because the lock is held from reading the previous
        hash until commit: the next writer of this table waits, then reads this row and gets a
        later history_id. SQLite (the laptop demo) takes no lock: of two writers that read the
        same previous hash, the second cannot write ("database is locked") instead of forking
        the chain.
        """
        connection = connections[using]
        table = self._meta.db_table
        quote = connection.ops.quote_name
        head = (
            f"SELECT {quote('history_hash')} FROM {quote(table)} "  # noqa: S608  # nosec B608 - our own table name
            f"ORDER BY {quote('history_id')} DESC LIMIT 1"
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The lock and the read in one round trip, as two statements: in READ
                # COMMITTED the read's snapshot is taken when it starts, after the lock is
                # granted, so it sees the row the previous holder committed (as in
                # audit.services.record_event).
                cursor.execute(
                    f"SELECT pg_advisory_xact_lock(%s, %s); {head}",
                    [HISTORY_LOCK_NAMESPACE, table_lock_key(table)],
                )
                cursor.nextset()
            else:
                cursor.execute(head)
            row = cursor.fetchone()
        self.history_prev_hash = row[0] if row else GENESIS
        self.history_hash = history_digest_of(self, self.history_prev_hash)


class _HistoryDescriptor(HistoryDescriptor):
    """simple_history's `Model.history`, with its manager class made once.

    The library builds a new manager class (`from_queryset`, which walks every queryset method
    with `inspect`) on each access, and every save of a tracked row reads it: a third of an
    intake autosave's CPU (docs/PERFORMANCE.md). The class made each time is the same."""

    @cached_property
    def _manager(self):
        return self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self._manager(self.model, instance)


class _TrackedHistory(HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        made = sender.__dict__.get(self.manager_name)
        if isinstance(made, HistoryDescriptor):  # this model's (abstract ones get none)
            setattr(sender, self.manager_name, _HistoryDescriptor(
                made.model, manager=made.manager_class, queryset=made.queryset_class
            ))  # fmt: skip


def tracked_history(**kwargs) -> HistoricalRecords:
    return _TrackedHistory(get_user=_history_user, bases=[HistoryContext], **kwargs)


def backfill_history_chain(apps, schema_editor, *, app_label: str, model_names: list[str]):
    """Compute the hash chain of history rows written before the chain existed (a data
    migration's RunPython; see clients/migrations/0004_history_hash.py).

    On PostgreSQL the append-only triggers (installed by audit 0003/0004, which on an existing
    database ran long before this) refuse the UPDATE, so they are switched off for this
    transaction only; the migration role owns the tables, and DDL is transactional, so no
    other session ever sees the table unprotected.
    """
    postgres = schema_editor.connection.vendor == "postgresql"
    for name in model_names:
        model = apps.get_model(app_label, name)
        table = schema_editor.quote_name(model._meta.db_table)
        if postgres:
            schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        prev_hash = GENESIS
        for row in model._base_manager.order_by("history_id").iterator(chunk_size=2000):
            digest = history_digest_of(row, prev_hash)
            model._base_manager.filter(pk=row.pk).update(
                history_prev_hash=prev_hash, history_hash=digest
            )
            prev_hash = digest
        if postgres:
            schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
