from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

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

    def login(self, request, extra_context=None):
        # One login for everyone: the staff login (throttled, then two-factor where required).
        if request.user.is_authenticated:
            return redirect("admin:index")
        from django.contrib.auth.views import redirect_to_login  # needs the app registry

        return redirect_to_login(reverse("admin:index"), reverse("accounts:login"))

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, view)


class ClinicAdminConfig(AdminConfig):
    default_site = "config.admin_site.ClinicAdminSite"
