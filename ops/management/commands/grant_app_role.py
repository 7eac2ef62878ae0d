from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ops.db_roles import grant_app_role


class Command(BaseCommand):
    help = (
        "Give the runtime database role (APP_DB_ROLE, default clinic_app) its privileges: "
        "SELECT and INSERT on every table, UPDATE and DELETE only on tables that are not "
        "append-only. Run as the schema owner after every migrate (docs/DEPLOY.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default=None, help="default: settings.APP_DB_ROLE")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("database roles exist on PostgreSQL only")
        role = role or settings.APP_DB_ROLE
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"no database role named {role!r}")
            cursor.execute("SELECT current_user")
            if cursor.fetchone()[0] == role:
                raise CommandError("run this as the schema owner, not as the runtime role")
            grants = grant_app_role(cursor, role)
        self.stdout.write(
            f"{role}: SELECT, INSERT on {len(grants.append_only) + len(grants.mutable)} tables; "
            f"UPDATE, DELETE on {len(grants.mutable)}; append-only: "
            + ", ".join(grants.append_only)
        )
