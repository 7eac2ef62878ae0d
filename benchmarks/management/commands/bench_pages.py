from django.core.management.base import BaseCommand

from benchmarks.pages import run
from benchmarks.throwaway import in_throwaway_db


class Command(BaseCommand):
    help = "Time a client's page, the screening page and submit against a bare PK select."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=200)

    def handle(self, *args, runs, **options):
        in_throwaway_db(run, runs=runs, write=self.stdout.write)
