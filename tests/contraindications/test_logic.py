"""The condition language: operators, explanations and gates."""

from __future__ import annotations

import datetime as dt

import pytest

from contraindications.engine import LogicError, compile_condition, load_default_catalogue


def ev(spec: dict, answers: dict) -> tuple[bool, dict]:
    cond = compile_condition(spec, load_default_catalogue().by_id)
    return cond.evaluate(answers)


@pytest.mark.parametrize(
    ("spec", "answers", "truth"),
    [
        ({"q": "blood_in_urine", "eq": True}, {"blood_in_urine": True}, True),
        ({"q": "blood_in_urine", "eq": True}, {"blood_in_urine": False}, False),
        ({"q": "blood_in_urine", "eq": True}, {}, False),
        ({"q": "pregnant", "ne": "no"}, {"pregnant": "yes"}, True),
        ({"q": "pregnant", "ne": "no"}, {}, False),  # unknown is not "different"
        ({"q": "pregnancy_weeks", "gte": 20}, {"pregnancy_weeks": 20}, True),
        ({"q": "pregnancy_weeks", "gt": 20}, {"pregnancy_weeks": 20}, False),
        ({"q": "pregnancy_weeks", "lt": 20}, {"pregnancy_weeks": 19}, True),
        ({"q": "pregnancy_weeks", "lte": 20}, {}, False),
        ({"q": "pregnant", "in": ["yes", "not_sure"]}, {"pregnant": "not_sure"}, True),
        (
            {"q": "medications", "contains": "anticoagulant"},
            {"medications": frozenset({"anticoagulant"})},
            True,
        ),
        (
            {"q": "medications", "contains_any": ["antiplatelet", "daily_aspirin"]},
            {"medications": frozenset({"anticoagulant"})},
            False,
        ),
        (
            {"q": "medications", "contains_all": ["antiplatelet", "daily_aspirin"]},
            {"medications": frozenset({"antiplatelet", "daily_aspirin", "none"})},
            True,
        ),
        (
            {"q": "bruise_regions", "contains": "gluteal_left"},
            {"bruise_regions": frozenset({"gluteal_left"})},
            True,
        ),
        (
            {"q": "pain_started_on", "gt": "2026-01-01"},
            {"pain_started_on": dt.date(2026, 2, 1)},
            True,
        ),
        (
            {"q": "other_medicines", "text_contains_any": ["warfarin"]},
            {"other_medicines": "Warfarin 3mg"},
            True,
        ),
        (
            {"q": "other_medicines", "text_contains_any": ["warfarin"]},
            {"other_medicines": "warfarinish"},
            False,
        ),
        (
            {"q": "other_medicines", "text_contains_any": ["acido acetilsalicilico"]},
            {"other_medicines": "ÁCIDO ACETILSALICÍLICO 100"},
            True,
        ),
        ({"q": "other_medicines", "is_answered": True}, {"other_medicines": "x"}, True),
        ({"q": "other_medicines", "is_answered": False}, {}, True),
        ({"not": {"q": "fever_chills", "eq": True}}, {"fever_chills": False}, True),
        (
            {"all": [{"q": "fever_chills", "eq": True}, {"q": "nausea_vomiting", "eq": True}]},
            {"fever_chills": True, "nausea_vomiting": False},
            False,
        ),
        (
            {"any": [{"q": "fever_chills", "eq": True}, {"q": "nausea_vomiting", "eq": True}]},
            {"fever_chills": False, "nausea_vomiting": True},
            True,
        ),
    ],
)
def test_operators(spec: dict, answers: dict, truth: bool) -> None:
    assert ev(spec, answers)[0] is truth


def test_explanation_lists_matching_answers_only() -> None:
    spec = {
        "all": [
            {"q": "back_or_flank_pain", "eq": True},
            {"any": [{"q": "fever_chills", "eq": True}, {"q": "nausea_vomiting", "eq": True}]},
        ]
    }
    truth, matched = ev(
        spec, {"back_or_flank_pain": True, "fever_chills": False, "nausea_vomiting": True}
    )
    assert truth
    assert matched == {"back_or_flank_pain": True, "nausea_vomiting": True}
    assert ev(spec, {"back_or_flank_pain": False})[1] == {}


def test_compile_errors_have_codes() -> None:
    by_id = load_default_catalogue().by_id
    for spec, code in [
        ({}, "bad_logic"),
        ([], "bad_logic"),
        ({"q": "blood_in_urine"}, "bad_logic"),
        ({"q": "blood_in_urine", "eq": True, "ne": False}, "bad_logic"),
        ({"all": [], "any": []}, "bad_logic"),
        ({"q": "age", "contains": 3}, "bad_op_for_type"),
        ({"q": "age", "eq": "3"}, "bad_value"),
    ]:
        with pytest.raises(LogicError) as exc:
            compile_condition(spec, by_id)
        assert exc.value.code == code, spec
