"""What a client's page lists (visits.selectors.client_records): on PostgreSQL one query, the
client with its intakes, appointments, newest link and that link's sends as JSON made back into
instances (config/json_rows.py); elsewhere a query each. Both give the same rows, in the same
order, with the same values; and the client is still found only in the user's own clinic."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    AppointmentFactory,
    DeliveryFactory,
    IntakeFactory,
    PrevisitLinkFactory,
)
from tests.review.helpers import KIDNEY_RED_FLAG, screened
from visits.selectors import client_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_client(ruleset, a_client, therapist):
    """More of everything than the page shows: twelve intakes (one cancelled, one screened,
    one draft), seven upcoming appointments and one past, two links with their sends."""
    now = timezone.now()
    for days in range(11):
        IntakeFactory(
            clinic=a_client.clinic, client=a_client, submitted=True,
            started_at=now - datetime.timedelta(days=30 + days),
        )  # fmt: skip
    IntakeFactory(clinic=a_client.clinic, client=a_client, status="cancelled")
    screened(a_client, KIDNEY_RED_FLAG, therapist)
    draft = IntakeFactory(clinic=a_client.clinic, client=a_client)
    for days in (-1, 1, 2, 3, 4, 5, 6, 7):
        AppointmentFactory(
            clinic=a_client.clinic, client=a_client, therapist=therapist,
            starts_at=now + datetime.timedelta(days=days),
        )  # fmt: skip
    older = PrevisitLinkFactory(intake=draft)
    DeliveryFactory(link=older, status="failed")
    newest = PrevisitLinkFactory(intake=draft)
    DeliveryFactory(link=newest, channel="sms")
    DeliveryFactory(link=newest, status="failed")
    return a_client


def _values(instance):
    loaded = instance.get_deferred_fields()
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in loaded
    }


def _as_values(records):
    link = records.link
    return {
        "client": _values(records.client),
        "intakes": [(_values(i), i.decision, i.booking) for i in records.intakes],
        "appointments": [(_values(a), str(a.therapist)) for a in records.appointments],
        "link": link and (_values(link.link), link.closed, link.booking),
        "deliveries": link and [_values(d) for d in link.deliveries],
        "failed": link and [d.pk for d in link.failed],
    }


def test_one_query_reads_the_client_and_what_its_page_lists(busy_client, front_desk):
    with CaptureQueriesContext(connection) as captured:
        records = client_records(front_desk, busy_client.public_id)
        names = [str(a.therapist) for a in records.appointments]
        clinic = records.client.clinic.name
    assert len(captured) == 1
    assert clinic == busy_client.clinic.name
    assert len(records.intakes) == 10  # the newest ten, the cancelled one left out
    assert records.intakes[0].status == "draft"
    assert len(records.appointments) == 5  # the next five, soonest first
    assert [a.starts_at for a in records.appointments] == sorted(
        a.starts_at for a in records.appointments
    )
    assert len(set(names)) == 1
    assert len(records.link.deliveries) == 2  # the newest link's sends only
    assert len(records.link.failed) == 1


def test_the_json_path_gives_what_the_separate_queries_give(busy_client, front_desk, monkeypatch):
    one_query = _as_values(client_records(front_desk, busy_client.public_id))
    monkeypatch.setattr(connection, "vendor", "sqlite")  # the path SQLite takes
    plain = _as_values(client_records(front_desk, busy_client.public_id))
    assert one_query == plain
    assert any(booking for _, _, booking in one_query["intakes"])  # the screened one's status


def test_a_client_without_records_has_empty_lists(a_client, front_desk):
    records = client_records(front_desk, a_client.public_id)
    assert (records.intakes, records.appointments, records.link) == ([], [], None)


def test_another_clinics_client_is_not_found(busy_client, other_clinic_staff):
    with pytest.raises(Http404):
        client_records(other_clinic_staff, busy_client.public_id)


def test_columns_json_would_change_are_refused():
    from config.json_rows import JSONRows
    from intake.models import Intake

    with pytest.raises(TypeError, match="signature_png"):
        JSONRows(Intake.objects.all()).expression()  # the signature image is bytes
