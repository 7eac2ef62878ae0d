"""Referral letters a physician can answer: letterhead, signer with credentials, the client's
release consent, never an empty letter, and sending it by email (audited)."""

import asyncio  # noqa: F401 - aiosmtpd's controller runs its own loop
import email
import socket
import subprocess
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from audit.models import AuditEvent
from review import pdf
from review.letters import LetterRefused, email_letter, send_letter
from review.services import record_referral_decision
from tests.conftest import login
from tests.review.helpers import KIDNEY_RED_FLAG, screened, screened_with_release

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(out.split())


def _refer(screening, therapist):
    record_referral_decision(
        screening=screening,
        rule_ids=["KIDNEY-HEMATURIA"],
        action="referred",
        referred_to="Dr. Rebecca Lang",
        method="letter",
        urgency="today",
        request_text="Please assess for the cause of visible haematuria today.",
        decided_by=therapist,
    )
    return screening


def _refusal(client, screening):
    response = client.get(reverse("review:letter_pdf", args=[screening.public_id]))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    return response


def test_the_letter_carries_the_letterhead_and_the_signers_credentials(
    client, therapist, kidney_screening, tmp_path
):
    _refer(kidney_screening, therapist)
    login(client, therapist)
    response = client.get(reverse("review:letter_pdf", args=[kidney_screening.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    clinic = kidney_screening.clinic
    assert "12 River Street" in text
    assert "Springfield, ON K1A 0B1" in text
    assert f"Phone {clinic.phone}" in text
    assert clinic.email in text
    assert f"{therapist.get_full_name()}, RMT, licence 12345" in text
    assert "Massage therapist, Riverside Massage Clinic" in text
    assert "Your patient has agreed that we may share this information with you." in text


def test_a_modify_screening_gets_no_letter(client, therapist, pregnant_screening):
    assert pregnant_screening.decision == "modify"
    login(client, therapist)
    response = _refusal(client, pregnant_screening)
    assert "found nothing that needs a physician" in response.text
    assert b"%PDF" not in response.content
    page = client.get(reverse("review:screening", args=[pregnant_screening.public_id])).text
    assert reverse("review:letter_pdf", args=[pregnant_screening.public_id]) not in page
    assert reverse("review:letter_email", args=[pregnant_screening.public_id]) not in page


def test_no_letter_names_a_client_who_did_not_agree(client, therapist, a_client, ruleset):
    screening = _refer(screened(a_client, KIDNEY_RED_FLAG, therapist), therapist)
    assert screening.intake.release_consent is None  # an intake from before the question
    with pytest.raises(LetterRefused) as error:
        pdf.referral_letter_pdf(screening=screening, signer=therapist)
    assert error.value.code == "no_release_consent"
    login(client, therapist)
    response = _refusal(client, screening)
    assert "Ask them on their next intake" in response.text
    assert reverse("review:summary_pdf", args=[screening.public_id]) in response.text
    email_page = client.get(reverse("review:letter_email", args=[screening.public_id]))
    assert email_page.status_code == 409


def test_the_letter_addresses_the_physician_the_client_named(
    therapist, a_client, tmp_path, ruleset
):
    screening = screened_with_release(
        a_client, KIDNEY_RED_FLAG, therapist, physician="Dr. Amir Haddad, Elm Family Practice"
    )
    _refer(screening, therapist)
    text = pdf_text(
        pdf.referral_letter_pdf(screening=screening, signer=therapist).content, tmp_path
    )
    assert "To Dr. Amir Haddad, Elm Family Practice" in text
    assert "Dear Dr. Amir Haddad," in text
    assert "Dear Dr. Amir Haddad, Elm" not in text


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"credentials": ""}, "your credentials is missing"),
        ({"first_name": ""}, "your full name is missing"),
        ({"last_name": "", "credentials": " "}, "your full name and credentials are missing"),
    ],
)
def test_no_letter_with_an_empty_signer(client, therapist, kidney_screening, change, missing):
    _refer(kidney_screening, therapist)
    for field, value in change.items():
        setattr(therapist, field, value)
    therapist.save()
    login(client, therapist)
    response = _refusal(client, kidney_screening)
    assert missing in response.text
    assert reverse("review:credentials") in response.text


def test_no_letter_without_the_clinics_address_phone_and_email(client, therapist, kidney_screening):
    _refer(kidney_screening, therapist)
    clinic = kidney_screening.clinic
    clinic.phone = ""
    clinic.email = ""
    clinic.save()
    login(client, therapist)
    response = _refusal(client, kidney_screening)
    assert response.context["code"] == "letterhead_incomplete"
    assert "phone, email: an owner fills them in" in response.text


def test_the_owner_fills_in_the_letterhead(client, owner, therapist, clinic):
    login(client, owner)
    url = reverse("review:letterhead")
    page = client.get(url)
    assert page.status_code == 200
    assert url in page.text  # in the owner's menu
    response = client.post(url, {"address": "1 Main St", "phone": "555 0199", "email": "bad"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    response = client.post(
        url, {"address": "1 Main St\nTown", "phone": "555 0199", "email": "desk@river.example"}
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert (clinic.address, clinic.phone, clinic.email) == (
        "1 Main St\nTown",
        "555 0199",
        "desk@river.example",
    )
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).latest("id")
    assert (event.actor, event.object_type) == (owner, "accounts.Clinic")
    login(client, therapist)
    assert client.get(url).status_code == 403
    menu = client.get(reverse("review:credentials")).text
    assert reverse("review:credentials") in menu
    assert url not in menu  # the owner's menu has Clinic details; a therapist's does not


def test_the_worker_checks_again_before_sending(therapist, kidney_screening):
    _refer(kidney_screening, therapist)
    therapist.credentials = ""
    therapist.save()
    with pytest.raises(LetterRefused):
        send_letter.call(kidney_screening.pk, therapist.pk, "x@y.example", "", "letter")
    assert mail.outbox == []


def test_a_therapist_sets_their_own_credentials(client, therapist):
    login(client, therapist)
    url = reverse("review:credentials")
    response = client.post(
        url, {"first_name": "Theo", "last_name": "Hart", "credentials": "RMT, licence 777"}
    )
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert (therapist.get_full_name(), therapist.credentials) == ("Theo Hart", "RMT, licence 777")
    assert client.post(url, {"first_name": "", "last_name": "Hart"}).status_code == 200
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).latest("id")
    assert (event.actor, event.detail) == (therapist, "name and credentials for letters")


# --- Email ---------------------------------------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield inbox
    controller.stop()


def _wait(inbox, count=1, timeout=10.0):
    deadline = time.monotonic() + timeout
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return inbox.messages


def test_a_letter_is_emailed_to_the_physician_and_audited(
    client, therapist, kidney_screening, smtp, tmp_path, django_capture_on_commit_callbacks
):
    _refer(kidney_screening, therapist)
    login(client, therapist)
    url = reverse("review:letter_email", args=[kidney_screening.public_id])
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert form_page.context["form"]["to"].value() == kidney_screening.client.physician_email
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"to": "dr.lang@clinic.example", "message": "Thank you.", "paper": "a4"}
        )
    assert response.status_code == 302
    (recipients, message), *_ = _wait(smtp)
    assert recipients == ["dr.lang@clinic.example"]
    client_name = kidney_screening.client.legal_name
    assert client_name not in message["Subject"]
    assert message["Subject"] == "Referral letter from Riverside Massage Clinic"
    assert message["Reply-To"] == kidney_screening.clinic.email
    body = message.get_body(("plain",)).get_content()
    assert client_name not in body
    assert "Thank you." in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    text = pdf_text(attachment.get_content(), tmp_path)
    assert f"Referral: {client_name}" in text
    assert "RMT, licence 12345" in text
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("id")
    assert event.actor == therapist
    assert event.object_id == str(kidney_screening.client.public_id)
    assert event.detail.startswith("referral letter emailed to dr.lang@clinic.example")


def test_a_bad_address_or_a_refused_letter_sends_nothing(
    client, therapist, kidney_screening, pregnant_screening
):
    _refer(kidney_screening, therapist)
    login(client, therapist)
    url = reverse("review:letter_email", args=[kidney_screening.public_id])
    response = client.post(url, {"to": "not an address", "paper": "letter"})
    assert response.status_code == 200
    assert "to" in response.context["form"].errors
    response = client.post(url, {"to": "x@y.example", "paper": "tabloid"})
    assert response.status_code == 200
    modify = reverse("review:letter_email", args=[pregnant_screening.public_id])
    assert client.post(modify, {"to": "x@y.example", "paper": "letter"}).status_code == 409
    with pytest.raises(LetterRefused) as error:
        email_letter(screening=kidney_screening, sender=therapist, to="x@y.example", paper="a3")
    assert error.value.code == "invalid_paper"
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(detail__startswith="referral letter emailed").exists()


def test_owners_can_also_set_credentials_and_letterhead_in_the_admin(
    client, owner, therapist, clinic
):
    login(client, owner)
    user_page = client.get(reverse("admin:accounts_user_change", args=[therapist.pk]))
    assert user_page.status_code == 200
    assert 'name="credentials"' in user_page.text
    clinic_page = client.get(reverse("admin:accounts_clinic_change", args=[clinic.pk]))
    assert clinic_page.status_code == 200
    for field in ("address", "phone", "email"):
        assert f'name="{field}"' in clinic_page.text
