"""The $screen benchmark runs and prints its table (figures: docs/PERFORMANCE.md)."""

import pytest

from benchmarks.fhir_screen import run

pytestmark = pytest.mark.django_db


def test_the_screen_benchmark_prints_a_table(ruleset):
    lines = []
    figures = run(version=ruleset, n=10, repeats=1, write=lines.append)
    assert lines[0] == "| figure | value |"
    assert any("$screen" in line for line in lines)
    assert figures["screen"] > 0
    assert figures["ratio"] > 0
