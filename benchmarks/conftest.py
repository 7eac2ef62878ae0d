# The named actors and the rule-set fixture of the test suite.
from tests.conftest import (  # noqa: F401
    a_client,
    clinic,
    front_desk,
    other_clinic,
    other_clinic_staff,
    owner,
    ruleset,
    therapist,
)
