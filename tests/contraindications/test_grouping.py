"""Findings grouped by cause (contraindications/engine/grouping.py)."""

from contraindications.engine import (
    group_by_cause,
    grouped_findings,
    load_default_catalogue,
    load_default_ruleset,
    screen,
    validate_answers,
)
from tests.contraindications.test_rule_cases import BASELINE


def _f(rule_id, matched, decision="modify"):
    return {"rule_id": rule_id, "decision": decision, "matched": matched}


def test_findings_with_the_same_answers_form_one_group_in_first_seen_order():
    findings = [
        _f("A", {"pregnant": "yes"}, "refer"),
        _f("B", {"fever": True}, "postpone"),
        _f("C", {"pregnant": "yes"}),
        _f("D", {"regions": ["neck", "lumbar_spine"]}),
        _f("E", {"regions": ("neck", "lumbar_spine")}),  # a list and a tuple are the same answer
        _f("F", {"pregnant": "yes", "weeks": 24}),  # more answers: another cause
    ]
    groups = group_by_cause(findings, lambda f: f["matched"])
    assert [[f["rule_id"] for f in g] for g in groups] == [["A", "C"], ["B"], ["D", "E"], ["F"]]


def test_findings_explained_by_no_answer_are_never_grouped():
    findings = [_f("INTAKE-INCOMPLETE", {}, "refer"), _f("INVALID", {}, "refer")]
    assert len(group_by_cause(findings, lambda f: f["matched"])) == 2


def test_pregnancy_rules_are_one_block_under_are_you_pregnant_yes():
    raw = {**BASELINE["base"], "pregnant": "yes", "pregnancy_weeks": 24}
    raw.update(pregnancy_high_risk=False, pregnancy_swelling_headache=False)
    raw.update(pregnancy_warning_signs=False)
    result = screen(load_default_ruleset(), validate_answers(load_default_catalogue(), raw))
    groups = grouped_findings(result.findings)
    by_cause = {tuple(sorted(g["matched"].items())): g for g in groups}
    pregnant = by_cause[(("pregnant", "yes"),)]
    assert {"PREGNANCY-ACUPOINTS", "PREGNANCY-DEEP-TISSUE", "PREGNANCY-ESSENTIAL-OILS"} <= set(
        pregnant["rule_ids"]
    )
    assert len(pregnant["decisions"]) == len(pregnant["rule_ids"])
    # Every finding is in exactly one group.
    assert sorted(r for g in groups for r in g["rule_ids"]) == sorted(result.rule_ids)
