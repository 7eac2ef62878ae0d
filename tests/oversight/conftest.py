import copy

import pytest
from django.urls import reverse

from contraindications.engine import RULESET_PATH
from contraindications.engine.defaults import read_json
from review.services import record_referral_decision
from rules.services import store_ruleset
from tests.conftest import login
from tests.factories import ClientFactory, UserFactory
from tests.review.helpers import KIDNEY_RED_FLAG, PREGNANT_24_WEEKS, screened

HIGH_RISK = {**PREGNANT_24_WEEKS, "pregnancy_high_risk": True}


def hematuria_now(outcome: str, version: str = "2026.12.1") -> dict:
    """A copy of the shipped rule set in which KIDNEY-HEMATURIA decides `outcome`."""
    rules = copy.deepcopy(read_json(RULESET_PATH))
    rules["version"] = version
    for rule in rules["rules"]:
        if rule["id"] == "KIDNEY-HEMATURIA":
            rule["outcome"] = outcome
            rule["version"] += 1
    return rules


@pytest.fixture
def replay_page(client, owner, ruleset, clinic, therapist):
    """The owner's page of a candidate rule set under which Robert Chen's urgent referral (blood
    in the urine) would be postponed, replayed over 6 months."""
    screened(ClientFactory(clinic=clinic, legal_name="Robert Chen"), KIDNEY_RED_FLAG, therapist)
    candidate = store_ruleset(
        rules_data=hematuria_now("postpone"), catalogue_data=ruleset.catalogue, activate=False
    ).version
    login(client, owner)
    return client.get(reverse("oversight:ruleset", args=[candidate.version]), {"months": 6})


@pytest.fixture
def second_therapist(clinic):
    from accounts.roles import Role

    return UserFactory(
        username="tara", first_name="Tara", last_name="Nguyen", clinic=clinic, role=Role.THERAPIST
    )


def refer(screening, therapist, **changes):
    fields = {
        "screening": screening,
        "rule_ids": [f.rule_id for f in screening.outcome.findings if f.decision == "refer_urgent"]
        or [f.rule_id for f in screening.outcome.findings if f.decision != "proceed"][:1],
        "action": "referred",
        "referred_to": "Dr. Rebecca Lang",
        "method": "phone",
        "urgency": "today",
        "decided_by": therapist,
    }
    return record_referral_decision(**(fields | changes))


def override(screening, therapist, reason="Client has a GP letter from yesterday."):
    return refer(
        screening, therapist, action="overridden", reason=reason, urgent_override_confirmed=True
    )


@pytest.fixture
def decisions(ruleset, clinic, therapist, second_therapist, other_clinic, other_clinic_staff):
    """Riverside: Theo refers two kidney red flags; Tara overrides one. Hillside: one referral
    that must never show up at Riverside."""
    robert = ClientFactory(clinic=clinic, legal_name="Robert Chen")
    lucy = ClientFactory(clinic=clinic, legal_name="Lucy Park")
    made = {
        "theo_1": refer(screened(robert, KIDNEY_RED_FLAG, therapist), therapist),
        "theo_2": refer(screened(lucy, KIDNEY_RED_FLAG, therapist), therapist),
        "tara_override": override(screened(lucy, KIDNEY_RED_FLAG, second_therapist),
                                  second_therapist),
    }  # fmt: skip
    hillside = ClientFactory(clinic=other_clinic, legal_name="Harriet Hill")
    made["hillside"] = refer(screened(hillside, KIDNEY_RED_FLAG), other_clinic_staff)
    return made
