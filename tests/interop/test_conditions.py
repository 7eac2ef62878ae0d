"""show_if as FHIR agrees with the engine on the shared condition vectors: the FHIRPath
expression (evaluated by fhirpathpy) always, and enableWhen (evaluated here by the rules of the
FHIR specification) wherever the translation chose it."""

import pytest
from fhirpathpy import evaluate

from contraindications.engine import validate_answers
from interop.conditions import SDC_ENABLE_WHEN_EXPRESSION, to_enable_when, to_fhirpath
from interop.mapping import response_items
from tests.condition_vectors import all_vectors, catalogues

VECTORS = all_vectors()


def _response(vector):
    catalogue = catalogues()[vector.catalogue]
    answers = validate_answers(catalogue, vector.answers, complete=False).to_json()
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": response_items(catalogue, answers),
    }


def _answers_of(response, link_id):
    return [
        a
        for group in response["item"]
        for item in group["item"]
        if item["linkId"] == link_id
        for a in item["answer"]
    ]


def _value(answer_or_when: dict, prefix: str):
    ((_key, value),) = ((k, v) for k, v in answer_or_when.items() if k.startswith(prefix))
    return value["code"] if isinstance(value, dict) else value


def _enable_when_holds(when: dict, response) -> bool:
    """One enableWhen by the specification: `exists` tests presence; `!=` is true when no
    answer equals the value (so true for an unanswered question); the others need an answer
    that compares true (for a repeating question, any one of them)."""
    answers = _answers_of(response, when["question"])
    if when["operator"] == "exists":
        return bool(answers) == when["answerBoolean"]
    expected = _value(when, "answer")
    values = [_value(a, "value") for a in answers]
    if when["operator"] == "!=":
        return all(v != expected for v in values)
    compare = {
        "=": lambda a, b: a == b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }[when["operator"]]
    return any(compare(v, expected) for v in values)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.id)
def test_fhirpath_agrees_with_the_engine(vector):
    questions = catalogues()[vector.catalogue].by_id
    response = _response(vector)
    result = evaluate(response, to_fhirpath(vector.condition, questions), {"resource": response})
    assert result == [vector.expected]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.id)
def test_enable_when_agrees_with_the_engine(vector):
    questions = catalogues()[vector.catalogue].by_id
    fhir = to_enable_when(vector.condition, questions)
    response = _response(vector)
    if "enableWhen" not in fhir:
        (ext,) = fhir["extension"]
        assert ext["url"] == SDC_ENABLE_WHEN_EXPRESSION
        expression = ext["valueExpression"]["expression"]
        assert evaluate(response, expression, {"resource": response}) == [vector.expected]
        return
    held = [_enable_when_holds(w, response) for w in fhir["enableWhen"]]
    behaviour = fhir.get("enableBehavior", "all")
    assert (all(held) if behaviour == "all" else any(held)) == vector.expected


def test_ne_never_becomes_fhir_not_equal_which_is_true_when_unanswered():
    questions = catalogues()["vectors"].by_id
    fhir = to_enable_when({"q": "smoker", "ne": True}, questions)
    assert "enableWhen" not in fhir
    response = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": []}
    expression = fhir["extension"][0]["valueExpression"]["expression"]
    assert evaluate(response, expression, {"resource": response}) == [False]


def test_the_real_catalogue_uses_plain_enable_when_where_it_can():
    questions = catalogues()["real"].by_id
    assert "enableWhen" in to_enable_when({"q": "blood_in_urine", "eq": True}, questions)
    assert "enableWhen" in to_enable_when({"q": "pregnant", "in": ["yes", "unsure"]}, questions)
