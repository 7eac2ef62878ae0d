"""The front desk books a visit with its intake link, sees it on the day, and imports the
scheduler's calendar."""

import pytest
from django.utils import timezone

from tests.browser.conftest import log_in, screenshot
from tests.factories import ClientFactory
from visits.models import Appointment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Scheduler//EN\r\nBEGIN:VEVENT\r\n"
    "UID:b-1@scheduler\r\nDTSTART:{day}T120000\r\nDTEND:{day}T124500\r\n"
    "ORGANIZER:mailto:theo@riverside.example\r\nATTENDEE:mailto:james@example.com\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_front_desk_books_sends_the_link_and_imports(page, front_desk, therapist, clinic, tmp_path):
    if timezone.localtime().hour >= 23:
        pytest.skip("the booked visit must still be ahead today")
    therapist.first_name, therapist.last_name, therapist.email = (
        "Theo",
        "Hart",
        "theo@riverside.example",
    )
    therapist.save()
    maria = ClientFactory(clinic=clinic, legal_name="Maria Garcia", email="maria@example.com")
    ClientFactory(clinic=clinic, legal_name="James Silva", email="james@example.com")
    log_in(page, "fran")
    page.goto(f"/clients/{maria.public_id}/")
    page.get_by_role("link", name="Book appointment").click()
    page.get_by_label("Therapist").select_option(label="Theo Hart")
    page.get_by_label("Date and time").fill(f"{timezone.localdate().isoformat()}T23:30")
    page.get_by_label("Length (minutes)").fill("45")
    page.get_by_label("Send the intake link").check()
    page.get_by_label("Send by").select_option("email")
    page.get_by_role("button", name="Book appointment").click()
    page.get_by_text("Appointment booked and the intake link is on its way.").wait_for()
    row = page.locator("tr.appointment-row", has_text="Maria Garcia")
    assert "Link sent" in row.inner_text()
    assert "Theo Hart" in row.inner_text()
    screenshot(page, "appointments_day")

    path = tmp_path / "today.ics"
    path.write_text(ICS.format(day=timezone.localdate().strftime("%Y%m%d")), newline="")
    page.get_by_role("link", name="Import from your scheduler").click()
    page.get_by_label("Calendar file (.ics) or CSV").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("1 created · 0 updated · 0 unchanged · 0 skipped").wait_for()
    screenshot(page, "appointments_import")
    page.get_by_role("link", name="Today").first.click()
    names = page.locator("tr.appointment-row td:nth-child(2)").all_inner_texts()
    assert names == ["James Silva", "Maria Garcia"]  # 12:00, then 23:30
    assert Appointment.objects.count() == 2
