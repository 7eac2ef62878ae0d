"""Asking PostgreSQL to change an append-only table as the application role (the `app_role`
fixture), which holds every privilege: only the append-only trigger stands in the way."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

# What each table is asked to undergo; `sql_for` fills in the table.
CHANGES = ["UPDATE {t} SET id = id", "DELETE FROM {t}", "TRUNCATE {t}"]


def sql_for(change: str, table: str) -> str:
    return change.format(t=table) + (" CASCADE" if change.startswith("TRUNCATE") else "")


def assert_refused(role: str, sql: str) -> None:
    """`sql`, run as `role`, is refused by an append-only trigger."""
    # The role switch and the forbidden statement must share one transaction (SET LOCAL).
    with (  # noqa: PT012
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(sql)
