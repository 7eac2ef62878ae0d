"""Decision carries its own meaning: every caller reads these properties."""

import pytest

from contraindications.engine import Decision

D = Decision


def test_declared_from_most_to_least_severe():
    assert [d.severity for d in Decision] == [5, 4, 3, 2, 1, 0]


def test_only_proceed_and_modify_let_a_session_go_ahead():
    assert {d for d in Decision if d.may_proceed} == {D.PROCEED, D.MODIFY}


def test_a_clearance_lifts_refer_and_clearance_required_never_refer_urgent():
    assert {d for d in Decision if d.clearable} == {D.REFER, D.CLEARANCE_REQUIRED}


def test_actionable_decisions_need_a_referral_decision():
    assert {d for d in Decision if d.actionable} == {D.REFER_URGENT, D.REFER, D.CLEARANCE_REQUIRED}


def test_colours_and_booking_statuses():
    assert [d.colour for d in Decision] == [
        "danger", "danger", "warning", "warning", "info", "success"
    ]  # fmt: skip
    assert [d.booking_status for d in Decision] == [
        "referral", "referral", "reschedule", "clearance", "ready", "ready"
    ]  # fmt: skip


@pytest.mark.parametrize("d", list(Decision))
def test_every_decision_has_words_in_both_languages(d):
    assert d.label("en") == d.label_en
    assert d.label("es") == d.label_es
    assert d.label_en
    assert d.label_es
    assert d.label_en != d.label_es
    assert d.advice("en")
    assert d.advice("es-ES")
    assert d.label("es-MX") == d.label_es
    assert d.label("fr") == d.label_en  # unknown language: English


def test_database_choice_labels_are_unchanged():
    assert [d.label_en for d in Decision] == [
        "Refer urgently",
        "Refer",
        "Postpone",
        "Physician clearance required",
        "Modify",
        "Proceed",
    ]


def test_parse_and_most_severe():
    assert D.parse("refer") is D.REFER
    assert D.parse("nonsense") is None
    assert D.most_severe(["modify", D.REFER, "postpone"]) is D.REFER
    assert D.most_severe([]) is D.PROCEED
