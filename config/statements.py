"""A queryset compiled to SQL once and run many times with its values changed.

Django compiles a queryset each time it runs. For the tablet's lookups (a draft by its kiosk
token, with two subqueries for the rule set in use) and the staff pages' reads of a client or a
screening with their related rows (config/json_rows.py), compiling cost more CPU than the
database took to answer (docs/PERFORMANCE.md, "The tablet's requests, compiled once" and
"Staff pages, compiled once"). Here the SQL is the ORM's own, compiled on first use for each
database with a stand-in for each value; each value stays a query parameter, and the rows come
back through the ORM's own iteration of that compiled query: the model's instances (or
``values()`` dicts), ``select_related`` rows, annotations converted as their fields would,
prefetches run after.
"""

import copy
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.db import connections, transaction
from django.db.models import Model, QuerySet
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=Model)

# Stand for a value while the queryset is compiled: no real token, text, id, public id or time
# is any of them.
SLOT = "\x00value\x00"
# For a 64-bit integer field (a BigAutoField id): the field's lookup would refuse SLOT.
ID_SLOT = -(2**62) - 7
# For a second integer value of the same query (each value needs a stand-in of its own).
SECOND_ID_SLOT = ID_SLOT + 1
# For a UUID field (a public id).
UUID_SLOT = uuid.UUID("00000000-5107-4000-8000-00000000ca11")
# For a date-time field (the start of today).
TIME_SLOT = datetime(1, 2, 3, 4, 5, 6, 789, tzinfo=UTC)


def _reaches(param: Any, slot: Any, connection: Any) -> Callable[[Any], Any] | None:
    """How a value for `slot` is put where `param` stands, in the form the database takes it
    as the field would send it: as it is (PostgreSQL), a UUID as its hex and a date-time as the
    backend's text (SQLite); None when `param` is not the slot."""
    if type(param) is type(slot) and param == slot:
        return lambda value: value
    if isinstance(slot, uuid.UUID) and param == slot.hex:
        return lambda value: uuid.UUID(str(value)).hex
    if isinstance(slot, datetime):
        adapt = connection.ops.adapt_datetimefield_value
        if param == adapt(slot):
            return adapt
    return None


class _Compiled:
    """A queryset's compiler after compiling, its SQL, and where each value goes."""

    def __init__(self, queryset: QuerySet, alias: str, slots: dict[str, Any]) -> None:
        self.compiler = queryset.query.chain().get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        self.params = tuple(params)
        self.places: list[tuple[int, str, Callable[[Any], Any]]] = []
        for name, slot in slots.items():
            found = [
                (i, name, put)
                for i, param in enumerate(params)
                if (put := _reaches(param, slot, self.compiler.connection)) is not None
            ]
            if not found:
                raise ValueError(f"{name}: the value does not reach the query as a parameter")
            if isinstance(slot, str) and any(
                isinstance(param, str) and slot in param and param != slot for param in params
            ):
                raise ValueError(f"{name}: the value reaches the query changed (a pattern lookup)")
            self.places.extend(found)

    def bound(self, connection: Any, values: dict[str, Any]) -> Any:
        """A copy of the compiler that gives the SQL with `values` instead of compiling."""
        params = list(self.params)
        for index, name, put in self.places:
            params[index] = put(values[name])
        compiler = copy.copy(self.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (self.sql, params)
        return compiler


class _BoundQuery:
    """The queryset's query, except that its compiler is the bound one."""

    def __init__(self, query: Any, compiler: Any) -> None:
        self._query, self._compiler = query, compiler

    def get_compiler(self, *args: Any, **kwargs: Any) -> Any:
        return self._compiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)


class CompiledQuery(Generic[M]):
    """`CompiledQuery(lambda clinic_id, public_id: Model.objects.filter(...), clinic_id=ID_SLOT,
    public_id=UUID_SLOT)`: `rows(clinic_id=…, public_id=…)` runs that queryset's SQL with those
    values in their places. Each value must reach the query unchanged (an exact or range
    lookup, a comparison); every other parameter is fixed when the queryset is built.
    `warm_up=True`: `warm()` runs it in each worker before its first request; `vendor`: its SQL
    is that database's alone (the caller runs it only there), so `warm()` runs it only there."""

    def __init__(
        self,
        queryset_for: Callable[..., QuerySet[M]],
        *,
        warm_up: bool = False,
        vendor: str | None = None,
        **slots: Any,
    ) -> None:
        if not slots:
            raise TypeError("a compiled query takes at least one value")
        if len(set(map(repr, slots.values()))) < len(slots):
            # Two values with one stand-in could not be told apart in the compiled parameters.
            raise ValueError("each value needs a stand-in of its own (SECOND_ID_SLOT, …)")
        self._slots = slots
        self.vendor = vendor  # SQL only this database understands (json_rows): warm() skips it
        self._queryset_for = queryset_for
        self._built: QuerySet[M] | None = None
        self._compiled: dict[str, _Compiled] = {}
        # The compiler changes the query it works on for a moment: threads compile a copy, one
        # at a time.
        self._compiling = threading.Lock()
        if warm_up:  # a request path's lookup: run once by each worker before it takes requests
            WARMED.append(self)

    @property
    def _queryset(self) -> QuerySet[M]:
        # Built on first use, not at import: a module's queryset may use what is defined below.
        if self._built is None:
            built = self._queryset_for(**self._slots)
            if getattr(built, "_known_related_objects", None) or getattr(
                built, "_deferred_filter", None
            ):
                # A related manager's queryset carries its first instance: every run would too.
                raise ValueError("build from Model.objects, not from a related manager")
            self._built = built
        return self._built

    def rows(self, **values: Any) -> list[M]:
        if values.keys() != self._slots.keys():
            raise TypeError(f"takes {sorted(self._slots)}, given {sorted(values)}")
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
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._compiling:
                compiled = self._compiled[alias] = _Compiled(self._queryset, alias, self._slots)
        # A copy of the queryset (never evaluated itself) whose query gives the bound compiler.
        # Not copy.copy(): a queryset's pickling state is its rows, so that would run it.
        template = self._queryset
        run = type(template).__new__(type(template))
        run.__dict__.update(template.__dict__)
        run.__dict__["_query"] = _BoundQuery(template.query, compiled.bound(connection, values))
        return list(run)

    def first(self, **values: Any) -> M | None:
        found = self.rows(**values)
        return found[0] if found else None

    def _nothing(self) -> dict[str, Any]:
        """Values no row has: ids are positive, tokens random, public ids random, and no
        record is from the year 1."""
        return {
            name: f"warm-{uuid.uuid4()}"
            if isinstance(slot, str)
            else uuid.uuid4()
            if isinstance(slot, uuid.UUID)
            else slot
            for name, slot in self._slots.items()
        }


class OneValueQuery(CompiledQuery[M]):
    """`OneValueQuery(lambda value: Model.objects.filter(field=value)...)`: a compiled query of
    one value, `rows(value)` (an exact lookup of a text field, or of an integer field with
    `slot=ID_SLOT`)."""

    def __init__(
        self,
        queryset_for: Callable[[Any], QuerySet[M]],
        *,
        slot: str | int = SLOT,
        warm_up: bool = False,
    ) -> None:
        super().__init__(lambda value: queryset_for(value), warm_up=warm_up, value=slot)

    def rows(self, value: Any) -> list[M]:  # type: ignore[override]
        return super().rows(value=value)

    def first(self, value: Any) -> M | None:  # type: ignore[override]
        return super().first(value=value)


# The lookups made with warm_up=True (they are module-level, made at import).
WARMED: list[CompiledQuery] = []


def warm() -> int:
    """In each worker, before its first request (gunicorn.conf.py): every lookup of WARMED run
    once with a value no row has, so that its SQL is compiled and the database has loaded, on
    this worker's connection, the catalogue and statistics entries of what it reads (the same
    as a first real request would). Inside a transaction, as a locking lookup must be; it
    matches no row, so it locks and reads nothing. Returns how many ran (a lookup in another
    database's SQL is skipped)."""
    ran = 0
    for lookup in WARMED:
        alias = lookup._queryset.db
        if lookup.vendor not in (None, connections[alias].vendor):
            continue
        with transaction.atomic(using=alias):
            lookup.rows(**lookup._nothing())
        ran += 1
    return ran
