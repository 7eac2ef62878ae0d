from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from ops.databases import BackupError, restore, user_tables


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the configured database, replacing what is "
        "there (pg_restore --clean --if-exists --no-owner, in one transaction). Stop the app "
        "first. Refuses a database that is not empty unless --yes is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a file written by `manage.py backup`")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--yes", action="store_true", help="replace the data in a database that is not empty"
        )

    def handle(self, *args, path, database, yes, **options):
        db = settings.DATABASES[database]
        try:
            existing = user_tables(db)
            if existing and not yes:
                raise CommandError(
                    f"database {db['NAME']!r} is not empty ({len(existing)} tables); "
                    "restoring replaces everything in it. Run again with --yes to go ahead."
                )
            restore(db=db, path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {path} into database {db['NAME']!r}.")
        self.stdout.write("Check it: manage.py migrate --check && manage.py verify_audit")
