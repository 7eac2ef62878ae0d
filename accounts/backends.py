"""The password backend, which also loads what every staff page needs of the signed-in user.

Django's ModelBackend loads the user alone; then the role check (two-factor middleware, every
view's role_required) reads the groups and the page header reads the clinic: three queries on
every staff request. Here the user, its clinic and its group names come in one.
"""

from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q

from accounts.roles import with_roles

# The user the session row brought along (accounts/sessions.py), set only while the
# authentication middleware asks this backend for the signed-in user.
session_user: ContextVar = ContextVar("session_user", default=None)


class ClinicModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username is not None and password is not None:
            # Refused here is refused: the plain ModelBackend listed after this one (only so
            # sessions begun before it keep working) must not check the password a second time.
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        known = session_user.get()
        if known is not None and str(known.pk) == str(user_id):
            return known if self.user_can_authenticate(known) else None
        users = get_user_model()._default_manager.select_related("clinic")
        if connection.vendor != "postgresql":
            return super().get_user(user_id)
        user = (
            users.annotate(
                role_names=ArrayAgg("groups__name", filter=Q(groups__isnull=False), default=None)
            )
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        return with_roles(user, user.role_names)
