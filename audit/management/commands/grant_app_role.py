from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit.grants import RoleError, grant_app_role


class Command(BaseCommand):
    help = (
        "Give the app's runtime role exactly its privileges on every table (SELECT, INSERT on "
        "append-only tables; plus UPDATE, DELETE elsewhere). Run as the schema owner after "
        "every migrate (scripts/docker-migrate does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the runtime role, e.g. clinic_app")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL")
        try:
            with transaction.atomic():
                granted = grant_app_role(connection, role)
        except RoleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{role}: SELECT, INSERT on {len(granted.append_only)} append-only tables; "
            f"SELECT, INSERT, UPDATE, DELETE on {len(granted.writable)} others; "
            f"{granted.sequences} sequences."
        )
