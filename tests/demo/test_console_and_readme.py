"""What a newcomer reads on the console and in the README is true."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command

from review import booking

README = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("0.0.0.0:9000", "http://localhost:9000/"),
        ("192.168.1.20:8080", "http://192.168.1.20:8080/"),
        ("8001", "http://127.0.0.1:8001/"),
    ],
)
def test_the_printed_login_address_follows_bind(ruleset, address, url):
    out = io.StringIO()
    call_command("seed_demo", address=address, stdout=out)
    assert f"Log in at {url} with:" in out.getvalue()


def test_make_run_passes_bind_to_the_demo_and_the_readme_documents_it():
    run = (settings.BASE_DIR / "scripts" / "run").read_text(encoding="utf-8")
    assert 'seed_demo --address "${BIND:-127.0.0.1:8000}"' in run
    assert 'runserver "${BIND:-127.0.0.1:8000}"' in run
    assert "BIND=0.0.0.0:8000 make run" in README


def test_the_readme_names_every_booking_status_and_no_other():
    statuses = {
        status.label
        for status in vars(booking).values()
        if isinstance(status, booking.BookingStatus)
    }
    listed = re.search(r"booking status\s+\(([^)]*(?:\([^)]*\)[^)]*)*)\)", README)
    assert listed, "README lists the booking statuses in brackets"
    named = {" ".join(part.split()) for part in listed.group(1).split(";")}
    assert named == statuses
