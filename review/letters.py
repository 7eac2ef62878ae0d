"""Referral letters a physician can answer: the clinic's letterhead, the addressee the client
allowed, a signer with name and credentials, and sending the letter by email (audited).

A letter is refused, never printed half-empty, when
- the screening found nothing that needs a physician, or a clearance on file covers it all;
- the client has not agreed, on the intake, that we may send their health information to a
  physician (release of information). There is no anonymised letter: a physician cannot act on
  a letter that does not say who the patient is. Ask the client at their next intake, or give
  them the session summary to take to their physician themselves;
- the clinic's address, phone or email is missing (the owner fills them in on "Clinic details");
- the signer (whoever prints or sends the letter) has no full name or credentials (their own
  "My credentials" page).
"""

from dataclasses import dataclass
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django_tasks import task

from accounts.errors import DomainError
from accounts.models import Clinic, User
from audit.services import record_change, record_export
from review.models import Screening


class LetterRefused(DomainError):
    """Why no letter can be made yet; the message says what to do about it."""


@dataclass(frozen=True)
class Addressee:
    name: str
    practice: str
    phone: str
    fax: str
    email: str

    @property
    def salutation(self) -> str:
        # "Dr. Amir Haddad, Elm Family Practice" is greeted as "Dear Dr. Amir Haddad,".
        return self.name.split(",")[0].strip()


def addressee(screening: Screening) -> Addressee:
    """The physician the client named on the release consent, else the one on their record."""
    client = screening.client
    named = (screening.intake.release_physician or "").strip()
    if named and named != client.physician_name.strip():
        return Addressee(named, "", "", "", "")
    return Addressee(
        client.physician_name,
        client.physician_practice,
        client.physician_phone,
        client.physician_fax,
        client.physician_email,
    )


def missing_letterhead(clinic: Clinic) -> list[str]:
    return [
        label
        for label, value in (
            ("address", clinic.address),
            ("phone", clinic.phone),
            ("email", clinic.email),
        )
        if not value.strip()
    ]


def signer_missing(user: Any) -> list[str]:
    missing = []
    if not (user.first_name.strip() and user.last_name.strip()):
        missing.append("full name")
    if not user.credentials.strip():
        missing.append("credentials")
    return missing


def check_letter(*, screening: Screening, signer: Any) -> list[str]:
    """The findings the letter is about; raises LetterRefused when no letter may be made."""
    from review.pdf import letter_rule_ids

    rule_ids = letter_rule_ids(screening=screening)
    if not rule_ids:
        if not any(f.decision.actionable for f in screening.outcome.findings):
            raise LetterRefused(
                "This screening found nothing that needs a physician, so there is no referral "
                "letter to write.",
                "no_letter_needed",
            )
        raise LetterRefused(
            "A physician's clearance on file already covers these findings: there is nothing "
            "to ask for in a letter.",
            "already_cleared",
        )
    if screening.intake.release_consent is not True:
        raise LetterRefused(
            "The client has not agreed that we may send their health information to a "
            "physician, so the letter cannot name them. Ask them on their next intake (the "
            "consent step), or give them the session summary to take to their physician.",
            "no_release_consent",
        )
    missing = missing_letterhead(screening.clinic)
    if missing:
        raise LetterRefused(
            f"The letterhead needs the clinic's {', '.join(missing)}: an owner fills them in "
            "on the Clinic details page.",
            "letterhead_incomplete",
        )
    missing = signer_missing(signer)
    if missing:
        raise LetterRefused(
            f"A letter is signed by the person who prints or sends it, and your "
            f"{' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} missing: add "
            "them on your My credentials page.",
            "signer_incomplete",
        )
    return rule_ids


# --- Letterhead and credentials ----------------------------------------------------------------


@transaction.atomic
def update_letterhead(
    *, clinic: Clinic, changed_by: Any, address: str, phone: str, email: str, ip: str | None
) -> Clinic:
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise LetterRefused("Enter a valid email address.", "invalid_email", "email") from error
    clinic.address = address.strip()
    clinic.phone = phone.strip()
    clinic.email = email
    clinic.save(update_fields=["address", "phone", "email"])
    record_change(clinic, by=changed_by, detail="letterhead (address, phone, email)", ip=ip)
    return clinic


@transaction.atomic
def update_credentials(
    *, user: User, first_name: str, last_name: str, credentials: str, ip: str | None
) -> User:
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.credentials = credentials.strip()
    user.save(update_fields=["first_name", "last_name", "credentials"])
    record_change(user, by=user, detail="name and credentials for letters", ip=ip)
    return user


# --- Email -------------------------------------------------------------------------------------


@transaction.atomic
def email_letter(
    *,
    screening: Screening,
    sender: Any,
    to: str,
    message: str = "",
    paper: str = "letter",
    ip: str | None = None,
) -> None:
    """Queue the referral letter as a PDF attachment to the physician's address `to`.

    Checked now (so the therapist sees a refusal at once), rendered and sent by the worker; the
    audit event says who sent which client's letter to which address."""
    from review.pdf import PAPER_SIZES

    if paper not in PAPER_SIZES:
        raise LetterRefused("Choose Letter or A4.", "invalid_paper", "paper")
    to = to.strip()
    try:
        validate_email(to)
    except ValidationError as error:
        raise LetterRefused(
            "Enter the physician's email address.", "invalid_email", "to"
        ) from error
    check_letter(screening=screening, signer=sender)
    record_export(
        screening.client,
        by=sender,
        detail=f"referral letter emailed to {to} (screening {screening.public_id})",
        ip=ip,
    )
    args = (screening.pk, sender.pk, to, message.strip()[:2000], paper)
    # The queue row commits with the audit event: a rolled-back request sends nothing.
    transaction.on_commit(lambda: send_letter.enqueue(*args))


def compose_letter_email(
    *, screening: Screening, sender: Any, to: str, message: str, paper: str
) -> EmailMessage:
    """The email: no client name or health detail in the subject or body, only in the PDF."""
    from review.pdf import referral_letter_pdf

    document = referral_letter_pdf(screening=screening, signer=sender, paper=paper)
    clinic = screening.clinic
    body = "\n\n".join(
        filter(
            None,
            [
                "Dear Doctor,",
                "Please find attached a referral letter for your patient from "
                f"{clinic.name}. It contains confidential health information.",
                message,
                f"{sender.get_full_name()}, {sender.credentials}\n{clinic.name}\n"
                f"{clinic.phone} | {clinic.email}",
            ],
        )
    )
    email = EmailMessage(
        subject=f"Referral letter from {clinic.name}",
        body=body,
        from_email=formataddr((clinic.name, settings.DEFAULT_FROM_EMAIL)),
        to=[to],
        reply_to=[clinic.email] if clinic.email else None,
    )
    email.attach(document.filename, document.content, "application/pdf")
    return email


@task()
def send_letter(screening_id: int, sender_id: int, to: str, message: str, paper: str) -> str:
    screening = Screening.objects.select_related("client", "clinic", "intake", "ruleset").get(
        pk=screening_id
    )
    sender = User.objects.get(pk=sender_id)
    # Checked again: the consent or the letterhead may have changed since it was queued.
    check_letter(screening=screening, signer=sender)
    compose_letter_email(
        screening=screening, sender=sender, to=to, message=message, paper=paper
    ).send()
    return "sent"
