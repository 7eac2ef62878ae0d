import json
from pathlib import Path

from contraindications.engine import RULESET_PATH
from rules.ruledoc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"


def test_reviewed_rule_document_matches_the_rules_in_use():
    data = json.loads(RULESET_PATH.read_text(encoding="utf-8"))
    assert DOC.read_text(encoding="utf-8") == render(data), (
        "docs/RULES.md is stale: run `python -m rules.ruledoc > docs/RULES.md`"
    )
