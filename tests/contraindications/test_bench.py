"""The benchmark runs (tiny n) and prints its table."""

from __future__ import annotations

from benchmarks import engine as bench


def test_bench_smoke(capsys) -> None:
    assert bench.main(["--n", "200", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "µs / screening" in out
    assert "rules" in out


def test_generated_intakes_are_deterministic() -> None:
    from contraindications.engine import load_default_catalogue

    cat = load_default_catalogue()
    assert bench.make_intakes(cat, 50, seed=7) == bench.make_intakes(cat, 50, seed=7)
