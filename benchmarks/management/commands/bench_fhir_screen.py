from django.core.management.base import BaseCommand

from benchmarks.fhir_screen import run
from rules.selectors import active_version


class Command(BaseCommand):
    help = "Time QuestionnaireResponse/$screen against the engine plus JSON parsing."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=500)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, n, seed, **options):
        run(version=active_version(), n=n, seed=seed, write=self.stdout.write)
