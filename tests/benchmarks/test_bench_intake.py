"""The intake page benchmark (docs/PERFORMANCE.md) still runs, and leaves nothing behind."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Clinic
from contraindications.engine import load_default_catalogue


@pytest.mark.django_db
def test_bench_intake_times_every_section_and_rolls_back():
    out = StringIO()
    call_command("bench_intake", renders=2, stdout=out)
    timed = [line.split()[0] for line in out.getvalue().splitlines()[1:]]
    assert timed == list(load_default_catalogue().sections)
    assert not Clinic.objects.filter(slug="bench-intake-clinic").exists()
