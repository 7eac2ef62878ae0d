"""The runtime database role's privileges (docs/DEPLOY.md, "The database roles").

The schema owner runs migrations; the web app logs in as a runtime role that owns nothing. It
may read and append to every table, and update and delete only rows of tables that are not
append-only. A table is append-only exactly when a migration gave it a `<table>_no_update_delete`
trigger (audit trail, row-change history, screenings and review records, rule-set activations),
so the privileges and the triggers cannot drift apart: a later migration that makes a table
append-only narrows the grant the next time `grant_app_role` runs.
"""

from dataclasses import dataclass

from psycopg import sql

APPEND_ONLY_TABLES_SQL = """
SELECT c.relname
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND NOT t.tgisinternal
  AND t.tgname = c.relname || '_no_update_delete'
ORDER BY c.relname
"""

ALL_TABLES_SQL = """
SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
"""


@dataclass(frozen=True)
class Grants:
    role: str
    append_only: list[str]
    mutable: list[str]


def append_only_tables(cursor) -> list[str]:
    cursor.execute(APPEND_ONLY_TABLES_SQL)
    return [row[0] for row in cursor.fetchall()]


def grant_app_role(cursor, role: str) -> Grants:
    """(Re)apply the runtime role's privileges on every table and sequence in `public`.

    Run as the schema owner (or a superuser), after every migrate; idempotent.
    """
    append_only = append_only_tables(cursor)
    cursor.execute(ALL_TABLES_SQL)
    mutable = [row[0] for row in cursor.fetchall() if row[0] not in set(append_only)]
    who = sql.Identifier(role)

    def run(statement, *tables):
        names = sql.SQL(", ").join(sql.Identifier(table) for table in tables)
        cursor.execute(sql.SQL(statement).format(tables=names, role=who))

    cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(who))
    cursor.execute(sql.SQL("GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {}").format(who))
    cursor.execute(
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(who)
    )
    if mutable:
        run("GRANT UPDATE, DELETE ON {tables} TO {role}", *mutable)
    # Nothing ever may TRUNCATE, or add triggers and foreign keys to, the app's tables.
    cursor.execute(
        sql.SQL(
            "REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}"
        ).format(who)
    )
    if append_only:
        run("REVOKE UPDATE, DELETE ON {tables} FROM {role}", *append_only)
    return Grants(role=role, append_only=append_only, mutable=mutable)
