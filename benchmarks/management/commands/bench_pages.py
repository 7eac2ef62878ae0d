from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from benchmarks.pages import run
from benchmarks.throwaway import in_throwaway_db


class Command(BaseCommand):
    help = "Time a client's page, the screening page and submit against a bare PK select."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=200)

    def handle(self, *args, runs, **options):
        # As in production (and under pytest): without DEBUG's query log on every statement
        # and the template engine's debug mode, which the test settings would otherwise keep.
        with override_settings(DEBUG=False):
            in_throwaway_db(run, runs=runs, write=self.stdout.write)
