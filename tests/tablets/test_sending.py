"""Front desk send an intake to a tablet from their own computer; the tablet opens it in the
kiosk, confined to it exactly as a handed-over tablet, and returns to waiting afterwards."""

import time

import pytest
from django.test import Client as Browser
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEvent
from intake.kiosk import SESSION_KEY
from intake.models import Intake
from tablets.models import Assignment
from tests.factories import AppointmentFactory, ClientFactory, UserFactory
from tests.tablets.helpers import enrolled_browser, send, submit_on_tablet

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(front_desk):
    browser = Browser()
    browser.force_login(front_desk)
    return browser


@pytest.fixture
def tablet_pair(clinic, owner):
    return enrolled_browser(clinic, owner)


def _picked_up(desk, device, tablet, client_record):
    send(desk, client_record, tablet)
    assert device.get(reverse("tablet:poll")).json() == {"state": "ready"}
    response = device.post(reverse("tablet:start"))
    assert response.url == reverse("kiosk:home")
    return Assignment.objects.get(tablet=tablet, closed_at__isnull=True)


def test_the_client_page_offers_each_enrolled_tablet(desk, tablet_pair, a_client):
    html = desk.get(reverse("visits:client", args=[a_client.public_id])).content.decode()
    assert "Send to tablet: Front room tablet" in html
    # Today's hand-over stays beside it.
    assert reverse("intake:hand_over", args=[a_client.public_id]) in html


def test_without_a_tablet_the_client_page_keeps_todays_hand_over(desk, a_client):
    html = desk.get(reverse("visits:client", args=[a_client.public_id])).content.decode()
    assert "Send to tablet" not in html
    assert reverse("intake:hand_over", args=[a_client.public_id]) in html


def test_sending_starts_the_intake_and_keeps_front_desk_logged_in(
    desk, tablet_pair, a_client, front_desk
):
    device, tablet = tablet_pair
    assert device.get(reverse("tablet:poll")).json() == {"state": "waiting"}
    page = send(desk, a_client, tablet)
    assert "Sent to “Front room tablet”" in page.content.decode()
    intake = Intake.objects.get(client=a_client, status="draft")
    assignment = Assignment.objects.get(tablet=tablet)
    assert assignment.intake == intake
    assert assignment.assigned_by == front_desk
    assert int(desk.session["_auth_user_id"]) == front_desk.pk
    assert AuditEvent.objects.filter(
        actor=front_desk, object_type="intake.Intake", detail__startswith="intake sent to tablet"
    ).exists()
    assert device.get(reverse("tablet:poll")).json() == {"state": "ready"}
    # The panel now says where the intake is, and offers to take it back.
    assert "Take back from “Front room tablet”" in page.content.decode()


def test_the_tablet_picks_it_up_once_and_shows_only_that_client(desk, tablet_pair, a_client):
    device, tablet = tablet_pair
    assignment = _picked_up(desk, device, tablet, a_client)
    assert assignment.picked_up_at is not None
    home = device.get(reverse("kiosk:home"))
    assert home.status_code == 200
    assert "Maria" in home.content.decode()
    assert "_auth_user_id" not in device.session
    assert AuditEvent.objects.filter(detail__startswith="intake opened on tablet").count() == 1
    assert device.get(reverse("tablet:poll")).url == reverse("kiosk:home")


@pytest.mark.parametrize(
    "path",
    ["/clients/", "/intake/today/", "/admin/", "/accounts/login/", "/tablets/", "/kiosk/staff/"],
)
def test_in_the_intake_the_tablet_reaches_nothing_else(desk, tablet_pair, a_client, path):
    device, tablet = tablet_pair
    _picked_up(desk, device, tablet, a_client)
    assert device.get(path).url == reverse("kiosk:home")


def test_a_tablet_cannot_log_staff_in_nor_take_itself_back(desk, tablet_pair, a_client, front_desk):
    device, tablet = tablet_pair
    login = device.post(
        reverse("accounts:login"), {"username": "fran", "password": "correct horse battery staple"}
    )
    assert login.url == reverse("tablet:waiting")
    _picked_up(desk, device, tablet, a_client)
    back = device.post(
        reverse("kiosk:staff"), {"username": "fran", "password": "correct horse battery staple"}
    )
    assert back.url == reverse("kiosk:home")
    assert "_auth_user_id" not in device.session


def test_after_submit_the_tablet_returns_to_waiting(desk, tablet_pair, a_client, ruleset):
    device, tablet = tablet_pair
    assignment = _picked_up(desk, device, tablet, a_client)
    assert submit_on_tablet(device, a_client).url == reverse("kiosk:done")
    assignment.refresh_from_db()
    assert assignment.closed_reason == Assignment.Closed.COMPLETED  # at once, for front desk
    done = device.get(reverse("kiosk:done"))
    assert done.url == reverse("tablet:waiting") + "?sent=1"
    waiting = device.get(done.url).content.decode()
    assert "Your answers have been sent" in waiting
    assert "Waiting for the next client" in waiting
    assert "Staff: take the tablet back" not in waiting
    assert SESSION_KEY not in device.session
    assignment.refresh_from_db()
    assert assignment.closed_reason == Assignment.Closed.COMPLETED
    assert Intake.objects.get(client=a_client).is_submitted
    assert device.get(reverse("tablet:poll")).json() == {"state": "waiting"}
    # Back to the intake: nothing there any more.
    assert device.get(reverse("kiosk:section", args=["about_you"])).url == reverse("tablet:waiting")


def test_the_next_client_can_follow(desk, tablet_pair, a_client, clinic, ruleset):
    device, tablet = tablet_pair
    _picked_up(desk, device, tablet, a_client)
    submit_on_tablet(device, a_client)
    device.get(reverse("kiosk:done"))
    second = ClientFactory(clinic=clinic, legal_name="Aisha Khan")
    _picked_up(desk, device, tablet, second)
    assert "Aisha" in device.get(reverse("kiosk:home")).content.decode()


def test_a_busy_tablet_says_so(desk, tablet_pair, a_client, clinic):
    _device, tablet = tablet_pair
    send(desk, a_client, tablet)
    other = ClientFactory(clinic=clinic)
    page = send(desk, other, tablet)
    assert page.status_code == 200
    assert "busy with another client" in page.content.decode()
    assert not Intake.objects.filter(client=other).exists()
    assert Assignment.objects.count() == 1


def test_a_double_tap_on_send_sends_once(desk, tablet_pair, a_client):
    _device, tablet = tablet_pair
    send(desk, a_client, tablet)
    again = send(desk, a_client, tablet)
    assert "already on “Front room tablet”" in again.content.decode()
    assert Assignment.objects.count() == 1
    assert Intake.objects.filter(client=a_client).count() == 1


def test_one_intake_is_on_one_tablet_only(desk, tablet_pair, a_client, clinic, owner):
    _device, tablet = tablet_pair
    _second_device, second = enrolled_browser(clinic, owner, name="Back room")
    send(desk, a_client, tablet)
    page = send(desk, a_client, second)
    assert "already on “Front room tablet”" in page.content.decode()
    assert Assignment.objects.filter(closed_at__isnull=True).count() == 1


@pytest.mark.parametrize("value", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_malformed_tablet_choice_is_refused_calmly(desk, tablet_pair, a_client, value):
    response = desk.post(reverse("tablets:send", args=[a_client.public_id]), {"tablet": value})
    assert response.status_code == 302
    assert Assignment.objects.count() == 0


def test_another_clinic_cannot_send_to_our_tablet(tablet_pair, a_client, other_clinic):
    _device, tablet = tablet_pair
    stranger = Browser()
    stranger.force_login(UserFactory(clinic=other_clinic, role=Role.FRONT_DESK))
    theirs = ClientFactory(clinic=other_clinic)
    # Our client: 404. Their own client onto our tablet: refused, nothing sent.
    assert send(stranger, a_client, tablet).status_code == 404
    page = send(stranger, theirs, tablet)
    assert "Choose one of this clinic" in page.content.decode()
    assert Assignment.objects.count() == 0


def test_staff_take_the_intake_back_and_the_tablet_waits_again(
    desk, tablet_pair, a_client, front_desk
):
    device, tablet = tablet_pair
    assignment = _picked_up(desk, device, tablet, a_client)
    response = desk.post(reverse("tablets:take_back", args=[tablet.public_id]))
    assert response.url == reverse("visits:client", args=[a_client.public_id])
    assert device.get(reverse("kiosk:home")).url == reverse("tablet:waiting")
    assert SESSION_KEY not in device.session
    assignment.refresh_from_db()
    assert assignment.closed_reason == Assignment.Closed.CANCELLED
    assert assignment.closed_by == front_desk
    assert Intake.objects.get(client=a_client).is_draft  # the answers so far are kept
    assert AuditEvent.objects.filter(
        actor=front_desk, detail__startswith="intake taken back from tablet"
    ).exists()
    assert device.get(reverse("tablet:poll")).json() == {"state": "waiting"}


def test_an_idle_tablet_returns_to_waiting_and_does_not_reopen_it(
    desk, tablet_pair, a_client, settings
):
    device, tablet = tablet_pair
    assignment = _picked_up(desk, device, tablet, a_client)
    session = device.session
    session[SESSION_KEY]["seen"] = time.time() - settings.KIOSK_IDLE_SECONDS - 5
    session.save()
    assert device.get(reverse("kiosk:home")).url == reverse("kiosk:ended")
    assert device.get(reverse("kiosk:ended")).url == reverse("tablet:waiting")
    assert device.get(reverse("tablet:waiting")).status_code == 200
    assignment.refresh_from_db()
    assert assignment.closed_reason == Assignment.Closed.ENDED
    assert device.get(reverse("tablet:poll")).json() == {"state": "waiting"}


def test_revoking_during_an_intake_ends_it(client, desk, tablet_pair, a_client, owner):
    device, tablet = tablet_pair
    _picked_up(desk, device, tablet, a_client)
    client.force_login(owner)
    client.post(reverse("tablets:revoke", args=[tablet.public_id]))
    assert device.get(reverse("kiosk:home")).url == reverse("tablet:not_enrolled")
    assert SESSION_KEY not in device.session
    assert Assignment.objects.get().closed_reason == Assignment.Closed.REVOKED


def test_a_handed_over_tablet_works_as_before(client, front_desk, a_client, tablet_pair):
    client.force_login(front_desk)
    assert client.post(reverse("intake:hand_over", args=[a_client.public_id])).url == reverse(
        "kiosk:home"
    )
    assert "Maria" in client.get(reverse("kiosk:home")).content.decode()
    assert client.get(reverse("tablet:waiting")).url == reverse("kiosk:home")


@pytest.mark.parametrize("role", ["therapist", "owner"])
def test_every_staff_role_may_send(request, tablet_pair, a_client, role):
    _device, tablet = tablet_pair
    browser = Browser()
    browser.force_login(request.getfixturevalue(role))
    assert "Sent to “Front room tablet”" in send(browser, a_client, tablet).content.decode()


def test_a_hand_over_elsewhere_sends_the_tablet_back_to_waiting(
    client, desk, tablet_pair, a_client, front_desk
):
    device, tablet = tablet_pair
    _picked_up(desk, device, tablet, a_client)
    client.force_login(front_desk)
    client.post(reverse("intake:hand_over", args=[a_client.public_id]))  # a new kiosk token
    assert device.get(reverse("kiosk:home")).url == reverse("tablet:waiting")
    assert "Maria" in client.get(reverse("kiosk:home")).content.decode()


def test_a_poll_costs_one_query_for_the_tablet_and_one_for_its_assignment(
    tablet_pair, django_assert_num_queries
):
    device, _tablet = tablet_pair
    device.get(reverse("tablet:poll"))  # "last seen" was just written
    with django_assert_num_queries(2):
        assert device.get(reverse("tablet:poll")).json() == {"state": "waiting"}


def test_the_day_view_sends_a_booked_client_to_a_tablet_and_comes_back_to_the_day(
    desk, tablet_pair, a_client
):
    device, tablet = tablet_pair
    AppointmentFactory(clinic=a_client.clinic, client=a_client)
    day = desk.get(reverse("visits:today")).content.decode()
    assert "Send to Front room tablet" in day
    response = desk.post(
        reverse("tablets:send", args=[a_client.public_id]),
        {"tablet": str(tablet.public_id), "from": "today"},
    )
    assert response.status_code == 302
    assert response.url == reverse("visits:today")
    assert Assignment.objects.get(tablet=tablet, closed_at__isnull=True).intake.client == a_client
    day = desk.get(reverse("visits:today")).content.decode()
    assert "On “Front room tablet”" in day
    assert device.get(reverse("tablet:poll")).json() == {"state": "ready"}
