"""Alert fatigue on the owners' dashboard: per rule, fired / overridden / plan kept against it."""

import pytest
from django.urls import reverse

from oversight import fatigue
from oversight.filters import default_filters
from oversight.selectors import dashboard
from review.services import parse_plan, save_plan
from tests.conftest import login
from tests.factories import ClientFactory
from tests.oversight.conftest import override, refer
from tests.review.helpers import KIDNEY_RED_FLAG, PREGNANT_24_WEEKS, screened
from tests.review.test_review_services import VIOLATING

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(ruleset, clinic, therapist, other_clinic, other_clinic_staff):
    """Four kidney red flags (two overridden), three pregnancies (two plans kept against the
    pregnancy rules), and another clinic's screenings that must not count."""
    kidney = [screened(ClientFactory(clinic=clinic), KIDNEY_RED_FLAG, therapist) for _ in range(4)]
    override(kidney[0], therapist)
    override(kidney[1], therapist)
    refer(kidney[2], therapist)
    pregnant = [
        screened(ClientFactory(clinic=clinic), PREGNANT_24_WEEKS, therapist) for _ in range(3)
    ]
    for s in pregnant[:2]:
        for _ in range(2):  # a second plan for the same screening counts once
            save_plan(
                screening=s,
                plan=parse_plan(VIOLATING),
                created_by=therapist,
                override_reason="Midwife present and agreed.",
            )
    elsewhere = ClientFactory(clinic=other_clinic)
    override(screened(elsewhere, KIDNEY_RED_FLAG, other_clinic_staff), other_clinic_staff)
    return kidney, pregnant


def test_fired_overridden_and_plan_kept_against_per_rule(owner, history, monkeypatch):
    monkeypatch.setattr(fatigue, "FLAG_MIN_FIRES", 3)
    rows = {r.rule_id: r for r in dashboard(owner, default_filters()).fatigue}
    hematuria = rows["KIDNEY-HEMATURIA"]
    assert (hematuria.fired, hematuria.overridden, hematuria.plan_against) == (4, 2, 0)
    assert hematuria.screenings == 7
    assert hematuria.category == "kidney"
    assert hematuria.against_rate == 0.5
    assert hematuria.flagged
    deep = rows["PREGNANCY-DEEP-TISSUE"]
    assert (deep.fired, deep.overridden, deep.plan_against) == (3, 0, 2)
    assert deep.flagged
    oils = rows["PREGNANCY-ESSENTIAL-OILS"]  # the violating plan uses no oils
    assert (oils.fired, oils.plan_against, oils.flagged) == (3, 0, False)


def test_a_rule_is_only_flagged_past_the_minimum_number_of_firings(owner, history):
    assert fatigue.FLAG_MIN_FIRES > 4
    assert not dashboard(owner, default_filters()).flagged_rules


def test_flagged_rules_come_first_on_the_dashboard(client, owner, history, monkeypatch):
    monkeypatch.setattr(fatigue, "FLAG_MIN_FIRES", 3)
    login(client, owner)
    page = client.get(reverse("oversight:dashboard"))
    assert page.status_code == 200
    rows = page.context["data"].fatigue
    assert rows[0].flagged
    assert not rows[-1].flagged
    text = page.text
    assert 'data-rule-id="KIDNEY-HEMATURIA" data-fired="4" data-overridden="2"' in text
    assert "flagged for clinical review" in text
    assert "Alert fatigue" in text


def test_a_filtered_dashboard_still_counts_every_override(owner, history, therapist):
    filters = default_filters()
    from dataclasses import replace

    narrowed = replace(filters, action="referred")
    rows = {r.rule_id: r for r in dashboard(owner, narrowed).fatigue}
    assert rows["KIDNEY-HEMATURIA"].overridden == 2


def test_alert_fatigue_adds_a_bounded_number_of_queries(
    client, owner, history, therapist, django_assert_max_num_queries
):
    login(client, owner)
    url = reverse("oversight:dashboard")
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for _ in range(3):
        s = screened(ClientFactory(clinic=owner.clinic), KIDNEY_RED_FLAG, therapist)
        override(s, therapist)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert {r.rule_id: r.fired for r in page.context["data"].fatigue}["KIDNEY-HEMATURIA"] == 7
