"""Sessions in the database, read together with the user they belong to.

Django's database sessions cost every staff request two queries before the view runs: the
session row, then the user (with its clinic and roles, accounts/backends.py). Here the session
row carries the user's id in a column of its own (set whenever the session is saved), so one
query joins both; the authentication backend takes that user instead of asking again, and
Django's checks (the backend named in the session, the password-change hash, an inactive user)
still run as before. The rows live in PostgreSQL like every other session, so a session begun on
one app server continues on any other (docs/DEPLOY.md).
"""

import logging
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.exceptions import SuspiciousOperation
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from accounts.models import Session, User
from accounts.roles import with_roles


class SessionStore(DatabaseStore):
    # The user read along with the session row (None: no one signed in, or not read yet).
    signed_in_user: User | None = None

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        row = cast(Session, super().create_model_instance(data))
        user_id = str(data.get(SESSION_KEY, ""))
        row.user_id = int(user_id) if user_id.isdigit() else None
        return row

    def load(self) -> dict[str, Any]:
        if connection.vendor != "postgresql":  # SQLite: the plain two queries
            return super().load()
        row = self._row_with_user()
        return self.decode(row.session_data) if row is not None else {}

    def _row_with_user(self) -> Session | None:
        rows = Session.objects.select_related("user__clinic").annotate(
            role_names=ArrayAgg(
                "user__groups__name", filter=Q(user__groups__isnull=False), default=None
            )
        )
        try:
            row = rows.get(session_key=self.session_key, expire_date__gt=timezone.now())
        except (Session.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):  # as Django's own store logs it
                name = f"django.security.{error.__class__.__name__}"
                logging.getLogger(name).warning(str(error))
            self._session_key = None
            return None
        if row.user is not None:
            self.signed_in_user = with_roles(row.user, row.role_names)
        return row
