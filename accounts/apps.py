from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Clinics and staff"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import mark_session_fresh
        from accounts.roles import sync_role_groups

        user_logged_in.connect(mark_session_fresh, dispatch_uid="accounts.mark_session_fresh")

        # post_migrate is sent once per app, each after that app's permissions exist; syncing on
        # every send (cheap, idempotent) means the last one sees every app's permissions.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
