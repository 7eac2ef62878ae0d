"""The demo clinic's day has appointments, in time order, some already screened."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from visits.models import Appointment

pytestmark = pytest.mark.django_db


def test_the_demo_day_has_appointments_once_with_screenings_attached(client, ruleset):
    call_command("seed_demo", verbosity=0, stdout=None)
    call_command("seed_demo", verbosity=0, stdout=None)  # a second run books nothing twice
    booked = Appointment.objects.filter(clinic__slug="riverside-demo")
    assert booked.count() == 7
    assert booked.filter(screening__isnull=False).count() == 5
    client.force_login(User.objects.get(username="frontdesk"))
    html = client.get(reverse("visits:today")).text
    assert html.count('class="appointment-row') == 7
    assert html.index("Chen Smith") < html.index("Maria Garcia") < html.index("Priya Khan")
    client.force_login(User.objects.get(username="therapist"))
    assert client.get(reverse("visits:mine")).text.count('class="appointment-row') == 7
