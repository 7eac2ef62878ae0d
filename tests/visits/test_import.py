"""Importing a scheduler's file (iCalendar or CSV): each appointment once, however often the
same file comes in; a clear per-row report; a bad file is a 400, never a 500."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEvent
from tests.factories import ClientFactory, UserFactory
from visits.imports import MAX_BYTES
from visits.models import Appointment
from visits.services import import_appointments

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def people(clinic, therapist):
    therapist.email = "theo@riverside.example"
    therapist.save()
    return {
        "maria": ClientFactory(clinic=clinic, legal_name="Maria Garcia", email="maria@example.com",
                               phone="+16175551001"),
        "james": ClientFactory(clinic=clinic, legal_name="James Silva", email="james@example.com",
                               phone="+16175551002"),
    }  # fmt: skip


def ics(*events, tz="TZID=America/New_York:"):
    body = "\r\n".join(events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Scheduler//EN\r\n{body}\r\nEND:VCALENDAR\r\n"
    ).encode()


def event(uid, start="20261202T100000", end="20261202T110000", client="maria@example.com",
          extra=""):  # fmt: skip
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261201T120000Z\r\n"
        f"DTSTART;TZID=America/New_York:{start}\r\nDTEND;TZID=America/New_York:{end}\r\n"
        "SUMMARY:Massage\r\nORGANIZER;CN=Theo:mailto:theo@riverside.example\r\n"
        f"ATTENDEE;CN=Client:mailto:{client}\r\n{extra}END:VEVENT"
    )


def run(clinic, content, name="day.ics", by=None):
    return import_appointments(clinic=clinic, content=content, filename=name, imported_by=by)


def test_an_icalendar_import_twice_creates_each_appointment_once(clinic, people, front_desk):
    content = ics(event("a1@scheduler"), event("a2@scheduler", "20261202T140000",
                                               "20261202T143000", "james@example.com"))  # fmt: skip
    first = run(clinic, content, by=front_desk)
    assert first.totals == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0}
    second = run(clinic, content, by=front_desk)
    assert second.totals == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 0}
    assert Appointment.objects.count() == 2
    maria = Appointment.objects.get(client=people["maria"])
    assert maria.starts_at == datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    assert maria.duration_minutes == 60
    assert maria.source == "ical"
    assert maria.external_uid == "a1@scheduler"
    assert Appointment.objects.get(client=people["james"]).duration_minutes == 30
    assert AuditEvent.objects.filter(detail="appointment imported (ical)").count() == 2


def test_a_moved_event_updates_and_a_cancelled_one_cancels(clinic, people):
    run(clinic, ics(event("a1"), event("a2", client="james@example.com")))
    cancelled = event("a2", client="james@example.com", extra="STATUS:CANCELLED\r\n")
    moved = run(clinic, ics(event("a1", "20261202T120000", "20261202T124500"), cancelled))
    assert moved.totals["updated"] == 2
    maria = Appointment.objects.get(external_uid="a1")
    assert maria.starts_at == datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    assert maria.duration_minutes == 45
    assert Appointment.objects.get(external_uid="a2").cancelled_at is not None
    assert AuditEvent.objects.filter(detail__startswith="appointment re-imported").count() == 2


def test_utc_floating_and_recurrence_ids(clinic, people):
    utc = (
        "BEGIN:VEVENT\r\nUID:u1\r\nDTSTART:20261202T180000Z\r\nDURATION:PT90M\r\n"
        "ATTENDEE:mailto:MARIA@example.com\r\nATTENDEE:mailto:theo@riverside.example\r\n"
        "END:VEVENT"
    )
    floating = (
        "BEGIN:VEVENT\r\nUID:f1\r\nDTSTART:20261202T090000\r\nDTEND:20261202T093000\r\n"
        "ATTENDEE:tel:(617) 555-1002\r\nORGANIZER:mailto:theo@riverside.example\r\n"
        "END:VEVENT"
    )
    occurrence = event("r1", extra="RECURRENCE-ID;TZID=America/New_York:20261202T100000\r\n")
    report = run(clinic, ics(utc, floating, occurrence))
    assert report.totals["created"] == 3, report.rows
    assert Appointment.objects.get(external_uid="u1").duration_minutes == 90
    walk = Appointment.objects.get(external_uid="f1")
    assert walk.client == people["james"]  # matched by phone
    assert walk.starts_at == datetime(2026, 12, 2, 14, 0, tzinfo=UTC)  # 09:00 in New York
    assert Appointment.objects.filter(external_uid__startswith="r1#2026-12-02T10:00").exists()


def test_events_that_cannot_be_matched_are_skipped_with_a_reason(clinic, people, other_clinic):
    UserFactory(clinic=other_clinic, role=Role.THERAPIST, email="hal@hillside.example")
    ClientFactory(clinic=other_clinic, email="stranger@example.com")
    report = run(clinic, ics(
        event("s1", client="nobody@example.com"),
        event("s2", client="stranger@example.com"),
        event("s3", extra="RRULE:FREQ=WEEKLY\r\n"),
        "BEGIN:VEVENT\r\nUID:s4\r\nDTSTART;VALUE=DATE:20261202\r\nEND:VEVENT",
        "BEGIN:VEVENT\r\nDTSTART:20261202T090000Z\r\nDURATION:PT1H\r\nEND:VEVENT",
        event("s6").replace("theo@riverside.example", "hal@hillside.example"),
    ))  # fmt: skip
    reasons = [row.reason for row in report.rows]
    assert report.totals["skipped"] == 6
    assert reasons[0] == reasons[1] == "no client of the clinic matches; add the client first"
    assert "repeating" in reasons[2]
    assert "all-day" in reasons[3]
    assert reasons[4] == "the event has no UID"
    assert "no therapist" in reasons[5]
    assert not Appointment.objects.exists()


def test_a_csv_import_is_idempotent_and_reports_each_row(clinic, people, therapist):
    content = (
        "id;client_email;client_name;client_dob;therapist;start;duration_minutes;status\n"
        "A-1;maria@example.com;;;theo;2026-12-02 10:00;60;\n"
        f"A-2;;James Silva;{people['james'].date_of_birth};THEO@riverside.example;"
        "2026-12-02T11:30;30;\n"
        "A-3;nobody@example.com;;;theo;2026-12-02 12:00;30;\n"
        "A-4;maria@example.com;;;theo;tomorrow;30;\n"
        "A-5;maria@example.com;;;theo;2026-12-02 13:00;0;\n"
        ";maria@example.com;;;theo;2026-12-02 13:00;30;\n"
        "A-1;maria@example.com;;;theo;2026-12-02 10:00;60;\n"
    ).encode()
    first = run(clinic, content, "export.csv")
    assert [(r.where, r.outcome) for r in first.rows] == [
        ("line 2", "created"), ("line 3", "created"), ("line 4", "skipped"),
        ("line 5", "skipped"), ("line 6", "skipped"), ("line 7", "skipped"),
        ("line 8", "skipped"),
    ]  # fmt: skip
    assert first.rows[3].reason.startswith("start is not a date")
    assert "between 1 and" in first.rows[4].reason
    assert first.rows[6].reason == "the same id appears twice"
    again = run(clinic, content, "export.csv")
    assert again.totals == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 5}
    assert Appointment.objects.filter(source="csv").count() == 2


def test_a_csv_row_needs_every_client_detail_to_agree(clinic, people):
    content = (
        b"id,client_email,client_phone,therapist,start,duration_minutes\n"
        b"B-1,maria@example.com,+16175551002,theo,2026-12-02 10:00,60\n"
        b"B-2,maria@example.com,(617) 555-1001,theo,2026-12-02 10:00,60\n"
    )
    report = run(clinic, content, "x.csv")
    assert [r.outcome for r in report.rows] == ["skipped", "created"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nthis is not ical\r\n", "bad_file"),
        (b"\xff\xfe\x00garbage", "bad_file"),
        (b"id,start\n1,2026-12-02 10:00\n", "missing_columns"),
        (b"id,therapist,start,duration_minutes\n1,theo,2026-12-02 10:00,60\n", "missing_columns"),
        (b"x" * (MAX_BYTES + 1), "too_large"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_code(clinic, content, code):
    from accounts.errors import DomainError

    with pytest.raises(DomainError) as error:
        run(clinic, content, "upload.csv")
    assert error.value.code == code
    assert not Appointment.objects.exists()


def test_the_upload_page_imports_and_shows_the_report(client, clinic, people, front_desk):
    client.force_login(front_desk)
    url = reverse("visits:appointment_import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("day.ics", ics(event("p1")), content_type="text/calendar")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    assert "1 created" in response.text
    assert response.text.count('data-outcome="created"') == 1
    upload = SimpleUploadedFile("day.ics", ics(event("p1")), content_type="text/calendar")
    assert "1 unchanged" in client.post(url, {"file": upload}).text
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    "content", [b"BEGIN:VCALENDAR\r\ngarbage", b"\x00\x01\x02", b"x" * (MAX_BYTES + 10)]
)
def test_a_malformed_upload_is_a_400_with_a_message(client, front_desk, content):
    client.force_login(front_desk)
    upload = SimpleUploadedFile("bad.ics", content)
    response = client.post(reverse("visits:appointment_import"), {"file": upload})
    assert response.status_code == 400
    assert "The file was not imported" in response.text


def test_an_upload_without_a_file_is_a_400(client, front_desk):
    client.force_login(front_desk)
    assert client.post(reverse("visits:appointment_import"), {}).status_code == 400


def test_a_therapist_cannot_import(client, therapist):
    client.force_login(therapist)
    assert client.get(reverse("visits:appointment_import")).status_code == 403


def test_an_import_only_reaches_the_importers_clinic(client, clinic, other_clinic, people):
    stranger = UserFactory(clinic=other_clinic, role=Role.OWNER)
    client.force_login(stranger)
    upload = SimpleUploadedFile("day.ics", ics(event("o1")))
    response = client.post(reverse("visits:appointment_import"), {"file": upload})
    assert response.status_code == 200
    assert "1 skipped" in response.text
    assert not Appointment.objects.exists()


def test_the_command_imports_once(tmp_path, clinic, people, capsys):
    path = tmp_path / "day.ics"
    path.write_bytes(ics(event("c1"), event("c2", "20261202T150000", "20261202T160000")))
    call_command("import_appointments", str(path), "--clinic", "riverside")
    assert "2 created" in capsys.readouterr().out
    call_command("import_appointments", str(path), "--clinic", "riverside")
    assert "2 unchanged" in capsys.readouterr().out
    assert Appointment.objects.count() == 2
    with pytest.raises(CommandError, match="no clinic"):
        call_command("import_appointments", str(path), "--clinic", "nowhere")
    path.write_bytes(b"BEGIN:VCALENDAR\r\nnonsense")
    with pytest.raises(CommandError, match="was not imported"):
        call_command("import_appointments", str(path), "--clinic", "riverside")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_appointments", str(tmp_path / "missing.ics"), "--clinic", "riverside")


def test_an_imported_appointment_of_today_gets_the_days_screening(clinic, people, ruleset):
    from review.models import Screening
    from tests.factories import (
        IntakeFactory,
        complete_answers,
        drawn_submission,
    )
    from visits.services import submit_and_screen

    intake = IntakeFactory(clinic=clinic, client=people["maria"], answers=complete_answers())
    submit_and_screen(intake_id=intake.pk, **drawn_submission())
    run(clinic, ics(event("t1", "20261202T160000", "20261202T170000")))
    assert Appointment.objects.get().screening == Screening.objects.get(intake=intake)
    assert timedelta(0) < Appointment.objects.get().starts_at - timezone.now()


def test_a_file_with_too_many_appointments_is_refused_whole(clinic, people, monkeypatch):
    from accounts.errors import DomainError
    from visits import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    rows = "".join(f"M{i},maria@example.com,theo,2026-12-02 1{i}:00,30\n" for i in range(3))
    content = ("id,client_email,therapist,start,duration_minutes\n" + rows).encode()
    with pytest.raises(DomainError) as error:
        run(clinic, content, "big.csv")
    assert error.value.code == "too_many_rows"
    assert not Appointment.objects.exists()


def test_an_hour_without_its_zero_and_us_dates_are_read(clinic, people):
    content = (
        b"id,client_email,therapist,start,duration_minutes\n"
        b"H1,maria@example.com,theo,2026-12-02 9:30,30\n"
        b"H2,maria@example.com,theo,12/02/2026 2:15 PM,30\n"
    )
    assert run(clinic, content, "h.csv").totals["created"] == 2
    starts = sorted(a.starts_at for a in Appointment.objects.all())
    assert starts == [
        datetime(2026, 12, 2, 14, 30, tzinfo=UTC),
        datetime(2026, 12, 2, 19, 15, tzinfo=UTC),
    ]
