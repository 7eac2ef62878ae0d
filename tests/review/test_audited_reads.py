"""Every read of clinical detail is an audit event (audit/reads.py), recorded in one place."""

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.reads import Actor, audited_read
from tests.conftest import login
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

# (url name, method, body, action, detail starts with)
SCREENING_READS = [
    ("review:screening", "get", None, "view", "clinical detail"),
    ("review:plan", "get", None, "view", "plan editor"),
    ("review:plan_check", "post", {"modalities": ["swedish"], "pressure": 2}, "view", "plan check"),
    ("review:referral", "get", None, "view", "referral decision form"),
    ("review:clearance", "get", None, "view", "clearance form"),
    ("review:summary_pdf", "get", None, "export", "session summary PDF"),
    ("review:letter_pdf", "get", None, "export", "referral letter PDF"),
]


@pytest.mark.parametrize(("name", "method", "body", "action", "what"), SCREENING_READS)
def test_each_read_of_clinical_detail_records_an_event(
    client, therapist, kidney_screening, name, method, body, action, what
):
    login(client, therapist)
    url = reverse(name, kwargs={"public_id": kidney_screening.public_id})
    before = AuditEvent.objects.count()
    if method == "post":
        response = client.post(url, json.dumps(body), content_type="application/json")
    else:
        response = client.get(url, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == action
    assert event.actor == therapist
    assert event.object_id == str(kidney_screening.client.public_id)
    assert event.detail == f"{what} (screening {kidney_screening.public_id})"
    if method == "get":
        assert event.ip_address == "10.1.2.3"


def test_client_page_read_is_recorded(client, front_desk, a_client):
    login(client, front_desk)
    client.get(reverse("visits:client", kwargs={"public_id": a_client.public_id}))
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.detail, event.object_id) == (
        "view",
        "client record",
        str(a_client.public_id),
    )


def test_another_clinics_screening_is_404_and_records_nothing(
    client, other_clinic_staff, kidney_screening
):
    login(client, other_clinic_staff)
    before = AuditEvent.objects.count()
    url = reverse("review:screening", kwargs={"public_id": kidney_screening.public_id})
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.count() == before


def test_a_redirect_after_a_save_is_not_a_read(rf, therapist, a_client):
    from django.http import HttpResponseRedirect

    view = audited_read("x", target=lambda request: a_client)(lambda r: HttpResponseRedirect("/"))
    request = rf.get("/")
    request.user = therapist
    before = AuditEvent.objects.count()
    view(request)
    assert AuditEvent.objects.count() == before


def test_a_page_that_names_no_audit_target_is_an_error_not_an_unrecorded_read(rf, therapist):
    from django.http import HttpResponse

    view = audited_read("x")(lambda request: HttpResponse("shown"))  # no target, none left
    request = rf.get("/")
    request.user = therapist
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="audit target"):
        view(request)
    assert AuditEvent.objects.count() == before


def test_a_record_the_view_leaves_on_the_request_is_the_read(rf, therapist, a_client):
    from django.http import HttpResponse

    def page(request):
        request.audited_target = a_client
        return HttpResponse("shown")

    request = rf.get("/")
    request.user = therapist
    audited_read("client record")(page)(request)
    event = AuditEvent.objects.latest("id")
    assert (event.object_id, event.detail) == (str(a_client.public_id), "client record")


def test_admin_changelist_and_change_view_of_clients_are_reads(client, owner, a_client):
    login(client, owner)
    before = AuditEvent.objects.count()
    assert client.get(reverse("admin:clients_client_changelist")).status_code == 200
    url = reverse("admin:clients_client_change", args=[a_client.pk])
    assert client.get(url).status_code == 200
    details = list(
        AuditEvent.objects.filter(id__gt=0).order_by("id").values_list("detail", flat=True)
    )[before:]
    assert details == ["client record list (admin)", "client record (admin)"]


def test_no_view_writes_audit_events_by_hand():
    """Reads go through audit/reads.py; views no longer call record_event themselves."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in root.glob("*/views.py"):
        assert "record_event(" not in path.read_text(), path


def test_actor_carries_user_and_address(rf, therapist):
    request = rf.get("/", REMOTE_ADDR="10.9.8.7")
    request.user = therapist
    assert Actor.of(request) == Actor(therapist, "10.9.8.7")


def test_other_clinic_client_is_not_read(client, owner, other_clinic):
    stranger = ClientFactory(clinic=other_clinic)
    login(client, owner)
    url = reverse("admin:clients_client_change", args=[stranger.pk])
    assert client.get(url).status_code in (302, 404)
