"""The engine against the shared condition vectors; the kiosk's JavaScript runs the same ones
(tests/browser/test_condition_vectors.py)."""

from __future__ import annotations

import pytest

from contraindications.engine import (
    AnswerError,
    LogicError,
    compile_condition,
    load_default_catalogue,
    validate_answers,
)
from contraindications.engine.logic import ALL_OPS
from tests.condition_vectors import (
    Vector,
    all_vectors,
    catalogue_vectors,
    catalogues,
    file_vectors,
    real_show_ifs,
    vectors_file,
)

VECTORS = all_vectors()
REFUSED = vectors_file()["refused"]


def engine_result(vector: Vector) -> bool:
    catalogue = catalogues()[vector.catalogue]
    answers = validate_answers(catalogue, vector.answers, complete=False)
    return compile_condition(vector.condition, catalogue.by_id).evaluate(answers)[0]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.id)
def test_engine_agrees_with_vector(vector: Vector) -> None:
    assert engine_result(vector) is vector.expected


def test_real_show_if_vectors_use_the_catalogues_own_conditions() -> None:
    # What the kiosk and visible_questions() evaluate: the compiled show_if of each question.
    catalogue = load_default_catalogue()
    for vector in catalogue_vectors():
        qid = vector.name.split(" ", 1)[0]
        answers = validate_answers(catalogues()["real"], vector.answers, complete=False)
        assert catalogue.show_if[qid].evaluate(answers)[0] is vector.expected, vector.id


def test_every_show_if_has_vectors_that_show_and_hide_it() -> None:
    seen: dict[str, set[bool]] = {}
    for vector in catalogue_vectors():
        seen.setdefault(vector.name.split(" ", 1)[0], set()).add(vector.expected)
    assert seen == {qid: {True, False} for qid in real_show_ifs()}


def _ops(spec) -> set[str]:
    if "q" in spec:
        return set(spec) - {"q"}
    ((key, arg),) = spec.items()
    children = [arg] if key == "not" else arg
    return {key}.union(*(_ops(c) for c in children))


def test_vectors_cover_every_operator() -> None:
    used = set().union(*(_ops(v.condition) for v in file_vectors()))
    assert used == ALL_OPS | {"all", "any", "not"}


def test_vectors_cover_every_question_type() -> None:
    types = {q["type"] for q in vectors_file()["questions"].values()}
    assert types == {q.type for q in load_default_catalogue().questions}


def test_vector_names_are_unique() -> None:
    ids = [v.id for v in VECTORS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", REFUSED["conditions"], ids=lambda c: c["name"])
def test_engine_refuses_condition(case: dict) -> None:
    with pytest.raises(LogicError) as caught:
        compile_condition(case["condition"], catalogues()["vectors"].by_id)
    assert caught.value.code == case["code"]


@pytest.mark.parametrize("case", REFUSED["answers"], ids=lambda c: c["name"])
def test_engine_refuses_answers(case: dict) -> None:
    with pytest.raises(AnswerError) as caught:
        validate_answers(catalogues()["vectors"], case["answers"], complete=False)
    assert caught.value.code == case["code"]
