import pytest

from review.services import record_referral_decision
from tests.factories import ClientFactory, UserFactory
from tests.review.helpers import KIDNEY_RED_FLAG, PREGNANT_24_WEEKS, screened

HIGH_RISK = {**PREGNANT_24_WEEKS, "pregnancy_high_risk": True}


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
