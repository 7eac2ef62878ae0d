"""The signed intake on file (docs/INTAKE.md, "The signed intake"): made once, kept with its
SHA-256, the drawn signature inside as an image, checked on every download, and emailed to the
client as their copy."""

import shutil
import subprocess
from datetime import date

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from audit.models import AuditEvent
from demo.builders import signature_data_url, submitted_intake
from intake import signed
from intake.models import SignedIntake
from intake.services import Release
from tests.conftest import login
from tests.factories import ClientFactory, ConsentTextFactory, complete_answers

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdfimages") is None, reason="poppler-utils is not installed"
)


@pytest.fixture
def consent(db):
    return ConsentTextFactory(version="2026-3", text="I agree to receive massage today.")


@pytest.fixture
def intake(clinic, ruleset, consent):
    client = ClientFactory(clinic=clinic, legal_name="Maria Garcia", email="maria@example.org")
    return submitted_intake(
        client=client,
        answers=complete_answers(age=44),
        release=Release(consent=True, physician="Dr. Ana Lang"),
        device="Clinic tablet · Chrome 131 on Android",
    )


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_images(content: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return [line.split() for line in listing.splitlines()[2:] if line.strip()]


@needs_poppler
def test_the_signed_pdf_holds_the_drawn_signature_as_an_image_and_matches_its_hash(
    intake, tmp_path
):
    document = signed.produce(intake_id=intake.pk)
    content = bytes(document.pdf)
    assert content.startswith(b"%PDF")
    assert document.sha256 == signed.sha256_of(content)
    images = pdf_images(content, tmp_path)
    # demo.builders.signature_png: 300 x 100, the client's drawn signature (its transparency
    # travels as a soft mask beside it).
    assert [(row[3], row[4]) for row in images if row[2] == "image"] == [("300", "100")]
    text = pdf_text(content, tmp_path)
    (tmp_path / "look.pdf").write_bytes(content)
    for expected in (
        "Signed health intake: Maria Garcia",
        "Riverside Massage Clinic",
        "Consent text version 2026-3",
        "I agree to receive massage today.",
        "How old are you?",
        "44",
        "Dr. Ana Lang",
        "Chrome 131 on Android",
        "Signed with a finger on the screen",
    ):
        assert expected in text, expected


@needs_poppler
def test_the_pdf_is_in_the_language_the_client_used(clinic, ruleset, tmp_path):
    ConsentTextFactory(version="2026-3", language="en")
    ConsentTextFactory(version="2026-3", language="es", title="Consentimiento", text="Acepto.")
    client = ClientFactory(clinic=clinic, legal_name="Lucía Torres")
    intake = submitted_intake(client=client, answers=complete_answers(), language="es")
    text = pdf_text(bytes(signed.produce(intake_id=intake.pk).pdf), tmp_path)
    assert "¿Cuántos años tiene?" in text
    assert "Acepto." in text
    assert "Firmas" in text or "Signatures" not in text


def test_it_is_made_once_a_second_run_finds_the_row(intake, monkeypatch):
    first = signed.produce(intake_id=intake.pk)
    monkeypatch.setattr(
        signed, "render_signed_pdf", lambda intake: pytest.fail("rendered a second time")
    )
    second = signed.produce(intake_id=intake.pk)
    assert second.pk == first.pk
    assert SignedIntake.objects.filter(intake=intake).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        SignedIntake.objects.create(intake=intake, clinic=intake.clinic, pdf=b"x", sha256="0" * 64)


def test_the_worker_makes_it_when_the_submit_commits(
    clinic, ruleset, consent, django_capture_on_commit_callbacks
):
    client = ClientFactory(clinic=clinic)
    with django_capture_on_commit_callbacks(execute=True):
        intake = submitted_intake(client=client, answers=complete_answers())
    document = SignedIntake.objects.get(intake=intake)
    assert document.sha256 == signed.sha256_of(bytes(document.pdf))


@pytest.mark.parametrize(
    "statement",
    ["UPDATE intake_signedintake SET sha256 = %s", "DELETE FROM intake_signedintake"],
)
def test_the_database_refuses_to_change_or_delete_it(intake, statement):
    document = signed.produce(intake_id=intake.pk)
    params = ["f" * 64] if "UPDATE" in statement else []
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)
    document.refresh_from_db()
    assert document.sha256 == signed.sha256_of(bytes(document.pdf))


def test_therapist_and_owner_download_it_audited(client, intake, therapist, owner):
    url = reverse("intake:signed_pdf", args=[intake.public_id])
    for user in (therapist, owner):
        login(client, user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert "Garcia" not in response["Content-Disposition"]
        document = SignedIntake.objects.get(intake=intake)
        assert response.content == bytes(document.pdf)
        assert AuditEvent.objects.filter(
            actor=user,
            action=AuditEvent.Action.EXPORT,
            object_id=str(document.pk),
            detail="signed intake PDF",
        ).exists()


def test_front_desk_gets_403_and_another_clinic_404(client, intake, front_desk, other_clinic_staff):
    url = reverse("intake:signed_pdf", args=[intake.public_id])
    login(client, front_desk)
    assert client.get(url).status_code == 403
    login(client, other_clinic_staff)
    assert client.get(url).status_code == 404
    assert not SignedIntake.objects.exists()


def test_a_draft_has_no_signed_copy(client, clinic, ruleset, therapist):
    from intake.services import start_intake

    draft = start_intake(client=ClientFactory(clinic=clinic), started_by=therapist)
    login(client, therapist)
    assert client.get(reverse("intake:signed_pdf", args=[draft.public_id])).status_code == 404


def test_a_pdf_that_no_longer_matches_its_hash_is_refused_and_recorded(client, intake, therapist):
    document = signed.produce(intake_id=intake.pk)
    # What only a superuser could do: write past the trigger (replica mode fires none).
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE intake_signedintake SET pdf = %s WHERE id = %s", [b"%PDF-forged", document.pk]
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    login(client, therapist)
    response = client.get(reverse("intake:signed_pdf", args=[intake.public_id]))
    assert response.status_code == 409
    assert b"does not match its fingerprint" in response.content
    assert AuditEvent.objects.filter(
        actor=therapist, detail__contains="does not match its stored SHA-256"
    ).exists()


def test_the_client_gets_their_copy_by_email(
    client, intake, therapist, mailoutbox, django_capture_on_commit_callbacks
):
    login(client, therapist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:email_signed_copy", args=[intake.public_id]))
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == ["maria@example.org"]
    assert "Riverside Massage Clinic" in message.subject
    # No health answer in the body: it is all in the attachment.
    assert "Dr. Ana Lang" not in message.body
    assert "44" not in message.body
    [(_name, content, mimetype)] = message.attachments
    assert mimetype == "application/pdf"
    assert content == bytes(SignedIntake.objects.get(intake=intake).pdf)
    assert AuditEvent.objects.filter(actor=therapist, detail__contains="emailed").exists()


def test_no_email_on_file_sends_nothing(client, clinic, ruleset, consent, therapist, mailoutbox):
    intake = submitted_intake(
        client=ClientFactory(clinic=clinic, email=""), answers=complete_answers()
    )
    login(client, therapist)
    response = client.post(
        reverse("intake:email_signed_copy", args=[intake.public_id]), follow=True
    )
    assert b"email address" in response.content
    assert mailoutbox == []


def test_release_consent_is_saved_with_the_intake(intake):
    intake.refresh_from_db()
    assert intake.release_consent is True
    assert intake.release_physician == "Dr. Ana Lang"


def test_age_on_counts_whole_years():
    from intake.derived import age_on

    assert age_on(date(2009, 6, 15), date(2027, 6, 14)) == 17
    assert age_on(date(2009, 6, 15), date(2027, 6, 15)) == 18
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


__all__ = ["signature_data_url"]


def test_a_double_tap_on_email_sends_one_copy(
    client, intake, therapist, mailoutbox, django_capture_on_commit_callbacks
):
    login(client, therapist)
    url = reverse("intake:email_signed_copy", args=[intake.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        again = client.post(url, follow=True)
    assert again.status_code == 200
    assert b"A copy was sent a moment ago" in again.content
    assert len(mailoutbox) == 1
