"""Owner dashboards and exports may read from a streaming replica (docs/DEPLOY.md, "A hosted
installation").

With `DATABASE_REPLICA_URL` set, settings add the database alias "replica". Reads go there only
inside `replica_reads()` (the owner views that aggregate or export: `@reads_from_replica`), only
outside a transaction on the primary, and never for the audit trail or sessions, whose reads
precede a write (the audit chain reads the previous hash before it appends). Every write, and
so every audit event, goes to the primary. A replica lags the primary by a moment: a dashboard
may miss the last seconds, which is why clinical pages never read from it.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_ON_REPLICA: ContextVar[bool] = ContextVar("reads_on_replica", default=False)
# Read where the next write depends on what was read: always the primary.
# (The database cache reads through the router under the label "django_cache".)
PRIMARY_ONLY_APPS = frozenset(
    {"audit", "sessions", "axes", "otp_totp", "django_otp", "django_tasks_database", "django_cache"}
)

PRIMARY_ONLY_MODELS = frozenset({"accounts.Session"})


def replica_configured() -> bool:
    return settings.DATABASE_REPLICA_READS and REPLICA in connections.settings


@contextmanager
def replica_reads():
    token = _ON_REPLICA.set(True)
    try:
        yield
    finally:
        _ON_REPLICA.reset(token)


def reads_from_replica(view):
    """A view whose reads may come from the replica (writes and audit events still do not)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapper


def streamed_from_replica(rows: Iterable) -> Iterator:
    """A streamed response's rows, read from the replica as the server sends them."""
    with replica_reads():
        yield from rows


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _ON_REPLICA.get() or not replica_configured():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS or model._meta.label in PRIMARY_ONLY_MODELS:
            return "default"
        if connections["default"].in_atomic_block:
            return "default"  # a transaction reads what it is about to write
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # a streaming replica follows the primary's schema
