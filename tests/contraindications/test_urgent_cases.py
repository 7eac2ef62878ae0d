"""Every urgent situation current guidance names screens refer_urgent (issue 17).

Each row is a client as the intake would record them: a complete set of answers built on the
rule-case baseline. Sources: IFOMPT 2020 red-flag framework, NICE CKS / NG59 back pain, NICE
CG75 spinal metastases, NICE head injury (anticoagulants), NHS pages on DVT, pulmonary embolism,
chest pain, pre-eclampsia and bleeding in pregnancy, acute oncology (neutropenic sepsis).
"""

from __future__ import annotations

import pytest

from contraindications.engine import (
    Decision,
    load_default_catalogue,
    load_default_ruleset,
    screen,
    validate_answers,
)
from tests.contraindications.test_rule_cases import BASELINE

BACK = BASELINE["presets"]["back_pain"]
PREGNANT = BASELINE["presets"]["pregnant"]
INJURY = {"recent_injury": True, "injury_kind": "minor_fall", "injury_hit_back": False}
CHEMO = {
    "cancer": "current",
    "cancer_treatment": ["chemotherapy"],
    "tumour_regions": ["chest"],
    "treatment_site_regions": ["chest"],
}
NUMB = {"limb_numbness_weakness": True}

# (situation, answers on top of the baseline, a rule that must say why)
URGENT = [
    (
        "blood thinner, fall with a blow to the head",
        {**INJURY, "medications": ["anticoagulant"], "injury_hit_head": True},
        "HEAD-INJURY-ON-BLOOD-THINNER",
    ),
    (
        "warfarin named in free text, blow to the head",
        {
            **INJURY,
            "injury_kind": "blow_or_hit",
            "other_medicines": "warfarin",
            "injury_hit_head": True,
        },
        "HEAD-INJURY-ON-BLOOD-THINNER",
    ),
    (
        "cauda equina: back pain, numbness in both legs, trouble passing urine",
        {**BACK, **NUMB, "limb_symptoms_where": ["both_legs"], "hard_to_urinate": True},
        "BACK-PAIN-URINE-RETENTION",
    ),
    ("cauda equina: saddle numbness", {**BACK, "saddle_numbness": True}, "BACK-SADDLE-NUMBNESS"),
    (
        "cauda equina: new bladder or bowel control problem",
        {**BACK, "bladder_bowel_control": True},
        "BACK-BLADDER-BOWEL",
    ),
    (
        "cauda equina: bilateral leg symptoms",
        {**BACK, **NUMB, "limb_symptoms_where": ["both_legs"]},
        "LIMB-SYMPTOMS-BOTH-LEGS",
    ),
    (
        "cauda equina: sexual dysfunction with back pain",
        {**BACK, "back_pain_features": ["sexual_changes"]},
        "BACK-SEXUAL-DYSFUNCTION",
    ),
    (
        "progressive leg weakness",
        {**NUMB, "limb_symptoms_where": ["one_leg"], "limb_symptoms_worsening": True},
        "NEURO-PROGRESSIVE-DEFICIT",
    ),
    (
        "new back pain after 50 with a history of cancer",
        {**BACK, "age": 56, "back_pain_new": True, "cancer": "past"},
        "BACK-PAIN-CANCER-HISTORY-NEW",
    ),
    (
        "cancer history with new bone pain",
        {"cancer": "past", "cancer_new_bone_pain": True},
        "CANCER-NEW-BONE-PAIN",
    ),
    ("suspected DVT: one calf swollen and painful", {"calf_swelling_one_side": True}, "CLOT-SIGNS"),
    (
        "suspected pulmonary embolism: sudden breathlessness",
        {"chest_breathing_symptoms": ["breathless_sudden"]},
        "PULMONARY-EMBOLISM-SIGNS",
    ),
    (
        "suspected pulmonary embolism: chest pain on breathing in",
        {"chest_breathing_symptoms": ["chest_pain_breathing"]},
        "PULMONARY-EMBOLISM-SIGNS",
    ),
    (
        "cardiac: chest pressure on exertion",
        {"chest_breathing_symptoms": ["chest_pain_exertion"]},
        "CARDIAC-CHEST-PAIN-EXERTION",
    ),
    (
        "cardiac: chest pain at rest",
        {"chest_breathing_symptoms": ["chest_pain_rest"]},
        "CARDIAC-CHEST-PAIN-REST",
    ),
    (
        "pre-eclampsia: severe headache, visual disturbance, sudden swelling",
        {**PREGNANT, "pregnancy_swelling_headache": True},
        "PREGNANCY-PREECLAMPSIA",
    ),
    (
        "bleeding in pregnancy",
        {**PREGNANT, "pregnancy_warning_signs": True},
        "PREGNANCY-WARNING-SIGNS",
    ),
    (
        "suspected spinal infection: back pain with fever",
        {**BACK, "fever_chills": True},
        "BACK-PAIN-FEVER",
    ),
    (
        "suspected fracture: back pain after a vehicle accident",
        {**BACK, **INJURY, "injury_kind": "vehicle_accident"},
        "BACK-FRACTURE-MAJOR-TRAUMA",
    ),
    (
        "suspected fracture: osteoporosis, minor fall, back pain",
        {**BACK, **INJURY, "osteoporosis": "severe"},
        "OSTEOPOROSIS-FALL-BACK-PAIN",
    ),
    (
        "suspected fracture: long-term steroids, minor fall, back pain",
        {**BACK, **INJURY, "medications": ["steroids_long_term"]},
        "BACK-FRACTURE-STEROIDS",
    ),
    (
        "suspected neutropenic sepsis: chemotherapy with fever",
        {**CHEMO, "fever_chills": True},
        "CHEMO-FEVER",
    ),
    (
        "aneurysm with back pain",
        {**BACK, "conditions": ["aneurysm"]},
        "ANEURYSM-WITH-PAIN",
    ),
]


def _screen(changes: dict, cleared: frozenset[str] = frozenset()):
    raw = {**BASELINE["base"], **changes}
    answers = validate_answers(load_default_catalogue(), raw)  # complete, as at submission
    return screen(load_default_ruleset(), answers, cleared_rule_ids=cleared)


@pytest.mark.parametrize(("situation", "changes", "rule_id"), URGENT, ids=[u[0] for u in URGENT])
def test_urgent_situation_screens_refer_urgent(situation: str, changes: dict, rule_id: str) -> None:
    result = _screen(changes)
    assert result.decision is Decision.REFER_URGENT, (situation, result.rule_ids)
    assert rule_id in result.rule_ids
    assert not result.session_possible


@pytest.mark.parametrize(("situation", "changes", "rule_id"), URGENT, ids=[u[0] for u in URGENT])
def test_no_clearance_lifts_an_urgent_situation(
    situation: str, changes: dict, rule_id: str
) -> None:
    every_rule = frozenset(r.id for r in load_default_ruleset().rules)
    assert _screen(changes, every_rule).decision is Decision.REFER_URGENT, situation


def test_the_table_covers_every_urgent_rule_it_names() -> None:
    urgent_rules = {
        r.id for r in load_default_ruleset().rules if r.outcome is Decision.REFER_URGENT
    }
    assert {rule_id for _, _, rule_id in URGENT} <= urgent_rules
