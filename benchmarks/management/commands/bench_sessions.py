from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from benchmarks.sessions import run
from benchmarks.throwaway import in_throwaway_db


class Command(BaseCommand):
    help = "Time a session load (and its user) with Django's store and with accounts.sessions."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=500)

    def handle(self, *args, runs, **options):
        with override_settings(DEBUG=False):
            in_throwaway_db(run, runs=runs, write=self.stdout.write)
