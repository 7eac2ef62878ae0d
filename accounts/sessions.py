"""Sessions in the database, read together with the user they belong to.

Django's database sessions cost every staff request two queries before the view runs: the
session row, then the user (with its clinic and roles, accounts/backends.py). Here the session
row carries the user's id in a column of its own (set whenever the session is saved), so one
query joins both; the authentication backend takes that user instead of asking again, and
Django's checks (the backend named in the session, the password-change hash, an inactive user)
still run as before. The rows live in PostgreSQL like every other session, so a session begun on
one app server continues on any other (docs/DEPLOY.md).
"""

from collections.abc import Sequence
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

from accounts.models import Clinic, Session, User
from accounts.roles import with_roles


class SessionStore(DatabaseStore):
    # The user read along with the session row (None: no one signed in, or not read yet).
    signed_in_user: User | None = None

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        return _with_user(cast(Session, super().create_model_instance(data)), data)

    async def acreate_model_instance(self, data: dict[str, Any]) -> Session:
        return _with_user(cast(Session, await super().acreate_model_instance(data)), data)

    def load(self) -> dict[str, Any]:
        if connection.vendor != "postgresql":  # SQLite: the plain two queries
            return super().load()
        with connection.cursor() as cursor:
            cursor.execute(_SESSION_WITH_USER, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's store: a new session will be made
            return {}
        session_data, _, *rest = row
        if rest[0] is not None:  # the joined user's id: someone, and still there
            self.signed_in_user = _user_from(rest)
        return self.decode(session_data)  # a tampered row decodes to {} (Django logs it)


def _with_user(row: Session, data: dict[str, Any]) -> Session:
    """The row names the user the session data names (or none): set at every save."""
    user_id = str(data.get(SESSION_KEY, ""))
    row.user_id = int(user_id) if user_id.isdigit() else None
    return row


# One statement, written once from the models rather than built by the ORM on every request:
# compiling the ORM's join cost more CPU than the session's own query (0.85 against 0.26 ms
# for a tablet's session, which has no user). The user's group names come in a subquery.
_USER_FIELDS = User._meta.concrete_fields
_CLINIC_FIELDS = Clinic._meta.concrete_fields


def _session_with_user_sql() -> str:
    """Built from the models' own table and column names only; values go as parameters."""
    session, user, clinic = (m._meta.db_table for m in (Session, User, Clinic))
    user_groups, group = User.groups.through._meta.db_table, Group._meta.db_table
    columns = ", ".join(
        [f'u."{f.column}"' for f in _USER_FIELDS] + [f'c."{f.column}"' for f in _CLINIC_FIELDS]
    )
    return (
        f"SELECT s.session_data, s.user_id, {columns}, "  # noqa: S608  # nosec B608
        f'ARRAY(SELECT g.name FROM "{user_groups}" ug JOIN "{group}" g ON g.id = ug.group_id '
        "WHERE ug.user_id = s.user_id) "
        f'FROM "{session}" s LEFT JOIN "{user}" u ON u.id = s.user_id '
        f'LEFT JOIN "{clinic}" c ON c.id = u.clinic_id '
        "WHERE s.session_key = %s AND s.expire_date > %s"
    )


_SESSION_WITH_USER = _session_with_user_sql()


def _loaded(model: type[Model], fields: Sequence[Field], values: Sequence[Any]) -> Any:
    converted = [
        f.from_db_value(v, None, connection) if hasattr(f, "from_db_value") else v
        for f, v in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


def _user_from(values: list[Any]) -> User:
    n, m = len(_USER_FIELDS), len(_CLINIC_FIELDS)
    user = _loaded(User, _USER_FIELDS, values[:n])
    clinic_values = values[n : n + m]
    user.clinic = (
        None if clinic_values[0] is None else _loaded(Clinic, _CLINIC_FIELDS, clinic_values)
    )
    return with_roles(user, values[n + m])
