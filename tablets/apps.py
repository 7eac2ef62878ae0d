from django.apps import AppConfig


class TabletsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tablets"
    verbose_name = "Clinic tablets"
