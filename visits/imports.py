"""Reading a scheduler's file into appointment rows: iCalendar (RFC 5545, the `icalendar`
library) or CSV. Only reading and matching happen here; visits.services.import_appointments
writes. Formats and matching rules: docs/APPOINTMENTS.md."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.errors import DomainError
from accounts.roles import Role
from clients.models import Client
from clients.phones import normalise_phone

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000  # a first import writes each one and its audit event in one request
CSV_REQUIRED = ("id", "therapist", "start", "duration_minutes")
CSV_CLIENT = ("client_email", "client_phone", "client_name")
CSV_ALIASES = {"duration": "duration_minutes", "uid": "id", "external_id": "id"}


class ImportFileError(DomainError):
    pass


@dataclass
class Row:
    where: str
    uid: str = ""
    email: str = ""
    phone: str = ""
    name: str = ""
    dob: date | None = None
    therapist_keys: list[str] = field(default_factory=list)
    # iCalendar: every attendee's address; the client is the one that belongs to a client.
    addresses: list[str] = field(default_factory=list)
    starts_at: datetime | None = None
    duration_minutes: int = 0
    cancelled: bool = False
    skip: str = ""
    # Filled in by matching:
    client: Client | None = None
    therapist: Any = None


@dataclass(frozen=True)
class Parsed:
    source: str
    rows: list[Row]


def parse(*, content: bytes, filename: str, clinic: Any) -> Parsed:
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB", "too_large", "file"
        )
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise ImportFileError("the file is empty", "empty", "file")
    if head[:15].upper() == b"BEGIN:VCALENDAR" or filename.lower().endswith((".ics", ".ical")):
        source, rows = "ical", _ical_rows(content)
    else:
        source, rows = "csv", _csv_rows(content)
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            f"the file has more than {MAX_ROWS} appointments; split it", "too_many_rows", "file"
        )
    _match(clinic, rows)
    return Parsed(source=source, rows=rows)


# --- iCalendar ---------------------------------------------------------------------------------


def _aware(value: datetime) -> datetime:
    # A "floating" time (no TZID, no Z) is the clinic's local time.
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _ical_rows(content: bytes) -> list[Row]:
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(content)
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise ImportFileError(
            "this is not an iCalendar file the clinic can read", "bad_file", "file"
        ) from error
    if isinstance(calendar, list) or calendar.name != "VCALENDAR":
        raise ImportFileError("the file must hold one calendar (VCALENDAR)", "bad_file", "file")
    rows = []
    for index, event in enumerate(calendar.walk("VEVENT"), start=1):
        rows.append(_ical_row(event, index))
    return rows


def _addresses(event) -> list[str]:
    values = []
    for name in ("ORGANIZER", "ATTENDEE"):
        value = event.get(name)
        values.extend(value if isinstance(value, list) else [value] if value else [])
    return [str(v).strip() for v in values]


def _ical_row(event, index: int) -> Row:
    uid = str(event.get("UID", "")).strip()
    row = Row(where=f"event {index}" + (f" ({uid[:60]})" if uid else ""))
    try:
        if not uid:
            row.skip = "the event has no UID"
            return row
        recurrence = event.get("RECURRENCE-ID")
        row.uid = uid if recurrence is None else f"{uid}#{recurrence.dt.isoformat()}"
        if len(row.uid) > 255:
            row.skip = "the event's UID is longer than 255 characters"
            return row
        if event.get("RRULE") is not None:
            row.skip = "a repeating event: export the single visits from the scheduler"
            return row
        start = event.decoded("DTSTART", None)
        if not isinstance(start, datetime):
            row.skip = "an all-day event or one without a start time"
            return row
        row.starts_at = _aware(start)
        end = event.decoded("DTEND", None)
        length = event.decoded("DURATION", None)
        if isinstance(end, datetime):
            length = _aware(end) - row.starts_at
        if not isinstance(length, timedelta):
            row.skip = "the event has no end or length"
            return row
        row.duration_minutes = int(length.total_seconds() // 60)
        row.cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
    except (ValueError, TypeError, AttributeError, OverflowError):
        row.skip = "the event's dates cannot be read"
        return row
    for address in _addresses(event):
        scheme, _, value = address.partition(":")
        value = value.strip()
        if scheme.lower() == "mailto" and value:
            row.therapist_keys.append(value.lower())
            row.addresses.append(value.lower())
        elif scheme.lower() == "tel" and value:
            row.addresses.append(value)
    return row


# --- CSV ---------------------------------------------------------------------------------------


def _csv_rows(content: bytes) -> list[Row]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "the file is not UTF-8 text: save it as CSV UTF-8", "bad_file", "file"
        ) from error
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max(",;\t", key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [_header(h) for h in (reader.fieldnames or [])]
        reader.fieldnames = headers
        missing = [c for c in CSV_REQUIRED if c not in headers]
        if missing:
            raise ImportFileError(
                "the file is missing the column(s) " + ", ".join(missing), "missing_columns", "file"
            )
        if not any(c in headers for c in CSV_CLIENT):
            raise ImportFileError(
                "the file needs a client column: client_email, client_phone or client_name",
                "missing_columns",
                "file",
            )
        rows: list[Row] = []
        for raw in reader:
            if len(rows) >= MAX_ROWS:
                rows.append(Row(where="more"))  # parse() refuses the file
                break
            if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
                continue
            rows.append(_csv_row(raw, reader.line_num))
    except csv.Error as error:
        raise ImportFileError(f"the CSV cannot be read: {error}", "bad_file", "file") from error
    return rows


def _header(name: str | None) -> str:
    key = (name or "").strip().lower().replace(" ", "_")
    return CSV_ALIASES.get(key, key)


def _cell(raw: dict, name: str) -> str:
    value = raw.get(name)
    return value.strip() if isinstance(value, str) else ""


# Besides ISO 8601: an hour without its leading zero, and the US month-first dates that
# spreadsheets write.
CSV_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p")


def _datetime(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in CSV_TIME_FORMATS:
        try:
            return datetime.strptime(text.upper(), pattern)  # noqa: DTZ007 - made aware by the caller
        except ValueError:
            continue
    return None


def _csv_row(raw: dict, line: int) -> Row:
    row = Row(where=f"line {line}", uid=_cell(raw, "id"))
    if not row.uid:
        row.skip = "the id column is empty"
        return row
    if len(row.uid) > 255:
        row.skip = "the id is longer than 255 characters"
        return row
    row.email = _cell(raw, "client_email").lower()
    row.phone = _cell(raw, "client_phone")
    row.name = " ".join(_cell(raw, "client_name").split()).lower()
    therapist = _cell(raw, "therapist").lower()
    row.therapist_keys = [therapist] if therapist else []
    row.cancelled = _cell(raw, "status").lower() in ("cancelled", "canceled")
    try:
        dob = _cell(raw, "client_dob")
        row.dob = date.fromisoformat(dob) if dob else None
    except ValueError:
        row.skip = "client_dob is not a date like 1980-04-30"
        return row
    start = _datetime(_cell(raw, "start"))
    if start is None:
        row.skip = "start is not a date and time like 2026-12-02 09:30"
        return row
    row.starts_at = _aware(start)
    try:
        row.duration_minutes = int(_cell(raw, "duration_minutes"))
    except ValueError:
        row.skip = "duration_minutes is not a whole number"
        return row
    if row.name and row.dob is None and not (row.email or row.phone):
        row.skip = "client_name needs client_dob"
    return row


# --- Matching ----------------------------------------------------------------------------------


def _phone(text: str) -> str | None:
    try:
        return normalise_phone(text)
    except ValidationError:
        return None


def _match(clinic: Any, rows: list[Row]) -> None:
    """Find each row's client and therapist (two queries for the whole file)."""
    live = [r for r in rows if not r.skip]
    phones = {r.phone: _phone(r.phone) for r in live if r.phone}
    phones.update({a: _phone(a) for r in live for a in r.addresses if "@" not in a})
    emails = {r.email for r in live if r.email} | {a for r in live for a in r.addresses}
    names = {r.name for r in live if r.name}
    clients = list(
        Client.objects.for_clinic(clinic.pk)
        .active()
        .annotate(email_l=Lower("email"), name_l=Lower("legal_name"))
        .filter(
            Q(email_l__in=emails)
            | Q(phone__in={p for p in phones.values() if p})
            | Q(name_l__in=names)
        )
        .only("id", "clinic_id", "email", "phone", "legal_name", "date_of_birth", "archived_at")
    )
    therapists = list(
        get_user_model()
        .objects.filter(clinic=clinic, is_active=True, groups__name=Role.THERAPIST.value)
        .distinct()
        .prefetch_related("groups")
    )
    for row in live:
        _match_client(row, clients, phones)
        if not row.skip:
            _match_therapist(row, therapists)


def _match_client(row: Row, clients: list[Client], phones: dict[str, str | None]) -> None:
    if row.addresses:
        wanted = set(row.addresses) | {phones[a] for a in row.addresses if phones.get(a)}
        tests = [lambda c: c.email.lower() in wanted or c.phone in wanted]
    elif row.phone and phones.get(row.phone) is None:
        row.skip = "the client's phone number is not valid"
        return
    else:
        tests = []
    if row.email:
        tests.append(lambda c: c.email.lower() == row.email)
    if row.phone:
        tests.append(lambda c: c.phone == phones[row.phone])
    if row.name:
        tests.append(lambda c: " ".join(c.legal_name.split()).lower() == row.name)
    if row.dob:
        tests.append(lambda c: c.date_of_birth == row.dob)
    if not tests:
        row.skip = "no client details (an attendee's email or phone, or a name)"
        return
    found = [c for c in clients if all(test(c) for test in tests)]
    if len(found) == 1:
        row.client = found[0]
    elif not found:
        row.skip = "no client of the clinic matches; add the client first"
    else:
        row.skip = f"{len(found)} clients match; add client_name and client_dob"


def _match_therapist(row: Row, therapists: list[Any]) -> None:
    for key in row.therapist_keys:
        found = [t for t in therapists if key in (t.username.lower(), (t.email or "").lower())]
        if len(found) == 1:
            row.therapist = found[0]
            return
        if len(found) > 1:
            row.skip = "several therapists have this email; use the username"
            return
    row.skip = "no therapist of the clinic with this username or email"
