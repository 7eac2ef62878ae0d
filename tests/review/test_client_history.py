"""A client's history (review.selectors.client_history): on PostgreSQL one query whose records
come back as JSON and are made into model instances again; elsewhere one query per kind of
record. Both give the same records, in the same order, with the same authors and values."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review.selectors import client_history
from tests.factories import (
    PhysicianClearanceFactory,
    ReferralDecisionFactory,
    TreatmentPlanFactory,
)
from tests.review.helpers import KIDNEY_RED_FLAG, screened

pytestmark = pytest.mark.django_db

RECORDS = ("referral_list", "plan_list", "clearance_list")


@pytest.fixture
def history(ruleset, a_client, therapist, front_desk):
    screenings = [screened(a_client, KIDNEY_RED_FLAG, therapist) for _ in range(2)]
    for screening in screenings:
        for author in (therapist, front_desk):
            ReferralDecisionFactory(screening=screening, decided_by=author)
            TreatmentPlanFactory(screening=screening, created_by=author)
            PhysicianClearanceFactory(screening=screening, recorded_by=author)
    return a_client


def _as_values(history):
    """Every concrete value of every record, and its author's name, screening by screening."""
    return [
        (
            s.pk,
            {
                attr: [
                    (
                        {f.attname: getattr(r, f.attname) for f in r._meta.concrete_fields},
                        str(getattr(r, r._meta.get_field(_author_of(attr)).name)),
                    )
                    for r in getattr(s, attr)
                ]
                for attr in RECORDS
            },
        )
        for s in history
    ]


def _author_of(attr):
    return {"referral_list": "decided_by", "plan_list": "created_by"}.get(attr, "recorded_by")


def test_one_query_brings_every_record_and_its_author(history, therapist, front_desk):
    with CaptureQueriesContext(connection) as captured:
        screenings = client_history(history)
        names = [str(r.decided_by) for s in screenings for r in s.referral_list]
        plans = [p.modalities for s in screenings for p in s.plan_list]
    assert len(captured) == 1
    assert len(screenings) == 2
    assert len(plans) == 4
    assert sorted(names) == sorted([str(therapist), str(front_desk)] * 2)


def test_the_json_path_gives_what_the_plain_queries_give(history, monkeypatch):
    one_query = _as_values(client_history(history))
    monkeypatch.setattr(connection, "vendor", "sqlite")  # the path SQLite takes
    with CaptureQueriesContext(connection) as captured:
        plain = _as_values(client_history(history))
    assert len(captured) == 4  # screenings, then one query per kind of record
    assert one_query == plain
    # newest first within each screening, as the models order themselves
    for _, records in one_query:
        for attr in RECORDS:
            ids = [values["id"] for values, _ in records[attr]]
            assert ids == sorted(ids, reverse=True)


def test_records_are_full_instances(history):
    plan = client_history(history)[0].plan_list[0]
    assert plan._state.adding is False  # loaded, not new: saving it again is refused
    assert plan.created_at.tzinfo is not None
    assert isinstance(plan.check_result, dict | list)


def test_the_history_shows_each_decision_in_its_own_colour(client, ruleset, a_client, therapist):
    """An urgent referral in the history reads as one, not as a grey badge like a "proceed"."""
    from contraindications.engine import Decision

    urgent = screened(a_client, KIDNEY_RED_FLAG, therapist)
    assert urgent.decision == Decision.REFER_URGENT
    client.force_login(therapist)
    page = client.get(f"/clients/{a_client.public_id}/").content.decode()
    label = Decision.REFER_URGENT.label("en")
    assert f'<span class="badge text-bg-danger">{label}</span>' in page
    assert 'text-bg-secondary">' + label not in page
