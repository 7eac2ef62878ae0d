from django.contrib import admin

from accounts.admin import ClinicScopedAdmin
from clients.models import Client


@admin.register(Client)
class ClientAdmin(ClinicScopedAdmin):
    list_display = ("legal_name", "preferred_name", "date_of_birth", "phone", "archived_at")
    search_fields = ("legal_name", "preferred_name")
    readonly_fields = ("public_id", "created_at", "created_by", "updated_at", "updated_by")

    def get_exclude(self, request, obj=None):
        return () if request.user.is_superuser else ("clinic",)

    def has_delete_permission(self, request, obj=None):
        return False  # clients are archived, never deleted
