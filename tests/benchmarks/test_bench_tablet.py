"""bench_tablet (docs/PERFORMANCE.md, "The tablet's requests, compiled once") still runs, times
both ways with the same statements, and leaves the app's lookups as the app runs them."""

import pytest

import intake.selectors as selectors
import intake.services as services
from benchmarks.tablet import run


@pytest.mark.django_db
def test_bench_tablet_compares_both_ways_and_restores_the_compiled_lookups(ruleset):
    lines: list[str] = []
    run(runs=2, write=lines.append)
    rows = [line.split() for line in lines[1:]]
    assert [(row[0], row[-4]) for row in rows] == [
        ("section", "ORM"), ("section", "once"), ("autosave", "ORM"), ("autosave", "once"),
    ]  # fmt: skip
    statements = [row[-1] for row in rows]
    assert statements[0] == statements[1]
    assert statements[2] == statements[3]
    for lookup in (
        selectors._BY_TOKEN,
        selectors._BY_TOKEN_WITH_CLIENT,
        services._CHANGING_BY_TOKEN,
        services._CHANGING_BY_ID,
    ):
        assert "first" not in vars(lookup)  # the class's own, compiled once
