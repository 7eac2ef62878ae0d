"""The CDS Hooks service: discovery, cards on appointment-book, feedback as referral decisions."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interop.cds import SERVICE_ID
from interop.models import ApiToken
from review.models import ReferralDecision
from tests.factories import ClientFactory, complete_answers
from tests.interop.helpers import auth, token_for
from tests.review.helpers import screened

pytestmark = pytest.mark.django_db
SERVICE = f"/cds-services/{SERVICE_ID}"
HEMATURIA = complete_answers(blood_in_urine=True)


def _hook(patient_id, **extra):
    return {
        "hook": "appointment-book",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/1", "patientId": str(patient_id), **extra},
    }


def _call(client, secret, body, path=SERVICE):
    return client.post(path, json.dumps(body), content_type="application/json", **auth(secret))


@pytest.fixture
def hematuria(clinic, therapist, ruleset):
    return screened(ClientFactory(clinic=clinic), HEMATURIA, therapist)


def test_discovery_names_the_appointment_book_service(client, clinic, owner):
    got = client.get("/cds-services", **auth(token_for(clinic, owner)))
    (service,) = got.json()["services"]
    assert (service["hook"], service["id"]) == ("appointment-book", SERVICE_ID)
    assert "questionnaireResponse" in service["prefetch"]
    assert client.get("/cds-services").status_code == 401


def test_blood_in_the_urine_gives_one_critical_card_citing_its_rule(
    client, clinic, owner, hematuria
):
    cards = _call(client, token_for(clinic, owner), _hook(hematuria.client.public_id)).json()[
        "cards"
    ]
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert len(critical) == 1
    (card,) = critical
    assert card["source"]["topic"]["code"] == "KIDNEY-HEMATURIA"
    finding = hematuria.outcome.finding("KIDNEY-HEMATURIA")
    assert finding is not None
    assert card["source"]["label"].startswith(f"Rule KIDNEY-HEMATURIA v{finding.rule_version}: ")
    assert len(card["source"]["label"]) > len(f"Rule KIDNEY-HEMATURIA v{finding.rule_version}: ")
    assert "overrideReasons" not in card  # an urgent referral is not overridden from an EHR


def test_a_prefetched_response_from_another_system_is_screened(client, clinic, owner, ruleset):
    from interop import mapping
    from rules.selectors import compiled

    response = mapping.questionnaire_response(
        catalogue=compiled(ruleset)[0],
        answers=HEMATURIA,
        id="elsewhere-1",
        patient_id="p",
        authored="2026-12-01",
    )
    body = _hook(
        "p", appointments=[{"resourceType": "Appointment", "status": "proposed", "participant": []}]
    )
    body["prefetch"] = {
        "questionnaireResponse": {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": response}],
        }
    }
    cards = _call(client, token_for(clinic, owner), body).json()["cards"]
    assert [c["source"]["topic"]["code"] for c in cards if c["indicator"] == "critical"] == [
        "KIDNEY-HEMATURIA"
    ]


def test_warning_cards_carry_constraints_and_the_clearance_override(
    client, clinic, owner, therapist, ruleset
):
    from tests.review.helpers import PREGNANT_24_WEEKS

    record = screened(ClientFactory(clinic=clinic), PREGNANT_24_WEEKS, therapist)
    appointment = {"resourceType": "Appointment", "status": "proposed", "participant": []}
    cards = _call(
        client, token_for(clinic, owner), _hook(record.client.public_id, appointments=[appointment])
    ).json()["cards"]
    assert cards
    # Pregnancy modifies the session (info) or asks for a clearance (warning); never proceed.
    assert {c["indicator"] for c in cards} <= {"info", "warning", "critical"}
    assert "info" in {c["indicator"] for c in cards}
    for card in cards:
        assert (
            "physician clearance on file" in [r["display"] for r in card.get("overrideReasons", [])]
            or card["indicator"] == "critical"
        )
    with_constraints = [c for c in cards if c.get("suggestions")]
    assert with_constraints
    action = with_constraints[0]["suggestions"][0]["actions"][0]
    assert action["type"] == "update"
    assert "Massage constraints" in action["resource"]["comment"]


def test_a_client_without_an_intake_or_of_another_clinic_gets_the_same_warning(
    client, clinic, other_clinic, owner, hematuria
):
    from accounts.roles import Role
    from tests.factories import UserFactory

    stranger = UserFactory(username="hal-owner", clinic=other_clinic, role=Role.OWNER)
    theirs = _call(
        client, token_for(other_clinic, stranger), _hook(hematuria.client.public_id)
    ).json()
    nobody = _call(
        client, token_for(clinic, owner), _hook(ClientFactory(clinic=clinic).public_id)
    ).json()
    assert theirs == nobody
    assert [c["summary"] for c in nobody["cards"]] == ["No health-history intake on file"]


def _card_uuid(client, secret, record, rule_id):
    cards = _call(client, secret, _hook(record.client.public_id)).json()["cards"]
    return next(c["uuid"] for c in cards if c["source"]["topic"]["code"] == rule_id)


def test_feedback_records_referral_decisions_and_refuses_an_urgent_override(
    client, clinic, owner, hematuria
):
    secret = token_for(clinic, owner, scope=ApiToken.Scope.FEEDBACK)
    card = _card_uuid(client, secret, hematuria, "KIDNEY-HEMATURIA")
    feedback = f"{SERVICE}/feedback"
    overridden = {
        "feedback": [
            {
                "card": card,
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {"code": "physician-clearance"},
                    "userComment": "seen today",
                },
            }
        ]
    }
    assert _call(client, secret, overridden, feedback).status_code == 422
    accepted = {
        "feedback": [
            {"card": card, "outcome": "accepted", "outcomeTimestamp": "2026-12-02T10:00:00Z"}
        ]
    }
    assert _call(client, secret, accepted, feedback).json() == {"recorded": 1}
    (decision,) = ReferralDecision.objects.filter(screening=hematuria)
    assert (decision.action, decision.rule_ids, decision.decided_by) == (
        "postponed",
        ["KIDNEY-HEMATURIA"],
        owner,
    )


def test_an_override_needs_its_reason(client, clinic, owner, therapist, ruleset):
    from tests.review.helpers import HIGH_RISK_PREGNANCY

    secret = token_for(clinic, owner, scope=ApiToken.Scope.FEEDBACK)
    record = screened(ClientFactory(clinic=clinic), HIGH_RISK_PREGNANCY, therapist)
    refer = [f for f in record.outcome.findings if f.decision in ("refer", "clearance_required")]
    assert refer
    card = _card_uuid(client, secret, record, refer[0].rule_id)
    feedback = f"{SERVICE}/feedback"
    bare = {"feedback": [{"card": card, "outcome": "overridden"}]}
    assert _call(client, secret, bare, feedback).status_code == 422
    given = {
        "feedback": [
            {
                "card": card,
                "outcome": "overridden",
                "overrideReason": {
                    "reason": {
                        "code": "physician-clearance",
                        "display": "physician clearance on file",
                    },
                    "userComment": "letter of 1 Dec",
                },
            }
        ]
    }
    assert _call(client, secret, given, feedback).status_code == 200
    decision = ReferralDecision.objects.get(screening=record)
    assert decision.action == "overridden"
    assert decision.reason == "physician clearance on file: letter of 1 Dec"


def test_feedback_needs_the_feedback_scope_and_a_card_of_this_clinic(
    client, clinic, other_clinic, owner, hematuria
):
    from accounts.roles import Role
    from tests.factories import UserFactory

    reader = token_for(clinic, owner)
    card = _card_uuid(client, reader, hematuria, "KIDNEY-HEMATURIA")
    body = {"feedback": [{"card": card, "outcome": "accepted"}]}
    assert _call(client, reader, body, f"{SERVICE}/feedback").status_code == 403
    stranger = UserFactory(username="hal-owner", clinic=other_clinic, role=Role.OWNER)
    theirs = token_for(other_clinic, stranger, scope=ApiToken.Scope.FEEDBACK)
    assert _call(client, theirs, body, f"{SERVICE}/feedback").status_code == 404
    assert ReferralDecision.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        "nope",
        {"hook": "patient-view"},
        {"hook": "appointment-book", "hookInstance": "x"},
        {
            "hook": "appointment-book",
            "hookInstance": "x",
            "context": {"patientId": "p", "appointments": 3},
        },
    ],
)
def test_a_malformed_request_is_a_400(client, clinic, owner, ruleset, body):
    got = client.post(
        SERVICE,
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        **auth(token_for(clinic, owner)),
    )
    assert got.status_code == 400


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    context=st.fixed_dictionaries(
        {"patientId": st.text(max_size=8)}, optional={"appointments": JSON_VALUES}
    ),
    prefetch=st.none() | st.fixed_dictionaries({"questionnaireResponse": JSON_VALUES}),
    feedback=JSON_VALUES,
)
def test_no_request_makes_the_service_fail(
    client, clinic, owner, ruleset, context, prefetch, feedback
):
    secret = token_for(clinic, owner, scope=ApiToken.Scope.FEEDBACK)
    body = {
        "hook": "appointment-book",
        "hookInstance": "h",
        "context": context,
        "prefetch": prefetch,
    }
    assert _call(client, secret, body).status_code in (200, 400)
    got = _call(client, secret, {"feedback": feedback}, f"{SERVICE}/feedback")
    assert got.status_code in (200, 400, 404, 422)
