"""Every refusal the domain raises shares one base: message, code, field."""

import pytest

from accounts.errors import DomainError
from intake.services import IntakeError, IntakeIncomplete
from intake.signature import SignatureError, parse_signature
from ops.databases import BackupError
from review.services import ReviewError


@pytest.mark.parametrize(
    "cls", [ReviewError, IntakeError, IntakeIncomplete, SignatureError, BackupError]
)
def test_every_domain_error_shares_the_base(cls):
    assert issubclass(cls, DomainError)


def test_message_code_field_and_codes():
    error = ReviewError("Name the physician.", "clearance_needs_physician", "physician_name")
    assert (str(error), error.message, error.code, error.field) == (
        "Name the physician.",
        "Name the physician.",
        "clearance_needs_physician",
        "physician_name",
    )
    assert error.codes == ("clearance_needs_physician",)
    intake = IntakeError("bad", "bad_answers", codes=["a", "b"])
    assert (intake.code, intake.codes, intake.field) == ("bad_answers", ("a", "b"), None)


def test_a_caller_can_catch_the_base():
    with pytest.raises(DomainError) as caught:
        parse_signature("")
    assert caught.value.code == "missing_signature"
