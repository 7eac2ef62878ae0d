"""Appointments: booking, the front desk's day, the therapist's own list, the screening that
attaches to the visit."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEvent
from intake.models import Intake
from previsit.models import PrevisitLink
from review.models import Screening
from tests.factories import (
    AppointmentFactory,
    ClientFactory,
    IntakeFactory,
    UserFactory,
    complete_answers,
    drawn_submission,
)
from visits.models import Appointment
from visits.services import (
    AppointmentError,
    cancel_appointment,
    create_appointment,
    submit_and_screen,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)  # 09:00 in the clinic (America/New_York)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=True):
        yield


def at(hour, minute=0, days=0):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _book(a_client, therapist, front_desk, **kwargs):
    return create_appointment(
        client=a_client, therapist=therapist, starts_at=kwargs.pop("starts_at", at(15)),
        duration_minutes=kwargs.pop("duration_minutes", 60), created_by=front_desk, **kwargs,
    )  # fmt: skip


def _submit(intake):
    return submit_and_screen(intake_id=intake.pk, **drawn_submission())


# --- Booking ----------------------------------------------------------------------------------


def test_booking_is_audited_and_needs_a_therapist_of_the_clinic(
    a_client, therapist, front_desk, other_clinic_staff
):
    appointment = _book(a_client, therapist, front_desk)
    assert AuditEvent.objects.filter(
        object_id=str(appointment.public_id), action="create", detail="appointment created"
    ).exists()
    for who in (front_desk, other_clinic_staff):
        with pytest.raises(AppointmentError) as error:
            _book(a_client, who, front_desk)
        assert error.value.code == "not_therapist"
    with pytest.raises(AppointmentError) as error:
        _book(a_client, therapist, front_desk, duration_minutes=0)
    assert error.value.code == "bad_duration"


def test_the_database_refuses_a_length_of_zero_and_a_uid_twice(clinic, a_client, therapist):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(clinic=clinic, client=a_client, therapist=therapist, duration_minutes=0)
    AppointmentFactory(clinic=clinic, client=a_client, therapist=therapist, source="csv",
                       external_uid="A1")  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(clinic=clinic, client=a_client, therapist=therapist, source="csv",
                           external_uid="A1")  # fmt: skip


def test_booking_can_send_the_intake_link_for_the_visit(a_client, therapist, front_desk):
    appointment = _book(a_client, therapist, front_desk, starts_at=at(10, days=1),
                        send_link=True)  # fmt: skip
    link = PrevisitLink.objects.get(client=a_client)
    assert link.visit_at == appointment.starts_at
    assert appointment.intake_id == link.intake_id
    assert len(mail.outbox) == 1


def test_the_booking_page_books_and_refuses_bad_input_with_400(
    client, a_client, therapist, front_desk
):
    client.force_login(front_desk)
    url = reverse("visits:appointment_new", args=[a_client.public_id])
    assert "Book an appointment" in client.get(url).text
    bad = client.post(url, {"therapist": "nonsense", "starts_at": "yesterday"})
    assert bad.status_code == 400
    assert not Appointment.objects.exists()
    good = client.post(url, {"therapist": therapist.pk, "starts_at": "2026-12-02T15:30",
                             "duration_minutes": 45})  # fmt: skip
    assert good.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at == at(15, 30)
    assert appointment.duration_minutes == 45


def test_a_therapist_cannot_book_and_another_clinic_gets_404(
    client, a_client, therapist, other_clinic
):
    url = reverse("visits:appointment_new", args=[a_client.public_id])
    client.force_login(therapist)
    assert client.get(url).status_code == 403
    stranger = UserFactory(clinic=other_clinic, role=Role.OWNER)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    appointment = AppointmentFactory(clinic=a_client.clinic, client=a_client, therapist=therapist)
    for name in ("visits:appointment_send_link", "visits:appointment_cancel"):
        assert client.post(reverse(name, args=[appointment.public_id])).status_code == 404
    appointment.refresh_from_db()
    assert appointment.cancelled_at is None


def test_cancel_twice_is_one_change(a_client, therapist, front_desk, client):
    appointment = _book(a_client, therapist, front_desk)
    client.force_login(front_desk)
    url = reverse("visits:appointment_cancel", args=[appointment.public_id])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    appointment.refresh_from_db()
    assert appointment.cancelled_at is not None
    assert AuditEvent.objects.filter(detail="appointment cancelled").count() == 1
    cancel_appointment(appointment=appointment, cancelled_by=front_desk)
    assert AuditEvent.objects.filter(detail="appointment cancelled").count() == 1


# --- The screening attaches to the appointment -------------------------------------------------


def test_a_submitted_intake_attaches_its_screening_to_the_days_appointment(
    clinic, a_client, therapist, front_desk, ruleset
):
    tomorrow = _book(a_client, therapist, front_desk, starts_at=at(11, days=1))
    today = _book(a_client, therapist, front_desk, starts_at=at(16))
    intake = IntakeFactory(clinic=clinic, client=a_client, answers=complete_answers())
    _submit(intake)
    today.refresh_from_db()
    tomorrow.refresh_from_db()
    assert today.screening == Screening.objects.get(intake=intake)
    assert today.intake_id == intake.pk
    assert tomorrow.screening is None
    _submit(intake)  # a double tap attaches nothing twice
    assert Appointment.objects.filter(screening__isnull=False).count() == 1


def test_an_intake_sent_for_an_appointment_attaches_to_that_one(
    clinic, a_client, therapist, front_desk, ruleset
):
    later = _book(a_client, therapist, front_desk, starts_at=at(10, days=1), send_link=True)
    _book(a_client, therapist, front_desk, starts_at=at(17))  # today's: not this intake's
    Intake.objects.filter(pk=later.intake_id).update(answers=complete_answers())
    _submit(later.intake)
    later.refresh_from_db()
    assert later.screening is not None
    assert later.screening.intake_id == later.intake_id


def test_an_appointment_booked_after_the_intake_gets_its_screening(
    clinic, a_client, therapist, front_desk, ruleset
):
    intake = IntakeFactory(clinic=clinic, client=a_client, answers=complete_answers())
    _submit(intake)
    appointment = _book(a_client, therapist, front_desk, starts_at=at(12))
    assert appointment.screening == Screening.objects.get(intake=intake)


# --- The front desk's day ---------------------------------------------------------------------


def _rows(html, marker='class="appointment-row'):
    return html.count(marker)


def test_the_day_lists_todays_appointments_in_time_order_with_intake_state(
    client, clinic, front_desk, therapist, ruleset
):
    late = ClientFactory(clinic=clinic, legal_name="Zed Late")
    early = ClientFactory(clinic=clinic, legal_name="Abe Early")
    linked = ClientFactory(clinic=clinic, legal_name="Lin Linked")
    done = ClientFactory(clinic=clinic, legal_name="Dee Done")
    _book(late, therapist, front_desk, starts_at=at(17))
    _book(early, therapist, front_desk, starts_at=at(9, 30))
    _book(linked, therapist, front_desk, starts_at=at(13), send_link=True)
    intake = IntakeFactory(clinic=clinic, client=done, answers=complete_answers())
    _submit(intake)
    _book(done, therapist, front_desk, starts_at=at(11))
    _book(ClientFactory(clinic=clinic, legal_name="Tom Tomorrow"), therapist, front_desk,
          starts_at=at(10, days=1))  # fmt: skip
    walk_in = IntakeFactory(
        clinic=clinic, client=ClientFactory(clinic=clinic, legal_name="Wally W")
    )
    client.force_login(front_desk)
    html = client.get(reverse("visits:today")).text
    table, unbooked = html.split('id="unbooked"')
    names = ["Abe Early", "Dee Done", "Lin Linked", "Zed Late"]
    assert [table.index(n) for n in names] == sorted(table.index(n) for n in names)
    assert "Tom Tomorrow" not in html
    assert 'data-intake-state="none"' in table
    assert table.count('data-intake-state="link_sent"') == 1
    assert table.count('data-intake-state="submitted"') == 1
    assert "Ready" in table
    assert walk_in.client.legal_name in unbooked
    assert "Dee Done" not in unbooked  # its intake is the appointment's


def test_a_draft_on_the_tablet_shows_as_in_progress(
    client, clinic, a_client, front_desk, therapist
):
    _book(a_client, therapist, front_desk, starts_at=at(14))
    IntakeFactory(clinic=clinic, client=a_client)
    client.force_login(front_desk)
    html = client.get(reverse("visits:today")).text
    assert 'data-intake-state="in_progress"' in html
    assert "Intake in progress" in html


def test_the_day_shows_only_own_clinic(client, front_desk, other_clinic):
    stranger = ClientFactory(clinic=other_clinic, legal_name="Hillside Person")
    AppointmentFactory(clinic=other_clinic, client=stranger, starts_at=at(12))
    client.force_login(front_desk)
    assert "Hillside Person" not in client.get(reverse("visits:today")).text


def test_the_days_query_count_is_bounded(
    client, clinic, front_desk, therapist, ruleset, django_assert_max_num_queries
):
    for hour in range(9, 19):
        person = ClientFactory(clinic=clinic)
        _book(person, therapist, front_desk, starts_at=at(hour), send_link=hour % 2 == 0)
        if hour in (9, 11, 15):
            _submit(IntakeFactory(clinic=clinic, client=person, answers=complete_answers()))
    for _ in range(5):
        IntakeFactory(clinic=clinic)
    client.force_login(front_desk)
    # 7, plus the clinic's enrolled tablets (one query; two when it has some).
    with django_assert_max_num_queries(8):
        html = client.get(reverse("visits:today")).text
    assert _rows(html) == 10
    assert _rows(html, 'class="intake-row"') == 5


def test_each_row_has_its_actions_and_a_therapist_sees_none(
    client, a_client, front_desk, therapist
):
    _book(a_client, therapist, front_desk, starts_at=at(14))
    client.force_login(front_desk)
    html = client.get(reverse("visits:today")).text
    assert "Start intake on tablet" in html
    assert "Send link" in html
    client.force_login(therapist)
    html = client.get(reverse("visits:today")).text
    assert a_client.legal_name in html
    assert "Start intake on tablet" not in html


def test_send_link_from_the_day(client, a_client, front_desk, therapist):
    appointment = _book(a_client, therapist, front_desk, starts_at=at(14))
    client.force_login(front_desk)
    url = reverse("visits:appointment_send_link", args=[appointment.public_id])
    assert client.post(url).status_code == 302
    appointment.refresh_from_db()
    assert appointment.intake is not None
    assert 'data-intake-state="link_sent"' in client.get(reverse("visits:today")).text
    assert client.get(url).status_code == 405


# --- The therapist's own list ------------------------------------------------------------------


def test_a_therapist_sees_only_their_own_appointments(
    client, clinic, front_desk, therapist, ruleset, django_assert_max_num_queries
):
    other = UserFactory(clinic=clinic, role=Role.THERAPIST)
    mine = ClientFactory(clinic=clinic, legal_name="Mina Mine")
    theirs = ClientFactory(clinic=clinic, legal_name="Otto Other")
    _submit(IntakeFactory(clinic=clinic, client=mine, answers=complete_answers()))
    _book(mine, therapist, front_desk, starts_at=at(10))
    _book(theirs, other, front_desk, starts_at=at(11))
    client.force_login(therapist)
    with django_assert_max_num_queries(7):
        html = client.get(reverse("visits:mine")).text
    assert "Mina Mine" in html
    assert "Otto Other" not in html
    screening = Screening.objects.get(client=mine)
    assert reverse("review:screening", args=[screening.public_id]) in html
    client.force_login(front_desk)
    assert client.get(reverse("visits:mine")).status_code == 403


def test_a_double_tap_books_once_and_answers_400(client, a_client, therapist, front_desk):
    client.force_login(front_desk)
    url = reverse("visits:appointment_new", args=[a_client.public_id])
    data = {"therapist": therapist.pk, "starts_at": "2026-12-02T15:30", "duration_minutes": 60}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400
    assert "already booked" in again.text
    assert Appointment.objects.count() == 1


def test_the_client_page_lists_upcoming_appointments(client, a_client, therapist, front_desk):
    _book(a_client, therapist, front_desk, starts_at=at(15))
    _book(a_client, therapist, front_desk, starts_at=at(9, days=-1))  # yesterday: not listed
    client.force_login(front_desk)
    html = client.get(reverse("visits:client", args=[a_client.public_id])).text
    assert html.count("60 min with") == 1
    assert reverse("visits:appointment_new", args=[a_client.public_id]) in html
    client.force_login(therapist)
    html = client.get(reverse("visits:client", args=[a_client.public_id])).text
    assert "60 min with" in html
    assert reverse("visits:appointment_new", args=[a_client.public_id]) not in html


def test_send_link_goes_by_sms_when_the_client_has_no_email(clinic, therapist, front_desk):
    no_email = ClientFactory(clinic=clinic, email="")
    appointment = _book(no_email, therapist, front_desk, starts_at=at(16), send_link=True)
    assert PrevisitLink.objects.get(intake=appointment.intake).channel == "sms"


def test_an_archived_client_cannot_be_booked(a_client, therapist, front_desk, owner):
    from clients.services import archive_client

    archive_client(client=a_client, archived_by=owner)
    with pytest.raises(AppointmentError) as error:
        _book(a_client, therapist, front_desk)
    assert error.value.code == "client_archived"
