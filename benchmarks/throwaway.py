"""A benchmark's own test database, made for one run and dropped after it (bench_pdf,
bench_pages, bench_sessions): the figures never touch, or depend on, a real database's rows."""

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.test.utils import override_settings, setup_databases, teardown_databases


def in_throwaway_db(run: Callable[..., Any], **kwargs: Any) -> Any:
    """`run(**kwargs)` in a fresh test database; what it returns."""
    old = setup_databases(verbosity=0, interactive=False)
    try:
        return run(**kwargs)
    finally:
        teardown_databases(old, verbosity=0)


class ThrowawayBench(BaseCommand):
    """A benchmark command: `run(runs=…, write=…)` of the subclass in a throw-away database,
    with DEBUG off as in production (no query log, no template debug)."""

    default_runs = 200
    run: Callable[..., Any]  # each command's `staticmethod(run)`: run(runs=…, write=…)

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=self.default_runs)

    def handle(self, *args, runs, **options):
        with override_settings(DEBUG=False):
            in_throwaway_db(type(self).run, runs=runs, write=self.stdout.write)
