from django.contrib import admin

from accounts.admin import ClinicScopedAdmin
from audit.reads import AuditedReadAdmin
from clients.models import Client


@admin.register(Client)
class ClientAdmin(AuditedReadAdmin, ClinicScopedAdmin):
    """Read-only, and every list and record opened is an audit event.

    Edits go through the staff pages (clients.services: version check, audit event); an admin
    save would bypass both. A superuser sees only the clients of the clinic they belong to (none
    without one): the admin never shows every clinic's clients at once.
    """

    audit_what = "client record"
    list_display = ("legal_name", "preferred_name", "date_of_birth", "phone", "archived_at")
    search_fields = ("legal_name", "preferred_name")
    readonly_fields = ("public_id", "created_at", "created_by", "updated_at", "updated_by")

    def get_exclude(self, request, obj=None):
        return () if request.user.is_superuser else ("clinic",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(clinic_id=request.user.clinic_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # clients are archived, never deleted
