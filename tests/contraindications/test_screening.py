"""screen(): decisions, findings, clearance, errors, serialisation."""

from __future__ import annotations

import json

from contraindications.engine import (
    EVALUATION_ERROR,
    RULESET_PATH,
    Decision,
    Screening,
    load_default_catalogue,
    load_default_ruleset,
    load_ruleset,
    screen,
    validate_answers,
)
from contraindications.engine.index import RuleIndex
from contraindications.engine.rules import RuleSet
from tests.contraindications.test_rule_cases import BASELINE

BASE = BASELINE["base"]
BACK = BASELINE["presets"]["back_pain"]


def answers(**extra):
    return validate_answers(load_default_catalogue(), {**BASE, **extra})


def test_no_findings_proceed() -> None:
    result = screen(load_default_ruleset(), answers())
    assert result.decision is Decision.PROCEED
    assert result.findings == ()
    assert result.constraints.is_empty
    assert result.session_possible


def test_most_severe_finding_decides_and_findings_are_sorted() -> None:
    result = screen(
        load_default_ruleset(),
        answers(blood_in_urine=True, fever_chills=True, bleeding_disorder=True, **BACK),
    )
    assert result.decision is Decision.REFER_URGENT
    severities = [f.severity for f in result.findings]
    assert severities == sorted(severities, reverse=True)
    assert not result.session_possible
    assert [f.rule_id for f in result.findings[:2]] == ["BACK-PAIN-FEVER", "KIDNEY-HEMATURIA"]
    hematuria = result.findings[1]
    assert hematuria.matched == (("blood_in_urine", True),)
    assert hematuria.source.seed
    assert hematuria.source.passage
    assert hematuria.source.title


def test_modify_only_findings_give_modify() -> None:
    result = screen(load_default_ruleset(), answers(bleeding_disorder=True))
    assert result.decision is Decision.MODIFY
    assert result.session_possible


def test_plain_dict_answers_are_accepted() -> None:
    a = answers(blood_in_urine=True)
    assert screen(load_default_ruleset(), dict(a)) == screen(load_default_ruleset(), a)


def test_clearance_turns_refer_into_modify_but_not_urgent() -> None:
    rs = load_default_ruleset()
    a = answers(kidney_infection_or_stone=True, blood_in_urine=True)
    cleared = frozenset({"KIDNEY-CONDITION-CURRENT", "KIDNEY-HEMATURIA"})
    result = screen(rs, a, cleared_rule_ids=cleared)
    assert result.decision is Decision.REFER_URGENT
    kidney = result.finding("KIDNEY-CONDITION-CURRENT")
    assert kidney.decision is Decision.MODIFY
    assert kidney.clearance_applied
    assert kidney.constraints.pressure_cap == 3  # constraints are kept
    assert not result.finding("KIDNEY-HEMATURIA").clearance_applied
    alone = screen(rs, answers(kidney_infection_or_stone=True), cleared_rule_ids=cleared)
    assert alone.decision is Decision.MODIFY
    # Findings stay sorted after a clearance changed a decision.
    assert next(f.rule_id for f in result.findings) == "KIDNEY-HEMATURIA"


def test_clearance_for_rules_that_did_not_fire_is_harmless() -> None:
    result = screen(load_default_ruleset(), answers(), cleared_rule_ids={"HEART-RECOVERING"})
    assert result.decision is Decision.PROCEED


def test_evaluation_error_becomes_refer() -> None:
    rs = load_default_ruleset()
    # A rule reading a question whose answer has an unexpected type blows up inside
    # its closure; the screening must still refer, naming the rule.
    weird = dict(answers(**BACK))
    weird["pregnancy_weeks"] = "twenty"  # bypasses validation on purpose
    weird["pregnant"] = "yes"
    result = screen(rs, weird)
    f = result.finding("PREGNANCY-POSITIONING")
    assert f is not None
    assert f.code == EVALUATION_ERROR
    assert f.decision is Decision.REFER
    assert "PREGNANCY-POSITIONING" in f.message
    assert result.decision.severity >= Decision.REFER.severity


def test_evaluation_error_in_any_rule_never_proceeds() -> None:
    rs = load_default_ruleset()
    ungated = RuleIndex.build(rs.rules, use_gates=False)  # every rule gets tested
    broken = RuleSet(rs.version, rs.rules, rs.checksum, rs.catalogue_version, rs.by_id, ungated)
    result = screen(broken, {"medications": 42})  # not iterable: contains_any raises
    codes = {f.rule_id for f in result.findings if f.code == EVALUATION_ERROR}
    assert "BLEEDING-ANTICOAGULANT" in codes
    assert result.decision is not Decision.PROCEED
    # Same with the real index: unhashable or odd values must not make screen() raise.
    for odd in ({"medications": 42}, {"medications": [["x"]]}, {"pregnant": ["yes"]}):
        assert screen(rs, odd).decision is not Decision.PROCEED, odd


def test_regions_from_answers_become_constraints() -> None:
    result = screen(
        load_default_ruleset(),
        answers(
            broken_bone="healing",
            broken_bone_regions=["arm_left"],
            varicose_veins=True,
            varicose_regions=["calf_right"],
        ),
    )
    assert {"arm_left", "calf_right"} <= result.constraints.avoid_regions
    assert result.finding("FRACTURE-UNHEALED").constraints.avoid_regions == {"arm_left"}


def test_to_dict_is_json_ready_deterministic_and_round_trips() -> None:
    rs = load_default_ruleset()
    a = answers(
        pregnant="yes",
        pregnancy_weeks=30,
        pregnancy_high_risk=False,
        pregnancy_swelling_headache=False,
        pregnancy_warning_signs=False,
        bruises=True,
        bruise_regions=["thigh_left", "arm_left"],
        **BACK,
    )
    d1 = screen(rs, a).to_dict()
    d2 = screen(rs, a).to_dict()
    assert json.dumps(d1, sort_keys=True) == json.dumps(d2, sort_keys=True)
    assert json.loads(json.dumps(d1)) == d1
    assert d1["ruleset_checksum"] == rs.checksum
    assert d1["constraints"]["avoid_regions"] == sorted(d1["constraints"]["avoid_regions"])
    rebuilt = Screening.from_dict(d1)
    assert rebuilt.to_dict() == d1
    assert rebuilt == screen(rs, a)


def test_ruleset_loaded_once_is_reused() -> None:
    assert load_default_ruleset() is load_default_ruleset()
    data = json.loads(RULESET_PATH.read_text(encoding="utf-8"))
    one = [r for r in data["rules"] if r["id"] == "KIDNEY-HEMATURIA"]
    rs = load_ruleset({"version": "x", "rules": one}, load_default_catalogue())
    assert len(rs) == 1
    assert screen(rs, answers(blood_in_urine=True)).decision is Decision.REFER_URGENT


def test_an_any_over_several_questions_is_indexed_under_each() -> None:
    rs = load_default_ruleset()
    gates = rs.by_id["GENERAL-FEVER"].when.gates
    assert {(g.qid, g.values) for g in gates} == {
        ("fever_chills", frozenset({True})),
        ("feel_unwell", frozenset({True})),
    }
    index = rs.index
    fever = index.rules.index(rs.by_id["GENERAL-FEVER"])
    assert fever not in index.always
    assert fever not in index.candidates({"fever_chills": False, "feel_unwell": False})
    assert fever in index.candidates({"fever_chills": False, "feel_unwell": True})
    assert fever in index.candidates({"fever_chills": True})
    # The shipped rule set has no rule left that must be tested on every screening.
    assert index.always == ()


def test_gated_and_ungated_screening_agree_on_every_rule_case() -> None:
    from tests.contraindications.test_rule_cases import CASES, build_answers

    rs = load_default_ruleset()
    ungated = RuleSet(
        rs.version,
        rs.rules,
        rs.checksum,
        rs.catalogue_version,
        rs.by_id,
        RuleIndex.build(rs.rules, use_gates=False),
    )
    for name, case in CASES:
        a = validate_answers(load_default_catalogue(), build_answers(case))
        cleared = frozenset(case.get("cleared_rule_ids", ()))
        got = screen(rs, a, cleared_rule_ids=cleared).to_dict()
        assert got == screen(ungated, a, cleared_rule_ids=cleared).to_dict(), name
