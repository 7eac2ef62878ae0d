"""An owner enrols a tablet once; the credential is a cookie whose secret the database never
holds; revoking ends it at once."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from intake.kiosk import SESSION_KEY
from tablets import services
from tablets.middleware import COOKIE_NAME
from tablets.models import Tablet
from tests.factories import TabletFactory
from tests.tablets.helpers import enrolled_browser

pytestmark = pytest.mark.django_db


def test_owner_adds_a_tablet_and_sees_a_one_time_code(client, owner):
    client.force_login(owner)
    response = client.post(reverse("tablets:add"), {"name": "Front room tablet"})
    assert response.status_code == 200
    code = response.context["issued"].code
    assert response.context["issued"].display in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    tablet = Tablet.objects.get(name="Front room tablet")
    assert tablet.clinic_id == owner.clinic_id
    assert tablet.enrol_code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert code not in str(Tablet.objects.filter(pk=tablet.pk).values().get())
    assert not tablet.is_enrolled
    assert AuditEvent.objects.filter(object_id=str(tablet.public_id), actor=owner).exists()
    listing = client.get(reverse("tablets:list")).content.decode()
    assert "Not enrolled yet" in listing


def test_enrolling_sets_a_long_lived_strict_cookie_and_shows_waiting(clinic, owner, settings):
    settings.SESSION_COOKIE_SECURE = True
    browser, tablet = enrolled_browser(clinic, owner)
    cookie = browser.cookies[COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Strict"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    # Only the digest of the secret is stored.
    assert tablet.credential_hash == hashlib.sha256(cookie.value.encode()).hexdigest()
    assert tablet.enrol_code_hash is None
    page = browser.get(reverse("tablet:waiting"))
    assert page.status_code == 200
    assert "Waiting for the next client" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert AuditEvent.objects.filter(
        object_id=str(tablet.public_id), detail__startswith="tablet enrolled"
    ).exists()


def test_a_code_works_once(clinic, owner):
    issued = services.add_tablet(clinic_id=clinic.pk, name="Front", added_by=owner)
    assert Browser().post(reverse("tablet:enrol"), {"code": issued.code}).status_code == 302
    again = Browser().post(reverse("tablet:enrol"), {"code": issued.code})
    assert again.status_code == 400
    assert "That code does not work" in again.content.decode()
    assert COOKIE_NAME not in again.cookies


def test_a_code_expires_after_a_quarter_of_an_hour(clinic, owner):
    issued = services.add_tablet(clinic_id=clinic.pk, name="Front", added_by=owner)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = Browser().post(reverse("tablet:enrol"), {"code": issued.code})
    assert response.status_code == 400
    assert not Tablet.objects.get().is_enrolled


@pytest.mark.parametrize("code", ["", "x" * 30, "AAAA-AAAA-AAAA", "\x00", "é" * 12])
def test_a_wrong_code_is_a_400_never_a_500(clinic, owner, code):
    services.add_tablet(clinic_id=clinic.pk, name="Front", added_by=owner)
    assert Browser().post(reverse("tablet:enrol"), {"code": code}).status_code == 400


def test_enrolling_ends_a_staff_login_in_that_browser(client, clinic, owner, front_desk):
    issued = services.add_tablet(clinic_id=clinic.pk, name="Front", added_by=owner)
    client.force_login(front_desk)
    client.post(reverse("tablet:enrol"), {"code": issued.code})
    assert "_auth_user_id" not in client.session
    # The staff login page now leads back to "waiting": no staff session on a tablet.
    assert client.get(reverse("accounts:login")).url == reverse("tablet:waiting")


def test_front_desk_and_therapists_cannot_enrol_or_revoke(client, front_desk, therapist, clinic):
    tablet = TabletFactory(clinic=clinic)
    for user in (front_desk, therapist):
        client.force_login(user)
        assert client.post(reverse("tablets:add"), {"name": "Mine"}).status_code == 403
        assert client.post(reverse("tablets:revoke", args=[tablet.public_id])).status_code == 403
        assert client.post(reverse("tablets:new_code", args=[tablet.public_id])).status_code == 403
    tablet.refresh_from_db()
    assert not tablet.is_revoked
    assert Tablet.objects.count() == 1


def test_another_clinics_tablet_is_a_404(client, other_clinic, owner, front_desk):
    theirs = TabletFactory(clinic=other_clinic)
    client.force_login(owner)
    for name in ("tablets:revoke", "tablets:new_code", "tablets:take_back"):
        assert client.post(reverse(name, args=[theirs.public_id])).status_code == 404
    assert theirs.name not in client.get(reverse("tablets:list")).content.decode()
    theirs.refresh_from_db()
    assert not theirs.is_revoked


def test_names_are_checked(client, owner):
    client.force_login(owner)
    assert client.post(reverse("tablets:add"), {"name": "Front"}).status_code == 200
    duplicate = client.post(reverse("tablets:add"), {"name": "Front"})
    assert duplicate.status_code == 400
    assert "already has a tablet of that name" in duplicate.content.decode()
    assert client.post(reverse("tablets:add"), {"name": "   "}).status_code == 400
    assert client.post(reverse("tablets:add"), {"name": "x" * 61}).status_code == 400
    assert Tablet.objects.count() == 1


def test_revoking_takes_effect_at_once(client, clinic, owner):
    browser, tablet = enrolled_browser(clinic, owner)
    client.force_login(owner)
    response = client.post(reverse("tablets:revoke", args=[tablet.public_id]))
    assert response.url == reverse("tablets:list")
    tablet.refresh_from_db()
    assert tablet.is_revoked
    assert tablet.credential_hash is None
    assert browser.get(reverse("tablet:waiting")).url == reverse("tablet:not_enrolled")
    poll = browser.get(reverse("tablet:poll"))
    assert poll.status_code == 403
    assert poll.json()["state"] == "not_enrolled"
    page = browser.get(reverse("tablet:not_enrolled"))
    assert page.status_code == 403
    assert "This tablet is not enrolled" in page.content.decode()
    assert browser.cookies[COOKIE_NAME].value == ""  # deleted
    assert AuditEvent.objects.filter(object_id=str(tablet.public_id), detail="tablet revoked")
    # A double tap changes nothing.
    assert client.post(reverse("tablets:revoke", args=[tablet.public_id])).status_code == 302


def test_a_forged_cookie_opens_nothing(clinic, owner):
    enrolled_browser(clinic, owner)
    forged = Browser()
    for value in ("x" * 43, "", "\u00e9\u00e9", "a" * 5000):
        forged.cookies[COOKIE_NAME] = value
        assert forged.get(reverse("tablet:waiting")).url == reverse("tablet:not_enrolled")
        assert forged.get(reverse("tablet:poll")).status_code == 403
        assert forged.post(reverse("tablet:start")).url == reverse("tablet:not_enrolled")
    assert SESSION_KEY not in forged.session


def test_enrolling_again_replaces_the_old_credential(client, clinic, owner):
    old_browser, tablet = enrolled_browser(clinic, owner)
    client.force_login(owner)
    code = client.post(reverse("tablets:new_code", args=[tablet.public_id])).context["issued"]
    new_browser = Browser()
    assert new_browser.post(reverse("tablet:enrol"), {"code": code.code}).status_code == 302
    assert new_browser.get(reverse("tablet:waiting")).status_code == 200
    assert old_browser.get(reverse("tablet:waiting")).url == reverse("tablet:not_enrolled")


def test_the_demo_prints_a_code_that_enrols_its_front_room_tablet(ruleset):
    import io
    import re

    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)  # a second run keeps one tablet
    codes = re.findall(r"tablet/enrol/ in another browser and type (\S+) ", out.getvalue())
    assert len(codes) == 2
    tablet = Tablet.objects.get(name="Front room tablet", revoked_at__isnull=True)
    assert tablet.is_enrolled
    browser = Browser()
    assert browser.post(reverse("tablet:enrol"), {"code": codes[-1]}).status_code == 302
    assert "Front room tablet" in browser.get(reverse("tablet:waiting")).content.decode()


def test_the_tablet_pages_speak_spanish_to_a_spanish_tablet(clinic, owner):
    browser, _tablet = enrolled_browser(clinic, owner)
    page = browser.get(reverse("tablet:waiting"), headers={"Accept-Language": "es"})
    assert "Esperando al próximo cliente" in page.content.decode()
    wrong = Browser().post(
        reverse("tablet:enrol"), {"code": "nope"}, headers={"Accept-Language": "es"}
    )
    assert "Ese código no funciona" in wrong.content.decode()


def test_a_link_to_the_not_enrolled_page_does_not_un_enrol_a_tablet(clinic, owner):
    browser, _tablet = enrolled_browser(clinic, owner)
    assert browser.get(reverse("tablet:not_enrolled")).url == reverse("tablet:waiting")
    assert browser.get(reverse("tablet:waiting")).status_code == 200
    # A browser that sent no cookie is not told to forget one.
    response = Browser().get(reverse("tablet:not_enrolled"))
    assert response.status_code == 403
    assert COOKIE_NAME not in response.cookies
