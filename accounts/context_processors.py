from django.conf import settings

from accounts.roles import Role, roles_of


def staff_role(request):
    roles = roles_of(request.user)
    return {
        "is_front_desk": Role.FRONT_DESK in roles,
        "is_therapist": Role.THERAPIST in roles,
        "is_owner": Role.OWNER in roles,
        "idle_seconds": settings.STAFF_IDLE_SECONDS,
    }
