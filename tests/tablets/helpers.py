from django.test import Client as Browser
from django.urls import reverse

from intake.models import Intake
from tablets import services
from tablets.middleware import COOKIE_NAME
from tests.factories import complete_answers, signature_data_url


def enrolled_browser(clinic, owner, name="Front room tablet"):
    """A fresh browser enrolled as the clinic's tablet the way a clinic does it: the owner
    adds the tablet, the tablet's browser posts the code."""
    issued = services.add_tablet(clinic_id=clinic.pk, name=name, added_by=owner)
    browser = Browser()
    response = browser.post(reverse("tablet:enrol"), {"code": issued.display})
    assert response.status_code == 302, response.content
    assert response.url == reverse("tablet:waiting")
    assert browser.cookies[COOKIE_NAME].value
    issued.tablet.refresh_from_db()
    return browser, issued.tablet


def send(desk, client_record, tablet):
    return desk.post(
        reverse("tablets:send", args=[client_record.public_id]),
        {"tablet": str(tablet.public_id)},
        follow=True,
    )


def submit_on_tablet(device, client_record):
    """The client completes the intake on the tablet (the kiosk's consent page)."""
    intake = Intake.objects.get(client=client_record, status="draft")
    intake.answers = complete_answers()
    intake.save()
    page = device.get(reverse("kiosk:section", args=["consent"]))
    assert page.status_code == 200
    form = {
        "consent_accurate": "yes",
        "consent_tell_changes": "yes",
        "consent_not_medical": "yes",
        "consent": page.context["consent"].pk,
        "submission_token": page.context["submission_token"],
        "signature": signature_data_url(),
        "go": "submit",
    }
    return device.post(reverse("kiosk:section", args=["consent"]), form)
