"""A queryset compiled to SQL once and run many times with one value changed.

Every tablet request finds its draft by its kiosk token, with two subqueries for the rule set in
use. Django compiles a queryset each time it runs, and compiling that one cost more CPU than the
database took to answer it (docs/PERFORMANCE.md, "The tablet's requests, compiled once"). Here
the SQL is the ORM's own, compiled on first use for each database; the value stays a query
parameter, and the rows come back as the model's instances, each column not of the model (an
annotation) set as an attribute, as `raw()` does: as the database driver gives it, without the
conversion a model field would apply, so annotations here are plain columns (a checksum, a
date, a name).
"""

import threading
import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)

# Stand for the value while the queryset is compiled: no real token, text or id is either.
SLOT = "\x00value\x00"
# For a 64-bit integer field (a BigAutoField id): the field's lookup would refuse SLOT.
ID_SLOT = -(2**62) - 7


class OneValueQuery(Generic[M]):
    """`OneValueQuery(lambda value: Model.objects.filter(field=value)...)`: `rows(value)` runs
    that queryset's SQL with `value` in its place. The value must reach the query unchanged:
    an exact lookup of a text field, or of an integer field with `slot=ID_SLOT`. Any other
    parameter is fixed when the queryset is built. `warm_up=True`: `warm()` runs it in each
    worker before its first request."""

    def __init__(
        self,
        queryset_for: Callable[[Any], QuerySet[M]],
        *,
        slot: str | int = SLOT,
        warm_up: bool = False,
    ) -> None:
        self._slot = slot
        self._queryset = queryset_for(slot)
        query = self._queryset.query
        # raw() maps columns to fields by name: a joined model's columns, values() or a
        # prefetch would be lost without a word.
        prefetch: tuple = getattr(self._queryset, "_prefetch_related_lookups", ())
        if (
            bool(query.select_related)
            or self._queryset._iterable_class is not ModelIterable
            or bool(prefetch)
        ):
            raise ValueError("only the model's own rows, with plain annotations")
        self._compiled: dict[str, tuple[str, tuple, tuple[int, ...]]] = {}
        self._compiling = threading.Lock()
        if warm_up:  # a request path's lookup: run once by each worker before it takes requests
            WARMED.append(self)

    def _sql(self, alias: str) -> tuple[str, tuple, tuple[int, ...]]:
        compiled = self._compiled.get(alias)
        if compiled is None:
            # The compiler changes the query it works on for a moment: threads compile a copy,
            # one at a time.
            with self._compiling:
                sql, params = self._queryset.query.chain().get_compiler(using=alias).as_sql()
            slots = tuple(i for i, param in enumerate(params) if param == self._slot)
            if not slots:
                raise ValueError("the value does not reach the query as a parameter")
            if any(
                isinstance(param, str) and str(self._slot) in param and param != self._slot
                for param in params
            ):
                raise ValueError("the value reaches the query changed (a pattern lookup)")
            compiled = self._compiled[alias] = (sql, tuple(params), slots)
        return compiled

    def rows(self, value: Any) -> list[M]:
        alias = self._queryset.db  # the router's choice, for reading or (locking) writing
        connection = connections[alias]
        if (
            self._queryset.query.select_for_update
            and connection.features.has_select_for_update
            and connection.features.supports_transactions
            and connection.get_autocommit()
        ):
            # What the ORM checks when it compiles: a lock outside a transaction locks nothing.
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        sql, fixed, slots = self._sql(alias)
        params = list(fixed)
        for index in slots:
            params[index] = value
        return list(self._queryset.model._default_manager.db_manager(alias).raw(sql, params))

    def first(self, value: Any) -> M | None:
        found = self.rows(value)
        return found[0] if found else None


# The lookups made with warm_up=True (they are module-level, made at import).
WARMED: list[OneValueQuery] = []


def warm() -> int:
    """In each worker, before its first request (gunicorn.conf.py): every lookup of WARMED run
    once with a value no row has, so that its SQL is compiled and the database has loaded, on
    this worker's connection, the catalogue and statistics entries of what it reads (the same
    as a first real request would). Inside a transaction, as a locking lookup must be; it
    matches no row, so it locks and reads nothing. Returns how many ran."""
    for lookup in WARMED:
        # An id no row has (ids are positive), or a text no token is (tokens are random).
        nothing = lookup._slot if isinstance(lookup._slot, int) else f"warm-{uuid.uuid4()}"
        with transaction.atomic(using=lookup._queryset.db):
            lookup.rows(nothing)
    return len(WARMED)
