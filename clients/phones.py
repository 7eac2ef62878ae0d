"""Phone numbers are stored in E.164 (+15551234567) so search and dialling are unambiguous."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError


def normalise_phone(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, settings.CLINIC_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            "Enter a phone number such as (555) 201-4477 or +1 555 201 4477.", code="phone"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "This phone number is not valid. Check the digits and the area code.", code="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(stored: str) -> str:
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, settings.CLINIC_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return stored
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == settings.CLINIC_PHONE_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
