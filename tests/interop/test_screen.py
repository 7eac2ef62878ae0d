"""QuestionnaireResponse/$screen gives the decision and findings of the clinic's own screening."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contraindications.engine import validate_answers
from interop import mapping, selectors
from interop.screening import screen_response
from review.screening import evaluate_stored_answers
from rules.selectors import active_version, compiled
from tests.contraindications.test_properties import RAW_ANSWERS
from tests.factories import ClientFactory
from tests.interop.helpers import auth, token_for
from tests.review.helpers import KIDNEY_RED_FLAG, PREGNANT_24_WEEKS, screened

pytestmark = pytest.mark.django_db
URL = "/fhir/r4/QuestionnaireResponse/$screen"


def _post(client, secret, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data, content_type="application/fhir+json", **auth(secret))


def _rule_ids(bundle):
    return [
        e["resource"]["code"]["coding"][0]["code"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "DetectedIssue"
    ]


@pytest.mark.parametrize("answers", [KIDNEY_RED_FLAG, PREGNANT_24_WEEKS])
def test_a_stored_intake_posted_back_screens_the_same(
    client, clinic, owner, therapist, ruleset, answers
):
    screening = screened(ClientFactory(clinic=clinic), answers, therapist)
    (response,) = selectors.intake_resources(
        [screening.intake], frozenset({"QuestionnaireResponse"})
    )
    got = _post(client, token_for(clinic, owner), response)
    assert got.status_code == 200
    assert got["Content-Type"] == "application/fhir+json"
    bundle = got.json()
    mapping.validate(bundle)
    assert bundle["meta"]["tag"][0]["code"] == screening.decision
    assert _rule_ids(bundle) == list(screening.outcome.rule_ids)
    issue = bundle["entry"][0]["resource"]
    assert (
        issue["evidence"][0]["detail"][0]["reference"]
        == f"QuestionnaireResponse/{screening.intake.public_id}"
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=RAW_ANSWERS)
def test_any_answers_as_a_response_screen_as_the_stored_screening_would(ruleset, raw):
    version = active_version()
    catalogue = compiled(version)[0]
    _, stored = evaluate_stored_answers(version, raw, ())
    answers = validate_answers(catalogue, raw, complete=False).to_json()
    response = mapping.questionnaire_response(
        catalogue=catalogue, answers=answers, id="x", patient_id="p", authored="2026-12-01"
    )
    response = json.loads(json.dumps(response))  # as it arrives over the wire
    screened = screen_response(clinic_id=None, response=response)
    assert screened.invalid == []
    assert screened.outcome.to_dict() == stored  # what a stored screening would keep


def test_each_invalid_answer_is_named_and_the_screening_fails_safe(client, clinic, owner, ruleset):
    catalogue = compiled(ruleset)[0]
    response = mapping.questionnaire_response(
        catalogue=catalogue, answers=KIDNEY_RED_FLAG, id="x", patient_id="p", authored="2026-12-01"
    )
    for group in response["item"]:
        for item in group["item"]:
            if item["linkId"] == "age":
                item["answer"] = [{"valueInteger": 400}]
            if item["linkId"] == "pregnant":
                item["answer"] = [
                    {
                        "valueCoding": {
                            "system": mapping.coding_system(catalogue.by_id["pregnant"]),
                            "code": "maybe",
                        }
                    }
                ]
    response["item"].append({"linkId": "not_a_question", "answer": [{"valueBoolean": True}]})
    bundle = _post(client, token_for(clinic, owner), response).json()
    mapping.validate(bundle)
    (outcome,) = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "OperationOutcome"
    ]
    named = sorted(i["expression"][0] for i in outcome["issue"])
    assert named == sorted(
        f"QuestionnaireResponse.item.where(linkId='{q}')"
        for q in ("age", "pregnant", "not_a_question")
    )
    assert bundle["meta"]["tag"][0]["code"] == "refer"
    assert _rule_ids(bundle) == ["INTAKE-UNREADABLE"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json", 400),
        ({"resourceType": "Patient"}, 422),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "questionnaire": "http://other/Q",
            },
            422,
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "questionnaire": f"{mapping.QUESTIONNAIRE_URL}|0.0.1",
            },
            422,
        ),
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "questionnaire": mapping.QUESTIONNAIRE_URL,
                "item": [{"answer": 3}],
            },
            422,
        ),
    ],
)
def test_what_is_not_a_response_to_this_catalogue_is_refused(
    client, clinic, owner, ruleset, body, status
):
    got = _post(client, token_for(clinic, owner), body)
    assert got.status_code == status
    assert got.json()["resourceType"] == "OperationOutcome"


def test_screen_needs_a_token_and_a_post(client, clinic, owner, ruleset):
    assert _post(client, "nope", {}).status_code == 401
    assert client.get(URL, **auth(token_for(clinic, owner))).status_code == 405


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
ANSWERS = st.lists(
    st.dictionaries(
        st.sampled_from(
            ["valueBoolean", "valueCoding", "valueInteger", "valueString", "valueDate", "item"]
        ),
        JSON_VALUES,
        max_size=2,
    ),
    max_size=3,
)
ITEMS = st.lists(
    st.fixed_dictionaries(
        {
            "linkId": st.sampled_from(
                ["age", "pregnant", "pain_regions", "blood_in_urine", "about_you", "x"]
            )
        },
        optional={"answer": ANSWERS | JSON_VALUES, "item": JSON_VALUES},
    ),
    max_size=4,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(items=ITEMS | JSON_VALUES, status=st.sampled_from(["completed", 3]))
def test_no_body_makes_screen_fail(client, clinic, owner, ruleset, items, status):
    body = {
        "resourceType": "QuestionnaireResponse",
        "status": status,
        "questionnaire": mapping.QUESTIONNAIRE_URL,
        "item": items,
    }
    got = client.post(
        URL,
        json.dumps(body),
        content_type="application/fhir+json",
        **auth(token_for(clinic, owner)),
    )
    assert got.status_code in (200, 400, 422), got.content[:300]
