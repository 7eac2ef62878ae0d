from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from ops.databases import BackupError, backup, default_backup_path


class Command(BaseCommand):
    help = (
        "Back up the database: a pg_dump custom-format file on PostgreSQL, a consistent copy "
        "of the file on SQLite. Written readable by its owner only (mode 0600)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="where to write it (default: var/backups/clinic-<UTC timestamp>.dump)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path, database, **options):
        db = settings.DATABASES[database]
        path = path or default_backup_path(settings.VAR_DIR, db["ENGINE"])
        try:
            result = backup(db=db, path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.path} {result.size} bytes")
