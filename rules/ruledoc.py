"""Write the rule set as a Markdown document for clinical review (docs/RULES.md).

    python -m rules.ruledoc > docs/RULES.md

A test fails when docs/RULES.md no longer matches fixtures/rules/ruleset.json and the
clinicians' reviews in fixtures/rules/reviews.json, so the reviewed document and the rules in use
cannot drift apart. Every rule without a review is marked "not reviewed". Pure Python: no Django
needed.
"""

import json
import sys
from collections import defaultdict

from contraindications.engine import RULESET_PATH, Decision
from contraindications.engine.rules import Source


def _decision_words(d: Decision) -> str:
    words = d.label_en.lower()
    if d.severity >= Decision.REFER.severity:
        return f"**{words}**"
    return f"{words} (note only)" if d is Decision.PROCEED else words


DECISION_WORDS = {d.value: _decision_words(d) for d in Decision}


def _constraints(c: dict) -> str:
    parts = []
    if c.get("pressure_cap"):
        parts.append(f"pressure ≤ {c['pressure_cap']}")
    for region, cap in sorted((c.get("region_pressure_caps") or {}).items()):
        parts.append(f"{region} pressure ≤ {cap}")
    labels = [
        ("avoid_regions", "avoid"),
        ("avoid_regions_from", "avoid the areas answered in"),
        ("exclude_modalities", "no"),
        ("exclude_acupoints", "no acupoints"),
        ("exclude_oils", "no oils"),
        ("positioning", "positioning"),
    ]
    for key, label in labels:
        if c.get(key):
            parts.append(f"{label} {', '.join(c[key])}")
    return "; ".join(parts) or "—"


def _source(s: dict) -> str:
    """The readable citation and the quoted passage; never the seed file name."""
    source = Source.from_dict(s)
    if source.passage:
        return f"{source.citation()} Quoted: “{source.passage}”"
    return source.citation()


REVIEWS_PATH = RULESET_PATH.parent / "reviews.json"


def read_reviews() -> dict:
    """The reviews file of the shipped rule set; none recorded when there is no file."""
    if not REVIEWS_PATH.exists():
        return {"reviews": []}
    return json.loads(REVIEWS_PATH.read_text(encoding="utf-8"))


def _review_line(reviews: list[dict]) -> str:
    if not reviews:
        return "- Clinical review: **not reviewed** (no clinician has signed this rule off)"
    done = "; ".join(
        f"{r['reviewer']} ({r['credential']}), {r['reviewed_on']}"
        + (f": {r['note']}" if r.get("note") else "")
        for r in sorted(reviews, key=lambda r: r["reviewed_on"])
    )
    return f"- Clinical review: {done}"


def render(data: dict, reviews: dict | None = None) -> str:
    by_rule = defaultdict(list)
    if reviews and reviews.get("ruleset_version") == data["version"]:
        for review in reviews.get("reviews", []):
            by_rule[review["rule_id"]].append(review)
    reviewed = sum(1 for rule in data["rules"] if by_rule[rule["id"]])
    by_category = defaultdict(list)
    for rule in data["rules"]:
        by_category[rule["category"]].append(rule)
    lines = [
        f"# Rule set {data['version']}",
        "",
        "Generated from `fixtures/rules/ruleset.json` by `python -m rules.ruledoc`;"
        " do not edit by hand.",
        f"{len(data['rules'])} rules. Each row: what fires it (the intake questions it reads),"
        " the outcome, the constraints it adds, the clinical reasoning and its source: publisher,"
        " title, year, address and the passage quoted from it. Seed passages are checked word for"
        " word against the source articles by a test; the red-flag coverage and the references are"
        " summarised in docs/SCREENING.md.",
        "",
        f"Clinical sign-off: {reviewed} of {len(data['rules'])} rules reviewed by a clinician"
        " (from fixtures/rules/reviews.json, which `load_rules` imports; a review recorded with"
        " `manage.py review_rule` shows on the owners' rule-set page until it is added there)."
        " A rule marked **not reviewed** has no clinician's review yet.",
        "",
    ]
    for category in sorted(by_category):
        lines += [f"## {category.replace('_', ' ').capitalize()}", ""]
        for rule in by_category[category]:
            lines += [
                f"### {rule['id']} (v{rule['version']}): {rule['title']}",
                "",
                f"- Outcome: {DECISION_WORDS.get(rule['outcome'], rule['outcome'])}",
                f"- Reads: {', '.join(f'`{q}`' for q in rule['reads'])}",
                f"- Constraints: {_constraints(rule.get('constraints') or {})}",
                f"- For the therapist: {rule['description']}",
                f"- Clinical reasoning: {rule['clinical_summary']}",
                f"- Source: {_source(rule['source'])}",
                _review_line(by_rule[rule["id"]]),
                "",
            ]
    return "\n".join(lines)


def main() -> None:
    data = json.loads(RULESET_PATH.read_text(encoding="utf-8"))
    sys.stdout.write(render(data, read_reviews()))


if __name__ == "__main__":
    main()
