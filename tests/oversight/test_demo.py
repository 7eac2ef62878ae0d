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
