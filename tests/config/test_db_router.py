"""Owner dashboards and exports read from the replica when one is configured; writes, audit
events and everything else stay on the primary (config/db_router.py). Here "replica" is a
second connection to the test database (TEST MIRROR), so what each connection ran can be
told apart."""

import pytest
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from clients.models import Client
from config.db_router import replica_reads
from tests.conftest import login
from tests.factories import ClientFactory, ReferralDecisionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.skipif("replica" not in connections.settings, reason="needs PostgreSQL"),
]


def _run(fn):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        result = fn()
    return result, [q["sql"] for q in primary], [q["sql"] for q in replica]


@override_settings(DATABASE_REPLICA_READS=True)
def test_reads_inside_replica_reads_go_to_the_replica_and_writes_do_not(clinic):
    ClientFactory(clinic=clinic)

    def work():
        with replica_reads():
            count = Client.objects.count()
            ClientFactory(clinic=clinic)
            list(AuditEvent.objects.all())
        return count

    count, primary, replica = _run(work)
    assert count == 1
    assert any("clients_client" in s and "COUNT" in s for s in replica)
    assert not any(s.startswith("INSERT") for s in replica)
    assert any(s.startswith('INSERT INTO "clients_client"') for s in primary)
    assert not any("audit_auditevent" in s for s in replica)  # the chain reads the primary


@override_settings(DATABASE_REPLICA_READS=True)
def test_reads_outside_replica_reads_stay_on_the_primary(clinic):
    ClientFactory(clinic=clinic)
    count, primary, replica = _run(lambda: Client.objects.count())
    assert count == 1
    assert replica == []
    assert any("COUNT" in s for s in primary)


@override_settings(DATABASE_REPLICA_READS=True)
def test_the_owner_dashboard_reads_the_replica(client, owner, therapist):
    ReferralDecisionFactory(screening__clinic=owner.clinic, screening__client__clinic=owner.clinic)
    login(client, owner)
    response, primary, replica = _run(lambda: client.get(reverse("oversight:dashboard")))
    assert response.status_code == 200
    assert any("contraindications_referraldecision" in s for s in replica)
    assert not any("contraindications_referraldecision" in s for s in primary)


@override_settings(DATABASE_REPLICA_READS=True)
def test_a_csv_export_reads_the_replica_and_audits_on_the_primary(client, owner):
    ReferralDecisionFactory(screening__clinic=owner.clinic, screening__client__clinic=owner.clinic)
    login(client, owner)

    def export():
        response = client.get(reverse("oversight:decisions_csv"))
        return response, b"".join(response.streaming_content)

    (response, body), primary, replica = _run(export)
    assert response.status_code == 200
    assert body.count(b"\n") >= 2  # header and the decision
    assert any("contraindications_referraldecision" in s for s in replica)
    assert any(s.startswith('INSERT INTO "audit_auditevent"') for s in primary)
    assert not any("audit_auditevent" in s for s in replica)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


def test_without_the_setting_nothing_reads_the_replica(client, owner):
    login(client, owner)
    response, _primary, replica = _run(lambda: client.get(reverse("oversight:dashboard")))
    assert response.status_code == 200
    assert replica == []


@override_settings(DATABASE_REPLICA_READS=True)
def test_a_replica_that_is_down_costs_the_dashboards_only(client, owner, monkeypatch):
    """No fallback to the primary (a silent one would hide the outage and load the primary
    with the heaviest reads): the dashboard answers with the calm 503 page, while a client's
    page, which never reads the replica, goes on working."""
    a_client = ClientFactory(clinic=owner.clinic)
    login(client, owner)
    replica = connections["replica"]
    replica.close()
    monkeypatch.setitem(replica.settings_dict, "PORT", 1)  # nothing listens there
    try:
        down = client.get(reverse("oversight:dashboard"))
        page = client.get(reverse("visits:client", kwargs={"public_id": a_client.public_id}))
    finally:
        replica.close()
    assert down.status_code == 503
    assert page.status_code == 200
