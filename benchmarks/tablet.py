"""The tablet's two most frequent requests, a section page and an autosave, with the draft's
lookups compiled once (config/statements.py, as the app runs them) against the same lookups
compiled by the ORM on every request (docs/PERFORMANCE.md, "The tablet's requests, compiled
once").

    python manage.py bench_tablet [--runs 40]

Its own throw-away database; a kiosk session handed over as the front desk does. The two ways
take turns in blocks of 20 requests (`runs` blocks each), so they meet the same machine load;
printed: CPU time of this process per request, median and mean, and the statements of one.
"""

import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.statements import OneValueQuery

BLOCK = 20


def _orm_each_time(build: Callable) -> Callable:
    """The lookup as a plain queryset, which Django compiles each time it runs."""

    def first(value):
        found = build(value)
        return found[0] if found else None

    return first


def run(*, runs: int, write=print) -> None:
    import intake.selectors as selectors
    import intake.services as services
    from benchmarks.pages import _fixture, tablet_requests

    screening, therapist = _fixture()
    page, autosave = tablet_requests(screening.client, therapist)

    by_token = selectors._KIOSK_INTAKES, selectors._KIOSK_INTAKES_WITH_CLIENT, services._CHANGING
    lookups: list[tuple[OneValueQuery, Callable]] = [
        (selectors._BY_TOKEN, lambda token: by_token[0].filter(kiosk_token=token)[:1]),
        (selectors._BY_TOKEN_WITH_CLIENT, lambda token: by_token[1].filter(kiosk_token=token)[:1]),
        (services._CHANGING_BY_TOKEN, lambda token: by_token[2].filter(kiosk_token=token)[:1]),
        (services._CHANGING_BY_ID, lambda pk: services._CHANGING.filter(pk=pk)[:1]),
    ]

    def compiled_by_the_orm(yes: bool) -> None:
        for lookup, build in lookups:
            if yes:
                lookup.first = _orm_each_time(build)  # type: ignore[method-assign]
            else:
                lookup.__dict__.pop("first", None)

    write(f"{'request':<14} {'lookups':<22} {'CPU ms median':>14} {'mean':>8} {'statements':>11}")
    try:
        for label, request in (("section page", page), ("autosave", autosave)):
            cpu: dict[str, list[float]] = {"compiled by the ORM": [], "compiled once": []}
            statements = {}
            for block in range(runs):
                ways = [("compiled by the ORM", True), ("compiled once", False)]
                for name, orm in ways if block % 2 else ways[::-1]:
                    compiled_by_the_orm(orm)
                    for _ in range(3):
                        request()
                    for _ in range(BLOCK):
                        start = time.process_time()
                        request()
                        cpu[name].append((time.process_time() - start) * 1000)
                    with CaptureQueriesContext(connection) as captured:
                        request()
                    statements[name] = sum(
                        "SAVEPOINT" not in q["sql"] for q in captured.captured_queries
                    )
            for name, times in cpu.items():
                write(
                    f"{label:<14} {name:<22} {statistics.median(times):>14.2f} "
                    f"{statistics.mean(times):>8.2f} {statements[name]:>11}"
                )
    finally:
        compiled_by_the_orm(False)
