from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Clinics and staff"

    def ready(self):
        from accounts.roles import sync_role_groups

        # post_migrate is sent once per app, each after that app's permissions exist; syncing on
        # every send (cheap, idempotent) means the last one sees every app's permissions.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
