import pytest

pytestmark = pytest.mark.django_db


def test_demo_gives_the_dashboard_a_second_therapist_and_an_override(clinic, ruleset, owner):
    from demo.oversight import seed_demo_oversight
    from oversight.filters import default_filters
    from oversight.selectors import dashboard

    made = seed_demo_oversight(clinic)
    assert {d.action for d in made} == {"referred", "overridden", "postponed"}
    data = dashboard(owner, default_filters())
    assert [t.label for t in data.therapists] == ["Tara Nguyen"]
    assert data.overridden == 1


def test_demo_shows_sign_off_and_a_rule_flagged_for_alert_fatigue(
    clinic, ruleset, owner, therapist
):
    from demo.rules import DEMO_REVIEWER, seed_demo_fatigue, seed_demo_signoff
    from oversight.filters import default_filters
    from oversight.selectors import dashboard
    from rules.selectors import unreviewed_rule_ids

    reviews = seed_demo_signoff(clinic)
    assert reviews
    assert all("demo" in r.reviewer.lower() and "demo" in r.note.lower() for r in reviews)
    assert seed_demo_signoff(clinic) == []  # once
    assert len(unreviewed_rule_ids(ruleset)) == ruleset.rule_count - len(reviews)
    assert {r.reviewer for r in reviews} == {DEMO_REVIEWER}
    assert seed_demo_fatigue(clinic, therapist) > 0
    assert seed_demo_fatigue(clinic, therapist) == 0
    flagged = {r.rule_id: r for r in dashboard(owner, default_filters()).flagged_rules}
    assert flagged["VARICOSE-VEINS"].plan_against == 16
