"""The signed intake on file: one PDF per submitted intake, made once, kept with its SHA-256.

It prints what the client saw and signed, in the language they used: every question answered
and its answer, the consent text and its version, the signature (the drawn image, or the typed
name), a minor's parent or guardian and their signature, the release of information, the date,
time and device. Made by the worker after the submit commits (intake.tasks); a staff member who
asks before the worker ran gets it made on the spot (`signed_document`). Either way the first
row wins: the table has one row per intake and the database refuses to change it.
"""

import hashlib
import logging
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.errors import DomainError
from audit.services import record_creation, record_export, record_view
from config.pdf import html_to_pdf
from contraindications.engine import REGIONS
from intake.flow import SECTION_TITLES
from intake.models import Intake, SignedIntake
from rules.catalogues import catalogue_for

logger = logging.getLogger(__name__)

TEMPLATE = "intake/pdf/signed_intake.html"
# The words printed around the answers, in the client's language (the answers' own wording
# comes from the catalogue, which carries both languages).
WORDS = {
    "en": {"yes": "Yes", "no": "No", "none": "—"},
    "es": {"yes": "Sí", "no": "No", "none": "—"},
}


class SignedIntakeError(DomainError):
    pass


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class AnswerLine:
    question: str
    answer: str


@dataclass(frozen=True)
class AnswerBlock:
    title: str
    lines: list[AnswerLine]


def _answer_text(question, value, lang: str) -> str:
    words = WORDS.get(lang, WORDS["en"])
    if value is True:
        return words["yes"]
    if value is False:
        return words["no"]
    if value in (None, "", []):
        return words["none"]
    if question.type == "body_regions":
        return ", ".join(REGIONS[v][lang] if v in REGIONS else str(v) for v in value)
    labels = {c.id: c.label.get(lang) for c in question.choices}
    if isinstance(value, list):
        return ", ".join(labels.get(v, str(v)) for v in value)
    return labels.get(value, str(value))


def answer_blocks(intake: Intake) -> list[AnswerBlock]:
    """Every answer on file, by section, in the catalogue's order and the client's language."""
    catalogue = catalogue_for(intake.catalogue_version, clinic=intake.clinic_id)
    lang = intake.language
    by_section: dict[str, list[AnswerLine]] = {}
    for question in catalogue.questions:
        if question.id in intake.answers:
            text = question.text.get(lang)
            value = _answer_text(question, intake.answers[question.id], lang)
            by_section.setdefault(question.section, []).append(AnswerLine(text, value))
    with translation.override(lang):
        return [
            AnswerBlock(str(SECTION_TITLES.get(section, section)), by_section[section])
            for section in catalogue.sections
            if section in by_section
        ]


def render_signed_pdf(intake: Intake) -> bytes:
    from config.pdf_fetcher import StaticOnlyFetcher

    attachments = {}
    if intake.signature_png:
        attachments["client-signature.png"] = (bytes(intake.signature_png), "image/png")
    if intake.guardian_signature_png:
        attachments["guardian-signature.png"] = (bytes(intake.guardian_signature_png), "image/png")
    with translation.override(intake.language):
        html = render_to_string(
            TEMPLATE,
            {
                "intake": intake,
                "client": intake.client,
                "clinic": intake.client.clinic,
                "consent": intake.consent,
                "blocks": answer_blocks(intake),
                "signed_at": timezone.localtime(intake.signed_at),
                "lang": intake.language,
            },
        )
    return html_to_pdf(html, fetcher=StaticOnlyFetcher(attachments=attachments))


def produce(*, intake_id: int) -> SignedIntake:
    """The intake's signed PDF, made now if it is not on file yet. Idempotent: a second run (or
    a worker and a staff page at once) finds the row the first one made."""
    existing = SignedIntake.objects.filter(intake_id=intake_id).first()
    if existing is not None:
        return existing
    intake = Intake.objects.select_related("client__clinic", "consent").get(pk=intake_id)
    if not intake.is_submitted:
        raise SignedIntakeError("only a submitted intake is signed", "intake_not_submitted")
    content = render_signed_pdf(intake)
    try:
        with transaction.atomic():
            document = SignedIntake.objects.create(
                intake=intake, clinic_id=intake.clinic_id, pdf=content, sha256=sha256_of(content)
            )
    except IntegrityError:
        # Someone else made it between our look and our insert: theirs is the one on file.
        return SignedIntake.objects.get(intake_id=intake_id)
    record_creation(
        document, by=None, detail=f"signed intake PDF made (sha256 {document.sha256[:12]}…)"
    )
    return document


def verified_pdf(*, document: SignedIntake, actor, ip: str | None) -> bytes:
    """The stored PDF, after checking it still matches the digest taken when it was made.

    A mismatch is refused (code `signed_intake_tampered`) and recorded in the audit trail: the
    copy on file is not what was signed, and nobody should be handed it as if it were."""
    content = bytes(document.pdf)
    if sha256_of(content) != document.sha256:
        record_view(
            document,
            by=actor,
            detail="signed intake PDF refused: it does not match its stored SHA-256",
            ip=ip,
        )
        logger.error("signed intake %s does not match its stored hash", document.pk)
        raise SignedIntakeError(
            "The signed intake on file does not match its fingerprint; it has not been sent.",
            "signed_intake_tampered",
        )
    return content


def filename(intake: Intake) -> str:
    return f"signed-intake-{intake.submitted_at:%Y%m%d}-{str(intake.public_id)[:8]}.pdf"


def email_copy(*, intake_id: int, actor_id: int | None) -> str:
    """Send the client their signed copy (run by the worker). The body says only which clinic
    and which day; the health answers travel only inside the attached PDF. Returns "sent" or
    why not."""
    from accounts.models import User

    document = (
        SignedIntake.objects.select_related("intake__client__clinic")
        .filter(intake_id=intake_id)
        .first()
    )
    if document is None:
        document = produce(intake_id=intake_id)
    intake = document.intake
    client = intake.client
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if not client.email:
        return "no_email"
    content = verified_pdf(document=document, actor=actor, ip=None)
    with translation.override(intake.language):
        context = {"clinic": client.clinic.name, "signed_at": timezone.localtime(intake.signed_at)}
        subject = render_to_string("intake/email/signed_copy_subject.txt", context).strip()
        body = render_to_string("intake/email/signed_copy.txt", context).strip()
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=formataddr((client.clinic.name, settings.DEFAULT_FROM_EMAIL)),
        to=[client.email],
        reply_to=[client.clinic.reply_to_email] if client.clinic.reply_to_email else None,
    )
    message.attach(filename(intake), content, "application/pdf")
    message.send()
    record_export(
        document, by=actor, detail="signed intake emailed to the client's address on file"
    )
    return "sent"
