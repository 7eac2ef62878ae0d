"""Runs every case in fixtures/rule_cases/*.json against the shipped rule set.

A case's answers are: the base answers in _baseline.json, then each named preset,
then the case's own answers (a null value removes a key).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from contraindications.engine import (
    RULE_CASES_DIR,
    load_default_catalogue,
    load_default_ruleset,
    screen,
    validate_answers,
)

SET_KEYS = ("avoid_regions", "exclude_modalities", "exclude_acupoints", "exclude_oils")


def _load_cases() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(Path(RULE_CASES_DIR).glob("*.json")):
        if path.name.startswith("_"):
            continue
        for case in json.loads(path.read_text(encoding="utf-8")):
            out.append((f"{path.stem}::{case['name']}", case))
    return out


CASES = _load_cases()
BASELINE = json.loads((Path(RULE_CASES_DIR) / "_baseline.json").read_text(encoding="utf-8"))


def build_answers(case: dict) -> dict:
    raw = dict(BASELINE["base"])
    for preset in case.get("presets", ()):
        raw.update(BASELINE["presets"][preset])
    raw.update(case["answers"])
    return {k: v for k, v in raw.items() if v is not None}


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_rule_case(case: dict) -> None:
    catalogue, ruleset = load_default_catalogue(), load_default_ruleset()
    answers = validate_answers(catalogue, build_answers(case))
    result = screen(ruleset, answers, cleared_rule_ids=frozenset(case.get("cleared_rule_ids", ())))
    expected = case["expected"]
    fired = set(result.rule_ids)
    assert result.decision.value == expected["decision"], sorted(fired)
    assert set(expected.get("fires", ())) <= fired, f"missing: {set(expected['fires']) - fired}"
    assert not (set(expected.get("not_fires", ())) & fired)
    applied = {f.rule_id for f in result.findings if f.clearance_applied}
    assert applied == set(expected.get("clearance_applied", ()))
    c = result.constraints
    for key, want in expected.get("constraints", {}).items():
        if key in SET_KEYS:
            assert set(want) <= getattr(c, key), key
        elif key == "region_pressure_caps":
            assert set(want.items()) <= set(c.region_pressure_caps), key
        elif key == "allowed_positions":
            got = None if c.allowed_positions is None else set(c.allowed_positions)
            assert got == (None if want is None else set(want))
        else:
            assert getattr(c, key) == want, key


def test_every_rule_has_a_firing_and_a_non_firing_case() -> None:
    fires: dict[str, int] = defaultdict(int)
    not_fires: dict[str, int] = defaultdict(int)
    for _, case in CASES:
        for rid in case["expected"].get("fires", ()):
            fires[rid] += 1
        for rid in case["expected"].get("not_fires", ()):
            not_fires[rid] += 1
    ids = {r.id for r in load_default_ruleset().rules}
    assert not ids - set(fires), f"rules without a firing case: {sorted(ids - set(fires))}"
    assert not ids - set(not_fires), (
        f"rules without a non-firing case: {sorted(ids - set(not_fires))}"
    )
    unknown = (set(fires) | set(not_fires)) - ids
    assert not unknown, f"cases name unknown rules: {sorted(unknown)}"


def test_every_category_has_a_case_file() -> None:
    files = {p.stem for p in Path(RULE_CASES_DIR).glob("*.json")}
    categories = {r.category for r in load_default_ruleset().rules}
    assert categories <= files, sorted(categories - files)
