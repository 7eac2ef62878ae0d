import pytest

from tests.review.helpers import (
    HIGH_RISK_PREGNANCY,
    KIDNEY_RED_FLAG,
    PREGNANT_24_WEEKS,
    screened,
    screened_with_release,
)


@pytest.fixture
def kidney_screening(ruleset, a_client, therapist):
    return screened_with_release(a_client, KIDNEY_RED_FLAG, therapist)


@pytest.fixture
def pregnant_screening(ruleset, a_client, therapist):
    return screened(a_client, PREGNANT_24_WEEKS, therapist)


@pytest.fixture
def high_risk_screening(ruleset, a_client, therapist):
    return screened_with_release(a_client, HIGH_RISK_PREGNANCY, therapist)
