"""The fail-safe policy lives in the engine: answers it cannot trust give "refer"."""

from contraindications.engine import (
    INCOMPLETE_INTAKE,
    INVALID_ANSWERS,
    Decision,
    Screening,
    load_default_catalogue,
    load_default_ruleset,
    screen_answers,
)

CATALOGUE = load_default_catalogue()
RULESET = load_default_ruleset()


def test_unreadable_answers_refer_with_one_system_finding():
    inputs, result = screen_answers(CATALOGUE, RULESET, {"no_such_question": True})
    assert inputs == {"no_such_question": True}
    assert result.decision is Decision.REFER
    assert not result.session_possible
    assert [(f.rule_id, f.code, f.category) for f in result.findings] == [
        ("INTAKE-UNREADABLE", INVALID_ANSWERS, "system")
    ]
    stored = result.to_dict()
    assert stored["constraints"] == {}
    assert stored["findings"][0]["constraints"] == {}
    assert "clinical_summary" not in stored["findings"][0]
    assert stored["ruleset_checksum"] == RULESET.checksum


def test_unanswered_required_questions_refer():
    _, result = screen_answers(CATALOGUE, RULESET, {})
    assert result.decision.severity >= Decision.REFER.severity
    assert not result.decision.may_proceed
    finding = result.finding("INTAKE-INCOMPLETE")
    assert finding is not None
    assert finding.code == INCOMPLETE_INTAKE
    assert [f.severity for f in result.findings] == sorted(
        (f.severity for f in result.findings), reverse=True
    )


def test_stored_shape_round_trips_exactly():
    for raw in ({"no_such_question": True}, {}):
        _, result = screen_answers(CATALOGUE, RULESET, raw)
        stored = result.to_dict()
        assert Screening.from_dict(stored).to_dict() == stored
        assert Screening.from_dict(stored) == result
