from django.apps import AppConfig


class PrevisitConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "previsit"
    verbose_name = "Intake before the visit"
