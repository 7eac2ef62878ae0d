"""The intake link: issue, open, identity check, confinement, closing, reminders, delivery."""

import io
import logging
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from intake.kiosk import SESSION_KEY as KIOSK_KEY
from intake.models import Intake
from previsit import services, tokens
from previsit.logging import HideLinkTokens
from previsit.models import Delivery, PrevisitLink
from tests.factories import ConsentTextFactory
from tests.previsit.helpers import last_code, open_and_verify, send, token_from

pytestmark = pytest.mark.django_db


def _events(link):
    return list(
        AuditEvent.objects.filter(object_id=str(link.public_id))
        .order_by("id")
        .values_list("detail", flat=True)
    )


def test_the_token_is_long_random_and_stored_only_as_a_hash(a_client, front_desk):
    issued = send(a_client, by=front_desk)
    link = PrevisitLink.objects.get()
    assert len(tokens.token_hash(issued.token)) == 64
    assert len(issued.token) >= 43  # 256 bits in URL-safe base64
    assert link.token_hash == tokens.token_hash(issued.token)
    row = PrevisitLink.objects.filter(pk=link.pk).values().get()
    assert issued.token not in str(row)
    assert services.find_link(issued.token) == link
    other_last = "B" if issued.token.endswith("A") else "A"  # one character off, never the same
    assert services.find_link(issued.token[:-1] + other_last) is None


def test_the_email_is_multipart_names_clinic_and_visit_and_nothing_about_health(
    a_client, front_desk, clinic
):
    clinic.reply_to_email = "desk@riverside.example"
    clinic.save()
    issued = send(a_client, by=front_desk)
    [message] = mail.outbox
    assert message.to == [a_client.email]
    assert message.reply_to == ["desk@riverside.example"]
    assert message.from_email.startswith(
        '"Riverside Massage Clinic"'
    ) or message.from_email.startswith("Riverside Massage Clinic")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    for text in (message.subject, message.body, html):
        assert "Riverside Massage Clinic" in text
        lowered = text.lower()
        assert "health" not in lowered
        assert "medical" not in lowered
        assert a_client.legal_name.split()[0] not in text
    assert token_from(message.body) == issued.token
    visit = timezone.localtime(PrevisitLink.objects.get().visit_at)
    assert f"{visit:%B} {visit.day}" in message.body
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_opening_redirects_to_a_tokenless_page_that_shows_nothing_of_the_client(
    client, a_client, front_desk
):
    issued = send(a_client, by=front_desk)
    response = client.get(f"/p/{issued.token}/")
    assert response.status_code == 302
    assert response.url == reverse("previsit:verify")
    assert "no-store" in response["Cache-Control"]
    page = client.get(response.url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    assert "script-src 'self'" in page["Content-Security-Policy"]
    content = page.content.decode()
    assert a_client.legal_name not in content
    assert a_client.legal_name.split()[0] not in content
    assert issued.token not in str(dict(client.session))
    assert "previsit link opened" in _events(PrevisitLink.objects.get())


def test_date_of_birth_and_code_open_the_clients_own_intake_only(client, a_client, front_desk):
    issued = send(a_client, by=front_desk)
    client.get(f"/p/{issued.token}/")
    # The code page is not reachable before the date of birth.
    assert client.get("/p/code/").url == reverse("previsit:verify")
    response = client.post("/p/verify/", {"date_of_birth": a_client.date_of_birth.isoformat()})
    assert response.url == reverse("previsit:code")
    assert "code" in mail.outbox[-1].subject
    response = client.post("/p/code/", {"code": last_code()})
    assert response.url == reverse("kiosk:home")
    home = client.get(reverse("kiosk:home"))
    assert a_client.legal_name.split()[0] in home.content.decode()
    assert home["Referrer-Policy"] == "no-referrer"
    state = client.session[KIOSK_KEY]
    assert state["remote"] == PrevisitLink.objects.get().pk
    # Confined: staff pages and the tablet's take-back page send the phone back.
    for url in (
        reverse("visits:client", args=[a_client.public_id]),
        reverse("kiosk:staff"),
        reverse("clients:list"),
        reverse("previsit:verify"),
    ):
        assert client.get(url).url == reverse("kiosk:home"), url
    assert "previsit identity confirmed" in _events(PrevisitLink.objects.get())


def test_a_clinic_may_ask_for_the_date_of_birth_alone(client, a_client, front_desk, clinic):
    clinic.previsit_identity = "dob"
    clinic.save()
    issued = send(a_client, by=front_desk)
    client.get(f"/p/{issued.token}/")
    response = client.post("/p/verify/", {"date_of_birth": a_client.date_of_birth.isoformat()})
    assert response.url == reverse("kiosk:home")
    assert len(mail.outbox) == 1  # no code was sent


def test_five_wrong_answers_lock_the_link_and_tell_front_desk(client, a_client, front_desk, clinic):
    issued = send(a_client, by=front_desk)
    client.get(f"/p/{issued.token}/")
    wrong = a_client.date_of_birth.replace(year=a_client.date_of_birth.year - 1).isoformat()
    for _attempt in range(2):
        page = client.post("/p/verify/", {"date_of_birth": wrong})
        assert page.status_code == 200
        assert b"does not match" in page.content
    client.post("/p/verify/", {"date_of_birth": a_client.date_of_birth.isoformat()})
    for _attempt in range(2):
        assert client.post("/p/code/", {"code": "000000x"}).status_code == 200
    response = client.post("/p/code/", {"code": "12"})
    assert response.url == reverse("previsit:closed") + "?why=locked"
    assert b"too many wrong answers" in client.get(response.url).content
    link = PrevisitLink.objects.get()
    assert link.locked_at is not None
    assert link.failed_checks == 5
    # Even the right answers no longer open it.
    assert client.get(f"/p/{issued.token}/").url.endswith("?why=locked")
    client.force_login(front_desk)
    page = client.get(reverse("visits:client", args=[a_client.public_id])).content.decode()
    assert "Link locked" in page
    events = _events(link)
    assert events.count("previsit identity check failed (date of birth)") == 2
    assert events.count("previsit identity check failed (code)") == 3
    assert "previsit link locked" in events


def test_resending_ends_the_previous_link_even_mid_intake(client, a_client, front_desk):
    first = send(a_client, by=front_desk)
    open_and_verify(client, first.token, a_client)
    second = send(a_client, by=front_desk)
    assert client.get(reverse("kiosk:home")).url == reverse("previsit:closed") + "?why=replaced"
    assert KIOSK_KEY not in client.session
    assert client.get(f"/p/{first.token}/").url.endswith("?why=replaced")
    assert client.get(f"/p/{second.token}/").url == reverse("previsit:verify")
    # Both links lead to the same draft: nothing typed on the first is lost.
    assert Intake.objects.filter(client=a_client).count() == 1


def test_revoked_expired_unknown_and_used_links_each_end_on_a_clear_page(
    client, a_client, front_desk
):
    issued = send(a_client, by=front_desk)
    services.revoke_link(link=PrevisitLink.objects.get(), revoked_by=front_desk)
    response = client.get(f"/p/{issued.token}/")
    assert b"no longer works" in client.get(response.url).content
    page = client.get("/p/" + "x" * 43 + "/")
    assert page.status_code == 404
    assert b"does not work" in page.content

    issued = send(a_client, by=front_desk)
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        response = client.get(f"/p/{issued.token}/")
        assert b"has expired" in client.get(response.url).content

    issued = send(a_client, by=front_desk)
    Intake.objects.filter(client=a_client).update(
        status="submitted",
        submitted_at=timezone.now(),
        kiosk_token=None,
        consent=ConsentTextFactory(),
        signed_at=timezone.now(),
        signature_method="typed",
        signature_typed_name="Maria Garcia",
    )
    response = client.get(f"/p/{issued.token}/")
    assert b"already been sent" in client.get(response.url).content


def test_the_link_expiry_follows_the_clinic(a_client, front_desk, clinic):
    clinic.previsit_link_hours = 5
    clinic.save()
    a_client.refresh_from_db()
    send(a_client, by=front_desk)
    link = PrevisitLink.objects.get()
    assert link.expires_at - link.created_at == timedelta(hours=5)


def test_a_return_opens_at_the_section_where_the_client_stopped(client, a_client, front_desk):
    issued = send(a_client, by=front_desk)
    open_and_verify(client, issued.token, a_client)
    assert client.get(reverse("kiosk:section", args=["symptoms"])).status_code == 200
    assert PrevisitLink.objects.get().last_section == "symptoms"
    client.session.flush()
    other_device = client.__class__()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = open_and_verify(other_device, issued.token, a_client)
    assert response.url == reverse("kiosk:section", args=["symptoms"])


def test_an_idle_phone_session_ends_on_a_page_for_the_phone(client, a_client, front_desk, settings):
    issued = send(a_client, by=front_desk)
    open_and_verify(client, issued.token, a_client)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.KIOSK_IDLE_SECONDS + 5)):
        response = client.get(reverse("kiosk:home"))
    assert response.url == reverse("kiosk:ended") + "?remote=1"
    page = client.get(response.url).content.decode()
    assert "open the link in your message again" in page
    assert "Staff log in" not in page


def test_a_sms_link_goes_through_the_sms_backend(a_client, front_desk, settings, capsys):
    issued = send(a_client, by=front_desk, channel="sms")
    out = capsys.readouterr().out
    assert f"SMS to {a_client.phone}" in out
    assert token_from(out) == issued.token
    assert "Riverside Massage Clinic" in out
    assert mail.outbox == []


def test_a_send_that_keeps_failing_is_retried_then_shown_to_front_desk(
    client, a_client, front_desk, settings
):
    settings.SMS_BACKEND = "tests.previsit.test_links.BrokenSms"
    BrokenSms.calls = 0
    send(a_client, by=front_desk, channel="sms")
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 4
    assert BrokenSms.calls == 4
    assert delivery.error == "SmsError: HTTP 503"
    client.force_login(front_desk)
    page = client.get(reverse("visits:client", args=[a_client.public_id])).content.decode()
    assert "could not be sent" in page
    assert "HTTP 503" in page


class BrokenSms:
    calls = 0

    def send(self, *, to, body):
        from previsit.sms import SmsError

        BrokenSms.calls += 1
        raise SmsError("HTTP 503")


def test_reminders_go_once_however_often_the_command_runs(a_client, front_desk, clinic):
    send(a_client, by=front_desk, visit_in=timedelta(hours=30))
    out = io.StringIO()
    call_command("send_previsit_reminders", stdout=out)
    assert "0 reminder" in out.getvalue()  # not yet: the visit is 30 hours away
    with time_machine.travel(timezone.now() + timedelta(hours=7)):
        call_command("send_previsit_reminders", stdout=out)
        call_command("send_previsit_reminders", stdout=out)
    reminders = [
        m for m in mail.outbox if m.subject.startswith("Riverside") and "Reminder" in m.body
    ]
    assert len(reminders) == 1
    assert Delivery.objects.filter(kind=Delivery.Kind.REMINDER).count() == 1


def test_no_reminder_for_a_completed_or_revoked_link(a_client, front_desk):
    send(a_client, by=front_desk, visit_in=timedelta(hours=3))
    services.revoke_link(link=PrevisitLink.objects.get(), revoked_by=front_desk)
    call_command("send_previsit_reminders", stdout=io.StringIO())
    assert not Delivery.objects.filter(kind=Delivery.Kind.REMINDER).exists()


def test_front_desk_send_and_revoke_from_the_client_page(client, a_client, front_desk):
    client.force_login(front_desk)
    visit = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("previsit:send", args=[a_client.public_id]), {"channel": "both", "visit_at": visit}
    )
    assert response.url == reverse("visits:client", args=[a_client.public_id])
    link = PrevisitLink.objects.get()
    assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["email", "sms"]
    page = client.get(response.url).content.decode()
    assert "Intake before the visit" in page
    assert "Revoke link" in page
    client.post(reverse("previsit:revoke", args=[link.public_id]))
    link.refresh_from_db()
    assert link.revoked_reason == "revoked"
    # A visit in the past or a bad channel is refused, never a 500.
    response = client.post(
        reverse("previsit:send", args=[a_client.public_id]),
        {"channel": "fax", "visit_at": "2000-01-01T10:00"},
    )
    assert response.status_code == 302
    assert PrevisitLink.objects.count() == 1


def test_another_clinics_staff_cannot_send_or_revoke(
    client, a_client, front_desk, other_clinic_staff
):
    send(a_client, by=front_desk)
    client.force_login(other_clinic_staff)
    visit = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert (
        client.post(
            reverse("previsit:send", args=[a_client.public_id]),
            {"channel": "email", "visit_at": visit},
        ).status_code
        == 404
    )
    link = PrevisitLink.objects.get()
    assert client.post(reverse("previsit:revoke", args=[link.public_id])).status_code == 404
    assert PrevisitLink.objects.get().revoked_at is None


def test_the_log_never_shows_a_link_token():
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"GET /p/%s/ HTTP/1.1" 302 0', ("A" * 43,), None
    )
    HideLinkTokens().filter(record)
    assert "A" * 43 not in record.getMessage()
    assert "/p/[token]/" in record.getMessage()
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "GET /p/verify/", (), None)
    HideLinkTokens().filter(record)
    assert record.getMessage() == "GET /p/verify/"


def test_a_same_origin_post_under_no_referrer_passes_csrf_and_a_cross_site_one_does_not(
    a_client, front_desk
):
    from django.test import Client

    issued = send(a_client, by=front_desk)
    browser = Client(enforce_csrf_checks=True)
    browser.get(f"/p/{issued.token}/")
    token = browser.get("/p/verify/").context["csrf_token"]
    data = {"date_of_birth": "1900-01-01", "csrfmiddlewaretoken": str(token)}
    cross = browser.post("/p/verify/", data, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="cross-site")
    assert cross.status_code == 403
    same = browser.post("/p/verify/", data, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
    assert same.status_code == 200
    assert b"does not match" in same.content


def test_a_spanish_speaking_client_gets_the_message_and_the_pages_in_spanish(
    client, clinic, front_desk
):
    from tests.factories import ClientFactory

    maria = ClientFactory(clinic=clinic, preferred_language="es")
    issued = send(maria, by=front_desk)
    assert "le pide que complete" in mail.outbox[0].body
    client.get(f"/p/{issued.token}/")
    page = client.get("/p/verify/").content.decode()
    assert "Su fecha de nacimiento" in page
    client.post("/p/verify/", {"date_of_birth": maria.date_of_birth.isoformat()})
    assert "su código es" in mail.outbox[-1].body


def test_a_returning_clients_link_opens_the_has_anything_changed_update(
    client, a_client, front_desk, clinic
):
    from tests.factories import IntakeFactory

    IntakeFactory(clinic=clinic, client=a_client, submitted=True)
    issued = send(a_client, by=front_desk)
    assert PrevisitLink.objects.get().intake.kind == Intake.Kind.UPDATE
    open_and_verify(client, issued.token, a_client)
    home = client.get(reverse("kiosk:home"))
    assert reverse("kiosk:changed") in home.content.decode()


def test_a_factory_link_opens_with_its_derived_token(client):
    from tests.factories import DeliveryFactory, PrevisitLinkFactory

    link = PrevisitLinkFactory()
    assert DeliveryFactory(link=link).status == Delivery.Status.QUEUED
    assert client.get(f"/p/{tokens.link_token(link.nonce)}/").url == reverse("previsit:verify")


def test_a_link_that_closes_between_page_and_answer_ends_on_the_closed_page(
    client, a_client, front_desk, monkeypatch
):
    issued = send(a_client, by=front_desk)
    client.get(f"/p/{issued.token}/")
    # As if a second tab locked it just after this request's own check.
    monkeypatch.setattr(services, "refresh_closed", lambda link: None)
    PrevisitLink.objects.update(locked_at=timezone.now())
    response = client.post("/p/verify/", {"date_of_birth": a_client.date_of_birth.isoformat()})
    assert response.url == reverse("previsit:closed") + "?why=locked"


def test_todays_intakes_mark_those_completed_online(client, a_client, front_desk):
    send(a_client, by=front_desk)
    client.force_login(front_desk)
    assert "Completed online" not in client.get(reverse("visits:today")).content.decode()
    PrevisitLink.objects.update(completed_at=timezone.now())
    assert "Completed online" in client.get(reverse("visits:today")).content.decode()
