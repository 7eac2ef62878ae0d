"""The one-line recorders services use write the row record_event writes."""

import pytest

from audit.models import AuditEvent
from audit.services import record_change, record_creation, record_event, record_view

pytestmark = pytest.mark.django_db


def _row(event):
    return AuditEvent.objects.values(
        "clinic_id", "actor_id", "action", "object_type", "object_id", "detail", "ip_address"
    ).get(pk=event.pk)


def test_a_recorder_takes_the_clinic_from_the_target_and_the_action_from_its_name(
    a_client, front_desk
):
    by_hand = record_event(
        actor=front_desk, clinic_id=a_client.clinic_id, action=AuditEvent.Action.UPDATE,
        target=a_client, detail="restored from archive", ip="192.0.2.7",
    )  # fmt: skip
    stated = record_change(a_client, by=front_desk, detail="restored from archive", ip="192.0.2.7")
    assert _row(stated) == _row(by_hand)
    assert _row(record_view(a_client, by=front_desk))["action"] == AuditEvent.Action.VIEW


def test_a_clinic_is_recorded_in_its_own_chain(clinic, owner):
    assert _row(record_change(clinic, by=owner))["clinic_id"] == clinic.pk


def test_a_target_every_clinic_shares_is_recorded_in_the_clinic_given(ruleset, other_clinic):
    event = record_creation(ruleset, by=None, clinic_id=other_clinic.pk, detail="loaded")
    assert (_row(event)["clinic_id"], _row(event)["actor_id"]) == (other_clinic.pk, None)
