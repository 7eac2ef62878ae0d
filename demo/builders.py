"""One way to make a submitted intake, for the demo clinic, the benchmarks and the tests alike.

It takes the tablet's own path (start, save the answers, sign, submit and screen) so whatever
it makes is what a real client's visit leaves behind: a catalogue-checked intake, a signature,
the consent shown, and the screening of the clinic's rule set.
"""

import base64
import struct
import uuid
import zlib

from intake.models import ConsentText, Intake
from intake.services import (
    IntakeError,
    current_consent,
    save_answers,
    set_language,
    start_intake,
)
from visits.services import submit_and_screen

SIGNATURE_PREFIX = "data:image/png;base64,"


def signature_png(width: int = 300, height: int = 100, inked: bool = True) -> bytes:
    """A canvas-like RGBA PNG; with `inked`, a horizontal stroke across the middle."""
    rows = []
    for y in range(height):
        ink = inked and abs(y - height // 2) < 2
        pixel = b"\x10\x21\x3f\xff" if ink else b"\x00\x00\x00\x00"
        rows.append(b"\x00" + pixel * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def signature_data_url(**kwargs) -> str:
    return SIGNATURE_PREFIX + base64.b64encode(signature_png(**kwargs)).decode()


def _consent(language: str) -> ConsentText:
    try:
        return current_consent(language)
    except IntakeError:  # a flushed (transactional test) database has none: publish one
        return ConsentText.objects.create(
            version="2026-1", language="en", title="Consent", text="I agree."
        )


def submitted_intake(
    *,
    client,
    answers: dict,
    started_by=None,
    screened_by=None,
    language: str = "",
    **signing,
) -> Intake:
    """A signed, submitted and screened intake of `client` with `answers` (complete, as a tablet
    submits them). Raises the intake services' errors for answers a tablet could not submit.
    `signing`: more of submit_intake's arguments (a minor's guardian, the release, the device).
    """
    intake = start_intake(client=client, started_by=started_by)
    if language:
        intake = set_language(intake_id=intake.pk, language=language)
    save_answers(intake_id=intake.pk, raw=answers)
    return submit_and_screen(
        performed_by=screened_by,
        intake_id=intake.pk,
        submission_token=uuid.uuid4(),
        signature_data_url=signature_data_url(),
        consent_id=_consent(intake.language).pk,
        **signing,
    ).intake


def stored_signature_png() -> bytes:
    """The PNG a drawn demo signature is stored as (what `submit_intake` keeps)."""
    from intake.signature import parse_signature

    return parse_signature(signature_data_url())


def submitted_intake_row(
    *,
    client,
    answers: dict,
    catalogue_version: str,
    consent: ConsentText,
    started_by,
    started_at,
    submitted_at,
    previous: Intake | None = None,
    signature_png_bytes: bytes,
) -> Intake:
    """An unsaved intake exactly as `submitted_intake` leaves it once submitted (signed with a
    drawn signature, the consent shown, the kiosk token gone), dated `started_at` and
    `submitted_at`: for history built in bulk (demo/history.py), which inserts it as given.
    `answers` are the validated answers (the screening's inputs)."""
    return Intake(
        clinic_id=client.clinic_id,
        client=client,
        kind=Intake.Kind.FULL if previous is None else Intake.Kind.UPDATE,
        status=Intake.Status.SUBMITTED,
        language=client.preferred_language,
        catalogue_version=catalogue_version,
        answers=answers,
        previous=previous,
        started_by=started_by,
        started_at=started_at,
        updated_at=submitted_at,
        submitted_at=submitted_at,
        submission_token=uuid.uuid4(),
        consent=consent,
        signature_method=Intake.SignatureMethod.DRAWN,
        signature_png=signature_png_bytes,
        signed_at=submitted_at,
    )
