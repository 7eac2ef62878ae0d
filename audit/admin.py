from django.contrib import admin

from accounts.admin import ClinicScopedAdmin
from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicScopedAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id", "detail", "ip_address")
    list_filter = ("action", "object_type")
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
