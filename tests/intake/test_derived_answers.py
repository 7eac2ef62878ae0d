"""Asked only when unknown (docs/INTAKE.md): the age comes from the date of birth and "first
visit" from the record; the tablet shows them, read-only, instead of asking."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.builders import submitted_intake
from intake.derived import age_on, derived_answers
from intake.models import Intake
from intake.services import start_intake
from rules.catalogues import current_catalogue
from tests.factories import ClientFactory, ConsentTextFactory, complete_answers

pytestmark = pytest.mark.django_db


def test_a_first_intake_knows_the_age_and_that_it_is_a_first_visit(clinic, ruleset, front_desk):
    person = ClientFactory(clinic=clinic, date_of_birth=date(1980, 5, 1))
    intake = start_intake(client=person, started_by=front_desk)
    assert intake.answers == {
        "age": age_on(date(1980, 5, 1), timezone.localdate()),
        "first_visit": True,
    }


def test_a_returning_client_gets_todays_age_not_last_years(clinic, ruleset, front_desk):
    ConsentTextFactory()
    person = ClientFactory(clinic=clinic, date_of_birth=date(1980, 5, 1))
    earlier = submitted_intake(client=person, answers=complete_answers(age=30, first_visit=True))
    update = start_intake(client=person, started_by=front_desk)
    assert update.previous_id == earlier.pk
    assert update.answers["age"] == age_on(date(1980, 5, 1), timezone.localdate())
    assert update.answers["first_visit"] is False


def test_an_age_outside_the_question_range_is_left_to_the_client(ruleset):
    catalogue = current_catalogue()
    today = timezone.localdate()
    too_young = today.replace(year=today.year - 8)
    found = derived_answers(
        catalogue=catalogue, born=too_young, day=today, has_earlier_intake=False
    )
    assert found == {"first_visit": True}
    # The birthday itself counts.
    born = today.replace(year=today.year - 30) - timedelta(days=0)
    assert derived_answers(catalogue=catalogue, born=born, day=today, has_earlier_intake=True) == {
        "age": 30,
        "first_visit": False,
    }


def test_the_tablet_shows_what_it_knows_instead_of_asking(client, clinic, ruleset, front_desk):
    person = ClientFactory(clinic=clinic, date_of_birth=date(1980, 5, 1))
    client.force_login(front_desk)
    client.post(reverse("intake:hand_over", args=[person.public_id]))
    html = client.get(reverse("kiosk:section", args=["about_you"])).content.decode()
    age = age_on(date(1980, 5, 1), timezone.localdate())
    assert 'id="f-age"' not in html
    assert 'id="f-first_visit-yes"' not in html
    assert f"Age: {age} (from your date of birth)" in html
    assert "First visit with us: yes (from our records)" in html
    assert 'id="f-main_goal-relaxation"' in html


def test_a_client_with_an_implausible_birth_date_is_asked_their_age(
    client, clinic, ruleset, front_desk
):
    today = timezone.localdate()
    person = ClientFactory(clinic=clinic, date_of_birth=today.replace(year=today.year - 5))
    client.force_login(front_desk)
    client.post(reverse("intake:hand_over", args=[person.public_id]))
    html = client.get(reverse("kiosk:section", args=["about_you"])).content.decode()
    assert 'id="f-age"' in html
    assert Intake.objects.get(client=person).answers == {"first_visit": True}
