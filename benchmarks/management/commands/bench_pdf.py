from django.core.management.base import BaseCommand

from benchmarks.pdf import run
from benchmarks.throwaway import in_throwaway_db


class Command(BaseCommand):
    help = "Time the session-summary PDF against WeasyPrint alone, and the cached re-download."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15)

    def handle(self, *args, runs, **options):
        in_throwaway_db(run, runs=runs, write=self.stdout.write)
