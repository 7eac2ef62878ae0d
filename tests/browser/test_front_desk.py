import pytest

from clients.models import Client
from tests.browser.conftest import log_in, screenshot
from tests.factories import ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_desk_creates_a_client_and_finds_them(page, front_desk, clinic):
    ClientFactory.create_batch(3, clinic=clinic)
    log_in(page, "fran")
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="New client").click()
    page.get_by_label("Legal name").fill("Ana Lucia Torres")
    page.get_by_label("Preferred name").fill("Lucy")
    page.get_by_label("Date of birth").fill("1985-04-12")
    page.locator("#id_phone").fill("(617) 555-0101")
    page.locator("#id_email").fill("ana@example.com")
    page.get_by_label("Primary physician").fill("Dr. Rebecca Lang")
    screenshot(page, "front_desk_new_client")
    page.get_by_role("button", name="Save client").click()
    page.get_by_text("Ana Lucia Torres (Lucy) was added.").wait_for()
    assert Client.objects.filter(legal_name="Ana Lucia Torres", clinic=clinic).exists()

    page.get_by_role("link", name="Clients").click()
    page.get_by_label("Search clients").fill("torres")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert "Ana Lucia Torres" in rows.first.inner_text()
    assert "torres" not in page.url
    screenshot(page, "front_desk_search")


def test_wrong_values_are_shown_next_to_their_fields(page, front_desk):
    log_in(page, "fran")
    page.goto("/clients/new/")
    page.get_by_label("Legal name").fill("Ana Torres")
    page.get_by_label("Date of birth").fill("2999-01-01")
    page.locator("#id_phone").fill("12")
    page.get_by_role("button", name="Save client").click()
    assert page.locator("#id_date_of_birth.is-invalid").count() == 1
    assert "cannot be in the future" in page.locator("#error_1_id_date_of_birth").inner_text()
    assert page.locator("#id_phone.is-invalid").count() == 1
    assert page.get_by_label("Legal name").input_value() == "Ana Torres"
    screenshot(page, "front_desk_client_errors")


def test_front_desk_is_refused_the_admin(page, front_desk):
    log_in(page, "fran")
    response = page.goto("/admin/")
    assert response.status == 403
