from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import Clinic, User


class ClinicScopedAdmin(admin.ModelAdmin):
    """Owners use the admin too: they see and change only their own clinic's rows."""

    clinic_field = "clinic"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.clinic_field: request.user.clinic_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The choices of a foreign key are the owner's clinic's rows only: no other clinic's
        # staff, clients or screenings in a drop-down.
        queryset = _clinic_choices(db_field.related_model, request.user)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = _clinic_choices(db_field.related_model, request.user)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and self.clinic_field == "clinic":
            obj.clinic_id = request.user.clinic_id
        super().save_model(request, obj, form, change)


def _clinic_choices(model, user):
    if user.is_superuser:
        return None
    if model is Clinic:
        return Clinic.objects.filter(pk=user.clinic_id)
    if any(f.name == "clinic" for f in model._meta.get_fields()):
        return model._default_manager.filter(clinic_id=user.clinic_id)
    return None


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    clinic_field = "pk"
    list_display = ("name", "slug", "intake_renewal_months")
    prepopulated_fields = {"slug": ("name",)}

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(User)
class StaffAdmin(ClinicScopedAdmin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "clinic", "is_active")
    list_filter = ("groups", "is_active")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Clinic", {"fields": ("clinic", "credentials")}))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser:
            # Owners manage their staff; only a superuser grants superuser or moves clinics.
            for name in ("is_superuser", "user_permissions", "clinic"):
                if name in form.base_fields:
                    form.base_fields[name].disabled = True
        return form

    def has_delete_permission(self, request, obj=None):
        # Staff who leave are deactivated: their past decisions must keep their author.
        return False
