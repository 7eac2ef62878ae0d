import json
from pathlib import Path

from contraindications.engine import RULESET_PATH
from rules.ruledoc import read_reviews, render

DOC = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"


def test_reviewed_rule_document_matches_the_rules_in_use():
    data = json.loads(RULESET_PATH.read_text(encoding="utf-8"))
    assert DOC.read_text(encoding="utf-8") == render(data, read_reviews()), (
        "docs/RULES.md is stale: run `python -m rules.ruledoc > docs/RULES.md`"
    )


def test_rules_without_a_clinicians_review_are_marked():
    data = json.loads(RULESET_PATH.read_text(encoding="utf-8"))
    first, second = data["rules"][0]["id"], data["rules"][1]["id"]
    reviews = {
        "ruleset_version": data["version"],
        "reviews": [
            {
                "rule_id": first,
                "reviewer": "A. Example",
                "credential": "MD",
                "reviewed_on": "2026-11-30",
                "note": "agree",
            }
        ],
    }
    doc = render(data, reviews)
    total = len(data["rules"])
    assert f"Clinical sign-off: 1 of {total} rules reviewed by a clinician" in doc
    assert doc.count("**not reviewed**") == total - 1 + 1  # per rule, and once in the intro
    section = doc.split(f"### {first} ")[1].split("### ")[0]
    assert "- Clinical review: A. Example (MD), 2026-11-30: agree" in section
    assert "**not reviewed**" in doc.split(f"### {second} ")[1].split("### ")[0]
    # Reviews of another rule-set version never count for this one.
    other = render(data, {**reviews, "ruleset_version": "1999.1"})
    assert f"Clinical sign-off: 0 of {total} rules" in other


def test_the_shipped_rule_set_carries_no_invented_reviews():
    assert read_reviews()["reviews"] == []
    assert "Clinical sign-off: 0 of" in DOC.read_text(encoding="utf-8")
