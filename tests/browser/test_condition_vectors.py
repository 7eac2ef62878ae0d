"""The kiosk's condition evaluator (static/js/intake.js, window.IntakeConditions) in Chromium,
against the same vectors as the engine (tests/contraindications/test_condition_vectors.py)."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

from contraindications.engine.logic import normalise_text
from tests.browser.conftest import TABLET
from tests.condition_vectors import all_vectors

pytestmark = pytest.mark.browser

INTAKE_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "intake.js"


@pytest.fixture(scope="module")
def blank_page(browser):
    # No server and no database: intake.js defines IntakeConditions, finds no intake form on
    # about:blank and stops there.
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    page.goto("about:blank")
    page.add_script_tag(content=INTAKE_JS.read_text(encoding="utf-8"))
    yield page
    context.close()


def test_intake_js_agrees_with_every_vector(blank_page) -> None:
    vectors = all_vectors()
    results = blank_page.evaluate(
        """(vectors) => vectors.map((v) => {
            try { return window.IntakeConditions.test(v.condition, v.answers); }
            catch (e) { return "error: " + e; }
        })""",
        [v.to_json() for v in vectors],
    )
    wrong = [
        f"{v.id}: expected {v.expected}, got {got}"
        for v, got in zip(vectors, results, strict=True)
        if got is not v.expected
    ]
    assert not wrong, "\n".join(wrong)


def _assigned_characters() -> str:
    # Characters Python's Unicode database knows; Chromium's may be newer.
    return "".join(
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) not in ("Cn", "Cs", "Co")
    )


def test_text_normalisation_matches_the_engine_for_every_character(blank_page) -> None:
    chars = _assigned_characters()
    got = blank_page.evaluate(
        "(chars) => Array.from(chars).map((c) => window.IntakeConditions.normaliseText(c))",
        chars,
    )
    wrong = [
        f"U+{ord(c):04X} {unicodedata.name(c, '?')}: engine {normalise_text(c)!r}, js {js!r}"
        for c, js in zip(chars, got, strict=True)
        if js != normalise_text(c)
    ]
    assert not wrong, f"{len(wrong)} differ:\n" + "\n".join(wrong[:40])
