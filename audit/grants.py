"""The runtime role's privileges, derived from the database itself (docs/DEPLOY.md, "The
database roles").

A table carrying an append-only trigger named `<table>_no_update_delete` (audit 0002-0004,
review 0002, and any later migration following the convention) gets SELECT, INSERT; every other
table in `public` SELECT, INSERT, UPDATE, DELETE; every sequence USAGE, SELECT. Never TRUNCATE,
REFERENCES or TRIGGER, never ownership: the role cannot alter, disable or drop a trigger.
"""

from dataclasses import dataclass, field

APPEND_ONLY_TRIGGER_SUFFIX = "_no_update_delete"


@dataclass
class Granted:
    append_only: list[str] = field(default_factory=list)
    writable: list[str] = field(default_factory=list)
    sequences: int = 0


class RoleError(Exception):
    pass


def _tables(cursor):
    cursor.execute(
        """
        SELECT c.relname,
               EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal
                       AND t.tgname = c.relname || %s)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        ORDER BY c.relname
        """,
        [APPEND_ONLY_TRIGGER_SUFFIX],
    )
    return cursor.fetchall()


def grant_app_role(connection, role: str) -> Granted:
    quote = connection.ops.quote_name
    granted = Granted()
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found is None:
            raise RoleError(f"role {role} does not exist (deploy/postgres-init/01-roles.sql)")
        if found[0]:
            raise RoleError(f"role {role} is a superuser: the app's role must never be one")
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE r.rolname = %s",
            [role],
        )
        if cursor.fetchone()[0]:
            raise RoleError(
                f"role {role} owns tables: it could switch their triggers off. "
                f"REASSIGN OWNED BY {role} TO <owner role> first (docs/DEPLOY.md)"
            )
        for table, append_only in _tables(cursor):
            cursor.execute(f"REVOKE ALL ON TABLE {quote(table)} FROM {quote(role)}")
            privileges = "SELECT, INSERT" if append_only else "SELECT, INSERT, UPDATE, DELETE"
            cursor.execute(f"GRANT {privileges} ON TABLE {quote(table)} TO {quote(role)}")
            (granted.append_only if append_only else granted.writable).append(table)
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'S'"
        )
        for (sequence,) in cursor.fetchall():
            cursor.execute(f"REVOKE ALL ON SEQUENCE {quote(sequence)} FROM {quote(role)}")
            cursor.execute(f"GRANT USAGE, SELECT ON SEQUENCE {quote(sequence)} TO {quote(role)}")
            granted.sequences += 1
    return granted
