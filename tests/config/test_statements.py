"""A queryset compiled once and run with a new value each time (config/statements.py): the
same rows and annotations as the ORM, the value always a parameter, a lock only inside a
transaction."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from config.statements import (
    ID_SLOT,
    SECOND_ID_SLOT,
    SLOT,
    TIME_SLOT,
    UUID_SLOT,
    CompiledQuery,
    OneValueQuery,
)
from intake.models import Intake
from rules.catalogues import active_checksum_subquery
from tests.factories import ClientFactory, IntakeFactory

pytestmark = pytest.mark.django_db

WITH_RULES = Intake.objects.annotate(
    active_ruleset=active_checksum_subquery(), client_name=F("client__legal_name")
)


def test_rows_are_the_orms_rows_with_their_annotations(ruleset, a_client):
    intake = IntakeFactory(clinic=a_client.clinic, client=a_client, kiosk_token="tok-1")
    other = ClientFactory(clinic=a_client.clinic)
    IntakeFactory(clinic=a_client.clinic, client=other, kiosk_token="tok-2")
    by_token = OneValueQuery(lambda token: WITH_RULES.filter(kiosk_token=token)[:1])

    found = by_token.first("tok-1")
    expected = WITH_RULES.get(kiosk_token="tok-1")
    assert found is not None
    assert found.pk == intake.pk
    assert found.answers == expected.answers  # a JSON column comes back decoded
    assert found.started_at == expected.started_at
    assert found.active_ruleset == expected.active_ruleset == ruleset.checksum
    assert found.client_name == a_client.legal_name
    assert by_token.first("tok-2").pk != intake.pk
    assert by_token.first("no such token") is None


def test_the_sql_is_compiled_once_and_the_value_stays_a_parameter(a_client):
    IntakeFactory(clinic=a_client.clinic, client=a_client, kiosk_token="tok-1")
    by_token = OneValueQuery(lambda token: WITH_RULES.filter(kiosk_token=token)[:1])
    hostile = "x' OR '1'='1"
    with CaptureQueriesContext(connection) as captured:
        assert by_token.first("tok-1") is not None
        assert by_token.first(hostile) is None
    first, second = (q["sql"] for q in captured.captured_queries)
    # the same statement each time; only the bound value differs
    assert first.replace("tok-1", "?") == second.replace(hostile.replace("'", "''"), "?")
    (compiled,) = by_token._compiled.values()
    assert "tok-1" not in compiled.sql
    assert "'1'='1" not in compiled.sql  # the hostile value never became SQL
    assert [compiled.params[i] for i, _, _ in compiled.places] == [SLOT]


def test_joined_rows_values_and_prefetches_come_back_as_the_orm_gives_them(ruleset, a_client):
    intake = IntakeFactory(clinic=a_client.clinic, client=a_client, kiosk_token="tok-1")
    joined = OneValueQuery(
        lambda token: Intake.objects.select_related("client__clinic").filter(kiosk_token=token)
    )
    found = joined.first("tok-1")
    with CaptureQueriesContext(connection) as captured:
        assert found.client.legal_name == a_client.legal_name
        assert found.client.clinic.name == a_client.clinic.name
    assert not captured.captured_queries  # the joined rows came along

    values = OneValueQuery(lambda token: Intake.objects.filter(kiosk_token=token).values("pk"))
    assert values.rows("tok-1") == [{"pk": intake.pk}]

    prefetching = OneValueQuery(
        lambda token: Intake.objects.prefetch_related("screenings").filter(kiosk_token=token)
    )
    (with_screenings,) = prefetching.rows("tok-1")
    with CaptureQueriesContext(connection) as captured:
        assert list(with_screenings.screenings.all()) == []
    assert not captured.captured_queries


def test_several_values_each_take_their_place(a_client):
    """A client of a clinic by its public id and what it has from a time on: three values."""
    intake = IntakeFactory(clinic=a_client.clinic, client=a_client)
    other = ClientFactory()
    since = Intake.objects.get(pk=intake.pk).started_at
    by_public_id = CompiledQuery(
        lambda clinic_id, public_id, since: Intake.objects.filter(
            client__clinic_id=clinic_id, client__public_id=public_id, started_at__gte=since
        ),
        clinic_id=ID_SLOT,
        public_id=UUID_SLOT,
        since=TIME_SLOT,
    )
    assert [i.pk for i in by_public_id.rows(
        clinic_id=a_client.clinic_id, public_id=a_client.public_id, since=since
    )] == [intake.pk]  # fmt: skip
    # Each value where it belongs: another clinic, another client or a later time find nothing.
    assert not by_public_id.rows(
        clinic_id=other.clinic_id, public_id=a_client.public_id, since=since
    )
    assert not by_public_id.rows(
        clinic_id=a_client.clinic_id, public_id=other.public_id, since=since
    )
    assert not by_public_id.rows(
        clinic_id=a_client.clinic_id,
        public_id=a_client.public_id,
        since=since + timedelta(seconds=1),
    )
    with pytest.raises(TypeError, match="takes"):
        by_public_id.rows(clinic_id=a_client.clinic_id, public_id=a_client.public_id)


def test_a_value_changed_on_its_way_to_the_query_is_refused():
    both = OneValueQuery(
        lambda token: Intake.objects.filter(kiosk_token=token, language__startswith=token)
    )
    with pytest.raises(ValueError, match="changed"):
        both.first("tok-1")


def test_an_integer_field_takes_the_id_slot(a_client):
    intake = IntakeFactory(clinic=a_client.clinic, client=a_client)
    by_id = OneValueQuery(lambda pk: Intake.objects.filter(pk=pk)[:1], slot=ID_SLOT)
    assert by_id.first(intake.pk).pk == intake.pk
    assert by_id.first(intake.pk + 1000) is None


def test_a_value_that_does_not_reach_the_query_is_refused():
    ignored = OneValueQuery(lambda token: Intake.objects.filter(kiosk_token="fixed")[:1])
    with pytest.raises(ValueError, match="does not reach the query"):
        ignored.first("tok-1")


@pytest.mark.django_db(transaction=True)
def test_a_lock_is_refused_outside_a_transaction(clinic):
    """As the ORM refuses it: outside a transaction FOR UPDATE would lock nothing."""
    if not connection.features.has_select_for_update:
        pytest.skip("this database takes no row locks (SQLite)")
    locked = OneValueQuery(
        lambda token: Intake.objects.select_for_update().filter(kiosk_token=token)[:1]
    )
    with transaction.atomic():
        assert locked.first("tok-1") is None
    assert connection.get_autocommit()
    with pytest.raises(TransactionManagementError):
        locked.first("tok-1")


def test_two_values_cannot_share_a_stand_in():
    with pytest.raises(ValueError, match="stand-in of its own"):
        CompiledQuery(lambda a, b: Intake.objects.filter(pk=a, client_id=b), a=ID_SLOT, b=ID_SLOT)
    two = CompiledQuery(
        lambda a, b: Intake.objects.filter(pk=a, client_id=b), a=ID_SLOT, b=SECOND_ID_SLOT
    )
    assert two.rows(a=1, b=2) == []


def test_no_compiled_lookup_freezes_a_time_or_a_date(ruleset):
    """A value that changes between requests, built into a lookup, would be frozen at its first
    compile (today's date on the day the worker started): every date or time a lookup of the
    app uses must be a stand-in, never a fixed parameter."""
    from datetime import date, datetime

    from django.urls import get_resolver

    from config import statements

    assert get_resolver().url_patterns  # every view module imported, and with it every lookup
    assert len(statements.WARMED) >= 10
    for lookup in statements.WARMED:
        compiled = statements._Compiled(lookup._queryset, "default", lookup._slots)
        stand_ins = {index for index, _, _ in compiled.places}
        fixed = [p for i, p in enumerate(compiled.params) if i not in stand_ins]
        assert not [p for p in fixed if isinstance(p, date | datetime)], compiled.sql[:200]


def test_a_related_managers_queryset_is_refused(a_client):
    """It remembers the instance it came from; a compiled copy would hand it to every run."""
    from_client = CompiledQuery(
        lambda token: a_client.intakes.filter(kiosk_token=token), token=SLOT
    )
    with pytest.raises(ValueError, match="related manager"):
        from_client.rows(token="tok-1")
