"""Import a scheduler's iCalendar or CSV file into one clinic's appointments (the same as the
front desk's upload page; docs/APPOINTMENTS.md). Re-running it with the same file changes
nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.errors import DomainError
from accounts.models import Clinic
from visits.imports import MAX_BYTES
from visits.services import import_appointments


class Command(BaseCommand):
    help = "Import appointments from an iCalendar (.ics) or CSV file into a clinic."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--clinic", required=True, help="the clinic's slug")

    def handle(self, *args, file: Path, clinic: str, **options):
        found = Clinic.objects.filter(slug=clinic).first()
        if found is None:
            raise CommandError(f"no clinic with the slug {clinic!r}")
        try:
            with file.open("rb") as handle:
                content = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from error
        try:
            report = import_appointments(
                clinic=found, content=content, filename=file.name, imported_by=None
            )
        except DomainError as error:
            raise CommandError(f"{file.name} was not imported: {error.message}") from error
        for row in report.rows:
            reason = f": {row.reason}" if row.reason else ""
            self.stdout.write(f"{row.where}: {row.outcome}{reason}")
        totals = ", ".join(f"{n} {outcome}" for outcome, n in report.totals.items())
        self.stdout.write(self.style.SUCCESS(f"{found.name}: {totals}"))
