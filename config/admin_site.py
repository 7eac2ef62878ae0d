from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied

from accounts.roles import Role, has_role


class ClinicAdminSite(admin.AdminSite):
    """The admin is for owners: other logged-in staff get 403, not a second login form."""

    site_header = "Clinic administration"
    site_title = "Clinic administration"

    def has_permission(self, request):
        user = request.user
        return user.is_active and (
            user.is_superuser or (user.is_staff and has_role(user, Role.OWNER))
        )

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, view)


class ClinicAdminConfig(AdminConfig):
    default_site = "config.admin_site.ClinicAdminSite"
