from django.apps import AppConfig


class ContraindicationsConfig(AppConfig):
    name = "contraindications"
    verbose_name = "Contraindication screening"
