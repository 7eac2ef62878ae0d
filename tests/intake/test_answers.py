"""Per-question validation: every problem is reported on its own question; pure, no database."""

from django.http import QueryDict
from django.utils import translation

from contraindications.engine import load_default_catalogue
from intake.answers import error_message, evaluate, parse_form
from tests.factories import complete_answers

CATALOGUE = load_default_catalogue()


def test_complete_answers_have_no_errors():
    evaluation = evaluate(CATALOGUE, complete_answers())
    assert evaluation.errors == {}
    assert evaluation.values["age"] == 40


def test_every_error_is_reported_not_only_the_first():
    evaluation = evaluate(
        CATALOGUE, complete_answers(age=400, pain_level=None, has_pain=True, medications=["x"])
    )
    assert evaluation.errors["age"].code == "out_of_range"
    assert evaluation.errors["pain_regions"].code == "missing_required"
    assert evaluation.errors["medications"].code == "bad_choice"
    # What was valid is kept.
    assert evaluation.values["has_pain"] is True


def test_hidden_questions_are_dropped_and_not_required():
    evaluation = evaluate(CATALOGUE, complete_answers(has_pain=False, pain_level=7))
    assert "pain_level" not in evaluation.values
    assert "pain_level" not in evaluation.visible
    assert "pain_level" not in evaluation.errors


def test_required_only_checked_in_the_sections_asked():
    evaluation = evaluate(CATALOGUE, {}, required_in=frozenset({"about_you"}))
    assert {CATALOGUE.by_id[q].section for q in evaluation.errors} == {"about_you"}


def test_none_must_be_ticked_alone():
    evaluation = evaluate(CATALOGUE, complete_answers(medications=["none", "anticoagulant"]))
    assert evaluation.errors["medications"].code == "exclusive_choice"


def test_form_fields_are_parsed_into_answer_values():
    questions = [q for q in CATALOGUE.questions if q.section == "about_you"]
    data = QueryDict(mutable=True)
    data.update({"age": " 41 ", "first_visit": "yes", "main_goal": "relaxation"})
    assert parse_form(CATALOGUE, questions, data) == {
        "age": 41,
        "first_visit": True,
        "main_goal": "relaxation",
    }


def test_words_in_a_number_field_are_an_error_on_that_field():
    questions = [CATALOGUE.by_id["age"]]
    raw = parse_form(CATALOGUE, questions, QueryDict("age=forty"))
    evaluation = evaluate(CATALOGUE, complete_answers(**raw))
    assert evaluation.errors["age"].code == "wrong_type"


def test_very_long_input_is_refused_before_parsing():
    raw = parse_form(CATALOGUE, [CATALOGUE.by_id["allergies"]], {"allergies": "x" * 50_000})
    evaluation = evaluate(CATALOGUE, complete_answers(**raw))
    assert evaluation.errors["allergies"].code == "too_long"


def test_messages_are_plain_and_in_the_clients_language():
    evaluation = evaluate(CATALOGUE, complete_answers(age=400))
    with translation.override("es"):
        message = error_message(evaluation.errors["age"], CATALOGUE.by_id["age"])
    assert message == "Escriba un número del 12 al 110."
