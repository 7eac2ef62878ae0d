from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from clients.models import Client
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

VALID = {
    "legal_name": "Ana  Lucia Torres",
    "preferred_name": "Lucy",
    "date_of_birth": "1985-04-12",
    "phone": "(617) 555-0101",
    "email": "ana@example.com",
    "preferred_language": "es",
    "physician_name": "Dr. Lang",
    "physician_fax": "617-555-0143",
}


def test_front_desk_creates_client_and_change_is_audited(client, front_desk):
    client.force_login(front_desk)
    response = client.post(reverse("clients:create"), VALID)
    created = Client.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("visits:client", args=[created.public_id])
    assert created.legal_name == "Ana Lucia Torres"
    assert created.phone == "+16175550101"
    assert created.clinic_id == front_desk.clinic_id
    assert created.created_by == front_desk
    event = AuditEvent.objects.get(action="create")
    assert (event.actor, event.object_id) == (front_desk, str(created.public_id))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "date_of_birth",
            (timezone.localdate() + timedelta(days=1)).isoformat(),
            "cannot be in the future",
        ),
        ("date_of_birth", "1850-01-01", "over 120"),
        ("date_of_birth", "not a date", "as YYYY-MM-DD"),
        ("phone", "12", "phone number"),
        ("phone", "", "Enter a phone number"),
        ("email", "ana@", "valid email"),
        ("legal_name", "   ", "Enter the client's legal name"),
    ],
)
def test_invalid_values_are_shown_next_to_their_field(client, front_desk, field, value, message):
    client.force_login(front_desk)
    response = client.post(reverse("clients:create"), {**VALID, field: value})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert message.lower() in " ".join(errors[field]).lower()
    assert not Client.objects.exists()


def test_same_name_and_birth_date_warns_until_confirmed(client, front_desk, clinic):
    ClientFactory(clinic=clinic, legal_name="Ana Lucia Torres", date_of_birth=date(1985, 4, 12))
    client.force_login(front_desk)
    response = client.post(reverse("clients:create"), VALID)
    assert response.status_code == 422
    assert "already exists" in response.content.decode()
    assert Client.objects.count() == 1
    response = client.post(reverse("clients:create"), {**VALID, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Client.objects.count() == 2


def test_duplicate_check_ignores_other_clinics(client, front_desk, other_clinic):
    ClientFactory(
        clinic=other_clinic, legal_name="Ana Lucia Torres", date_of_birth=date(1985, 4, 12)
    )
    client.force_login(front_desk)
    assert client.post(reverse("clients:create"), VALID).status_code == 302


def test_edit_records_changed_field_names_not_values(client, front_desk, a_client):
    client.force_login(front_desk)
    data = {
        **VALID,
        "legal_name": a_client.legal_name,
        "date_of_birth": a_client.date_of_birth,
        "version": a_client.version,
    }
    response = client.post(reverse("clients:edit", args=[a_client.public_id]), data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="update")
    assert "email" in event.detail
    assert "ana@example.com" not in event.detail
    a_client.refresh_from_db()
    assert a_client.updated_by == front_desk


def test_viewing_a_client_is_audited(client, therapist, a_client):
    client.force_login(therapist)
    assert client.get(reverse("visits:client", args=[a_client.public_id])).status_code == 200
    assert AuditEvent.objects.filter(action="view", actor=therapist).count() == 1


def test_archive_hides_client_but_keeps_record(client, front_desk, a_client):
    client.force_login(front_desk)
    client.post(reverse("clients:archive", args=[a_client.public_id]), follow=True)
    a_client.refresh_from_db()
    assert a_client.is_archived
    response = client.get(reverse("clients:list"))
    assert a_client.legal_name not in response.content.decode()
    client.post(reverse("clients:list"), {"q": "Maria", "include_archived": "on"})
    assert a_client.legal_name in client.get(reverse("clients:list")).content.decode()


@pytest.mark.parametrize("query", ["garcia", "MARIA G", "5550042", "1979-03-02", "03/02/1979"])
def test_search_finds_by_name_phone_or_birth_date(client, front_desk, clinic, query):
    ClientFactory(
        clinic=clinic,
        legal_name="Maria Garcia",
        phone="+16175550042",
        date_of_birth=date(1979, 3, 2),
    )
    ClientFactory(
        clinic=clinic,
        legal_name="James Smith",
        phone="+16175559999",
        date_of_birth=date(1990, 1, 1),
    )
    client.force_login(front_desk)
    client.post(reverse("clients:list"), {"q": query})
    page = client.get(reverse("clients:list")).content.decode()
    assert "Maria Garcia" in page
    assert "James Smith" not in page


def test_search_terms_stay_out_of_the_url(client, front_desk):
    client.force_login(front_desk)
    response = client.post(reverse("clients:list"), {"q": "Maria"})
    assert response.url == reverse("clients:list")


@pytest.mark.parametrize("rows", [1, 500])
def test_client_list_query_count_is_bounded(
    client, front_desk, clinic, rows, django_assert_max_num_queries
):
    ClientFactory.create_batch(rows, clinic=clinic)
    client.force_login(front_desk)
    # session, user, roles, clinic, count, page
    with django_assert_max_num_queries(6):
        response = client.get(reverse("clients:list"), {"page": 2 if rows > 25 else 1})
    assert response.status_code == 200


def test_duplicate_warning_is_at_the_top_and_links_to_the_record(client, front_desk, clinic):
    existing = ClientFactory(
        clinic=clinic, legal_name="Ana Lucia Torres", date_of_birth=date(1985, 4, 12)
    )
    client.force_login(front_desk)
    html = client.post(reverse("clients:create"), VALID).content.decode()
    warning = html.index('id="duplicate-warning"')
    assert warning < html.index('name="legal_name"')
    link = reverse("visits:client", args=[existing.public_id])
    assert html.index(f'href="{link}"') > warning
    # The box to confirm is inside the warning, and no banner promises marked fields.
    assert warning < html.index('name="confirm_not_duplicate"') < html.index('name="legal_name"')
    assert "fields marked below" not in html
    assert 'id="form-errors"' not in html


def test_the_error_banner_names_the_fields_to_correct(client, front_desk):
    client.force_login(front_desk)
    html = client.post(reverse("clients:create"), {**VALID, "date_of_birth": "2999-01-01"})
    html = html.content.decode()
    banner = html[html.index('id="form-errors"') :]
    assert '<a href="#id_date_of_birth">Date of birth</a>' in banner[: banner.index("</div>")]
