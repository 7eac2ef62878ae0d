"""Role checks for views: one decorator, so every view states who may use it."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from accounts.roles import Role, has_role


def role_required(*roles: Role):
    """Allow staff of a clinic holding one of `roles`; everyone else gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or user.clinic_id is None or not has_role(user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


ALL_STAFF = (Role.FRONT_DESK, Role.THERAPIST, Role.OWNER)
CLINICAL_STAFF = (Role.THERAPIST, Role.OWNER)
