"""Session notes: the therapist's SOAP note of a session, signed when saved, and its addenda.

A note is signed the moment it is saved (there are no drafts to edit), so every note a reader
sees is the one its author signed. A correction or a later observation is an addendum by any
therapist of the clinic; neither the note nor an addendum is ever changed (the models refuse it
and so does the database, review/migrations/0006_session_notes_append_only.py).
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction

from accounts.roles import Role, has_role
from audit.services import record_creation
from contraindications.engine import PRESSURE_LEVELS, REGIONS
from review.models import NoteAddendum, Screening, SessionNote
from review.selectors import latest_plan
from review.services import ReviewError

MAX_TEXT = 8000


@contextmanager
def _once(message: str) -> Iterator[None]:
    # Two taps racing past the token check: the unique token lets only one row in.
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise ReviewError(message, "already_signed") from error


def _require_therapist(user: Any, clinic_id: int) -> None:
    if user.clinic_id != clinic_id or not has_role(user, Role.THERAPIST):
        raise ReviewError(
            "Only a therapist of this clinic can sign session notes.", "not_a_therapist"
        )


def _text(value: str, field: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ReviewError(f"Write the {label}.", "note_incomplete", field)
    if len(value) > MAX_TEXT:
        raise ReviewError(f"The {label} is too long.", "note_too_long", field)
    return value


@transaction.atomic
def sign_note(
    *,
    screening: Screening,
    signed_by: Any,
    subjective: str,
    objective: str,
    assessment: str,
    plan: str,
    regions: list[str],
    pressure: int,
    client_response: str = "",
    form_token: uuid.UUID | None = None,
    ip: str | None = None,
) -> SessionNote:
    """Sign a SOAP note for a session given on `screening`; it can never be edited afterwards.

    `form_token` comes with the form: a second tap on "Sign" finds the note already signed."""
    _require_therapist(signed_by, screening.clinic_id)
    if form_token and SessionNote.objects.filter(form_token=form_token).exists():
        raise ReviewError("This note is already signed.", "already_signed")
    unknown = sorted(set(regions) - set(REGIONS))
    if unknown:
        raise ReviewError(f"Unknown area: {', '.join(unknown)}", "unknown_region", "regions")
    if str(pressure) not in PRESSURE_LEVELS:
        raise ReviewError("Choose a pressure from 1 to 5.", "invalid_pressure", "pressure")
    with _once("This note is already signed."):
        note = SessionNote.objects.create(
            clinic_id=screening.clinic_id,
            client_id=screening.client_id,
            screening=screening,
            treatment_plan=latest_plan(screening),
            subjective=_text(subjective, "subjective", "subjective part (what the client said)"),
            objective=_text(objective, "objective", "objective part (what you found)"),
            assessment=_text(assessment, "assessment", "assessment"),
            plan=_text(plan, "plan", "plan for the next sessions"),
            regions=[code for code in REGIONS if code in set(regions)],
            pressure=int(pressure),
            client_response=_text(client_response, "client_response", "response", required=False),
            form_token=form_token,
            signed_by=signed_by,
        )
    record_creation(note, by=signed_by, detail="session note signed", ip=ip)
    return note


@transaction.atomic
def add_addendum(
    *,
    note: SessionNote,
    author: Any,
    text: str,
    form_token: uuid.UUID | None = None,
    ip: str | None = None,
) -> NoteAddendum:
    """Add a correction or a later observation to a signed note."""
    _require_therapist(author, note.clinic_id)
    if form_token and NoteAddendum.objects.filter(form_token=form_token).exists():
        raise ReviewError("This addendum is already added.", "already_signed")
    with _once("This addendum is already added."):
        addendum = NoteAddendum.objects.create(
            note=note,
            clinic_id=note.clinic_id,
            text=_text(text, "text", "addendum"),
            form_token=form_token,
            author=author,
        )
    record_creation(addendum, by=author, detail=f"addendum to session note {note.public_id}", ip=ip)
    return addendum
