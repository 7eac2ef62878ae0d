"""What docs/APPOINTMENTS.md says about imports, checked on its own example files."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings

from clients.services import archive_client
from tests.factories import ClientFactory
from visits.models import Appointment
from visits.services import import_appointments

pytestmark = pytest.mark.django_db

EXAMPLES = settings.BASE_DIR / "docs" / "examples"
DOC = (settings.BASE_DIR / "docs" / "APPOINTMENTS.md").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def people(clinic, therapist):
    therapist.email = "theo@riverside.example"
    therapist.save()
    return {
        "maria": ClientFactory(clinic=clinic, legal_name="Maria Garcia", email="maria@example.com"),
        "james": ClientFactory(clinic=clinic, legal_name="James Silva", email="james@example.com",
                               phone="+16175551002", date_of_birth=date(1971, 3, 14)),
    }  # fmt: skip


def run(clinic, content, name):
    return import_appointments(clinic=clinic, content=content, filename=name, imported_by=None)


def test_the_documented_examples_are_the_example_files():
    ics = (EXAMPLES / "appointments.ics").read_text(encoding="utf-8").replace("\r\n", "\n")
    csv = (EXAMPLES / "appointments.csv").read_text(encoding="utf-8")
    assert csv.strip() in DOC
    for line in DOC.split("### iCalendar")[1].split("```")[1].strip().splitlines():
        assert line in ics


def test_the_example_calendar_imports_once(clinic, people):
    content = (EXAMPLES / "appointments.ics").read_bytes()
    assert run(clinic, content, "appointments.ics").totals["created"] == 2
    assert run(clinic, content, "appointments.ics").totals["unchanged"] == 2
    maria = Appointment.objects.get(client=people["maria"])
    assert maria.starts_at == datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    james = Appointment.objects.get(client=people["james"])  # by the attendee's phone
    assert james.duration_minutes == 45


def test_the_example_csv_imports_once_and_skips_a_cancelled_visit_not_booked(clinic, people):
    content = (EXAMPLES / "appointments.csv").read_bytes()
    report = run(clinic, content, "appointments.csv")
    assert [r.outcome for r in report.rows] == ["created", "created", "skipped"]
    assert report.rows[2].reason == "cancelled in the file and not booked here"
    assert run(clinic, content, "appointments.csv").totals["unchanged"] == 2


def test_uncancelled_is_booked_again_and_missing_rows_are_left_alone(clinic, people):
    header = "ID\tClient_Email\tTherapist\tStart\tDuration_Minutes\tStatus\n"  # any case, tabs
    rows = (
        "X1\tmaria@example.com\ttheo\t2026-12-02 10:00\t60\t\n"
        "X2\tjames@example.com\ttheo\t2026-12-02 11:00\t60\t\n"
    )
    run(clinic, (header + rows).encode(), "a.csv")
    run(clinic, (header + "X1\tmaria@example.com\ttheo\t2026-12-02 10:00\t60\tcancelled\n")
        .encode(), "a.csv")  # fmt: skip
    assert Appointment.objects.get(external_uid="X1").cancelled_at is not None
    assert Appointment.objects.get(external_uid="X2").cancelled_at is None  # not in the file
    report = run(clinic, (header + "X1\tmaria@example.com\ttheo\t2026-12-02 10:00\t60\t\n")
                 .encode(), "a.csv")  # fmt: skip
    assert report.rows[0].outcome == "updated"
    assert Appointment.objects.get(external_uid="X1").cancelled_at is None


def test_archived_clients_and_shared_details_are_not_matched(clinic, people, owner):
    archive_client(client=people["maria"], archived_by=owner)
    ClientFactory(clinic=clinic, legal_name="Twin One", email="family@example.com")
    ClientFactory(clinic=clinic, legal_name="Twin Two", email="family@example.com")
    report = run(clinic, (
        b"id,client_email,client_name,client_dob,therapist,start,duration_minutes\n"
        b"Y1,maria@example.com,,,theo,2026-12-02 10:00,60\n"
        b"Y2,family@example.com,,,theo,2026-12-02 10:00,60\n"
    ), "b.csv")  # fmt: skip
    assert [r.reason for r in report.rows] == [
        "no client of the clinic matches; add the client first",
        "2 clients match; add client_name and client_dob",
    ]
