from django.core.management.base import BaseCommand

from benchmarks.first_request import run_in_throwaway_db


class Command(BaseCommand):
    help = "Time request 1, 2 and 10 of fresh gunicorn workers, before and after the warm-up."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=3, help="fresh workers per page")
        parser.add_argument("--requests", type=int, default=10, help="requests per worker")

    def handle(self, *args, rounds, requests, **options):
        run_in_throwaway_db(rounds=rounds, requests=requests, write=self.stdout.write)
