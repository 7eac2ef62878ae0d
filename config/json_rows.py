"""A parent's related rows read in the parent's own query, and made back into model instances.

A page that shows a client with its intakes, appointments and link, or a screening history with
each screening's decisions, plans and clearances, would make one query per kind of row. On
PostgreSQL those rows can come along with the parent instead: each kind as an array of JSON
objects (``ARRAY(SELECT to_jsonb(row) ...)``), turned back here into the instances the
ORM would have loaded from the same columns (loaded, not new; their fields typed; the columns
not read deferred). Elsewhere (SQLite) the callers keep their separate queries.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BinaryField, DecimalField, F, JSONField, Model, QuerySet, Subquery


def available() -> bool:
    """Whether this database can bring related rows along (PostgreSQL)."""
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class JSONRows:
    """The rows of ``queryset`` (filtered on ``OuterRef``s to the parent, ordered, sliced as
    wanted), with ``fields`` of each (attnames; all columns when empty), the fields named in
    ``related`` of a foreign key's row, and the queryset's annotations."""

    queryset: QuerySet
    fields: tuple[str, ...] = ()
    related: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def _attnames(self) -> list[str]:
        model = self.queryset.model
        wanted = {model._meta.get_field(name).attname for name in self.fields}
        wanted.add(model._meta.pk.attname)
        fields = [f for f in model._meta.concrete_fields if not self.fields or f.attname in wanted]
        for f in fields:
            # JSON would turn bytes into text and decimals into floats, and would skip a
            # field's own conversion from the database: read those apart.
            if isinstance(f, BinaryField | DecimalField) or (
                hasattr(f, "from_db_value") and not isinstance(f, JSONField)
            ):
                raise TypeError(f"{model.__name__}.{f.name} cannot come along as JSON")
        return [f.attname for f in fields]

    def expression(self) -> "_RowsAsJSON":
        """What to annotate the parent with."""
        related = {
            f"{relation}.{name}": F(f"{relation}__{name}")
            for relation, names in self.related.items()
            for name in names
        }
        rows = self.queryset.values(*self._attnames(), *self.queryset.query.annotations, **related)
        return _RowsAsJSON(rows)

    def instances(self, rows: list[dict[str, Any]]) -> list[Any]:
        """The annotated value made back into instances, in the order the subquery gave."""
        model = self.queryset.model
        names = self._attnames()
        by_name = {f.attname: f for f in model._meta.concrete_fields}
        fields = [by_name[n] for n in names]
        return [self._instance(model, names, fields, row) for row in rows]

    def _instance(self, model: type[Model], names: list[str], fields: list, row: dict) -> Any:
        record = model.from_db(
            connection.alias, names, [f.to_python(row[f.column]) for f in fields]
        )
        for name in self.queryset.query.annotations:
            setattr(record, name, row[name])
        for relation, related_fields in self.related.items():
            related = cast(type[Model], model._meta.get_field(relation).related_model)
            setattr(record, relation, _related(related, relation, related_fields, row))
        return record


def _related(model: type[Model], relation: str, fields: tuple[str, ...], row: dict) -> Any:
    if row[f"{relation}.{model._meta.pk.attname}"] is None:
        return None  # a nullable foreign key with nothing behind it
    concrete = [f for f in model._meta.concrete_fields if f.attname in fields]  # from_db's order
    return model.from_db(
        connection.alias,
        [f.attname for f in concrete],
        [f.to_python(row[f"{relation}.{f.attname}"]) for f in concrete],
    )


class _RowsAsJSON(Subquery):
    """The subquery's rows as an array of JSON objects, one key a column (its name, or the
    alias an annotation or related field was given), in the subquery's order (PostgreSQL scans
    an ordered derived table in its order; tests/visits/test_client_records.py and
    tests/review/test_client_history.py compare with the separate, ordered queries)."""

    template = "ARRAY(SELECT to_jsonb(_rows) FROM (%(subquery)s) _rows)"
    output_field = ArrayField(JSONField())
