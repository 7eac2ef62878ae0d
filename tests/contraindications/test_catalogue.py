"""The question catalogue: structure, answer validation and visibility."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from contraindications.engine import (
    CATALOGUE_PATH,
    AnswerError,
    CatalogueError,
    load_catalogue,
    load_default_catalogue,
    validate_answers,
    visible_questions,
)
from contraindications.engine.catalogue import SECTIONS
from tests.contraindications.test_rule_cases import BASELINE

BASE = BASELINE["base"]


def raw_catalogue() -> dict:
    return json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))


def test_catalogue_shape() -> None:
    cat = load_default_catalogue()
    assert cat.version
    assert 40 <= len(cat.questions) <= 100
    seen = [q.section for q in cat.questions]
    assert [s for s in SECTIONS if s in seen] == list(dict.fromkeys(seen))
    assert set(seen) == set(SECTIONS)
    for q in cat.questions:
        assert q.text.en.strip()
        assert q.text.es.strip()
        assert q.text.en != q.text.es or len(q.text.en) < 4
        for c in q.choices:
            assert c.label.en.strip()
            assert c.label.es.strip()


def test_baseline_answers_are_complete_and_valid() -> None:
    answers = validate_answers(load_default_catalogue(), BASE)
    assert answers["pregnant"] == "no"
    assert answers["medications"] == frozenset({"none"})


@pytest.mark.parametrize(
    ("change", "code", "qid"),
    [
        ({"no_such_question": True}, "unknown_question", "no_such_question"),
        ({"blood_in_urine": "yes"}, "wrong_type", "blood_in_urine"),
        ({"age": 7}, "out_of_range", "age"),
        ({"age": 40.5}, "wrong_type", "age"),
        ({"age": True}, "wrong_type", "age"),
        ({"pregnant": "maybe"}, "bad_choice", "pregnant"),
        ({"medications": ["aspirin"]}, "bad_choice", "medications"),
        ({"medications": ["none", "daily_aspirin"]}, "exclusive_choice", "medications"),
        ({"bruises": True, "bruise_regions": ["tail"]}, "bad_region", "bruise_regions"),
        ({"has_pain": True, "pain_started_on": "2026-02-30"}, "bad_date", "pain_started_on"),
        ({"has_pain": True, "pain_started_on": "21/11/2026"}, "bad_date", "pain_started_on"),
        ({"other_medicines": "x" * 501}, "too_long", "other_medicines"),
        ({"blood_in_urine": None}, "missing_required", "blood_in_urine"),
        ({"pregnant": "yes"}, "missing_required", "pregnancy_weeks"),
    ],
)
def test_answer_errors(change: dict, code: str, qid: str) -> None:
    raw = {**BASE, **change}
    raw = {k: v for k, v in raw.items() if v is not None or k in change}
    with pytest.raises(AnswerError) as exc:
        validate_answers(load_default_catalogue(), raw, complete=code == "missing_required")
    assert exc.value.code == code
    assert exc.value.question_id == qid


def test_partial_answers_allowed_when_not_complete() -> None:
    answers = validate_answers(load_default_catalogue(), {"age": 30}, complete=False)
    assert dict(answers) == {"age": 30}


def test_hidden_answers_are_dropped() -> None:
    cat = load_default_catalogue()
    raw = {**BASE, "pregnancy_weeks": 30, "broken_bone_regions": ["arm_left"], "pain_level": 99}
    answers = validate_answers(cat, raw)  # hidden answers are not even validated
    assert "pregnancy_weeks" not in answers
    assert "broken_bone_regions" not in answers
    assert "pain_level" not in answers


def test_values_are_normalised_and_round_trip() -> None:
    cat = load_default_catalogue()
    raw = {
        **BASE,
        "has_pain": True,
        "pain_regions": ["neck", "head", "neck"],
        "pain_level": 3.0,
        "pain_started_on": "2026-10-01",
        "pain_duration": "1_to_6_weeks",
        "back_or_flank_pain": False,
        "pain_worsening": False,
        "seen_doctor_about_pain": True,
        "other_medicines": "  ",
    }
    answers = validate_answers(cat, raw)
    assert answers["pain_regions"] == frozenset({"neck", "head"})
    assert answers["pain_level"] == 3
    assert isinstance(answers["pain_level"], int)
    assert answers["pain_started_on"] == dt.date(2026, 10, 1)
    assert "other_medicines" not in answers  # blank text counts as unanswered
    as_json = answers.to_json()
    assert as_json["pain_regions"] == ["head", "neck"]
    assert json.loads(json.dumps(as_json)) == as_json
    assert validate_answers(cat, as_json) == answers


def test_answers_are_immutable() -> None:
    answers = validate_answers(load_default_catalogue(), BASE)
    with pytest.raises(AttributeError):
        answers.foo = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        answers["age"] = 3  # type: ignore[index]


def test_visible_questions_follow_show_if() -> None:
    cat = load_default_catalogue()
    ids = {q.id for q in visible_questions(cat, {})}
    assert "pregnancy_weeks" not in ids
    assert "pain_regions" not in ids
    assert "pregnant" in ids
    ids = {q.id for q in visible_questions(cat, {"pregnant": "yes", "has_pain": True})}
    assert {"pregnancy_weeks", "pregnancy_high_risk", "pain_regions", "back_or_flank_pain"} <= ids
    assert "flank_pain" not in ids  # only once back_or_flank_pain is yes
    ids = {q.id for q in visible_questions(cat, {"pregnant": "not_sure"})}
    assert "pregnancy_swelling_headache" in ids
    assert "pregnancy_weeks" not in ids


def test_show_if_may_only_use_earlier_questions() -> None:
    data = raw_catalogue()
    data["questions"][0]["show_if"] = {"q": "consent_accurate", "eq": True}
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(data)
    assert exc.value.code == "unknown_question"
    assert exc.value.question_id == data["questions"][0]["id"]


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda d: d.pop("version"), "missing_version"),
        (lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])), "duplicate_question"),
        (lambda d: d["questions"][0].update(section="nowhere"), "unknown_section"),
        (lambda d: d["questions"][0].update(type="slider"), "unknown_type"),
        (lambda d: d["questions"][0]["text"].pop("es"), "bad_text"),
        (lambda d: d["questions"].insert(0, copy.deepcopy(d["questions"][-1])), "section_order"),
        (lambda d: d["questions"][0].update(wording="x"), "unknown_key"),
    ],
)
def test_catalogue_rejections(mutate, code: str) -> None:
    data = raw_catalogue()
    mutate(data)
    if code == "section_order":
        data["questions"][0]["id"] = "moved_consent"
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(data)
    assert exc.value.code == code
