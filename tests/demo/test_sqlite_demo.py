"""The embedded default: a newcomer runs the app on SQLite with no database server. The demo
clinic is seeded into a fresh SQLite file and the pages each role opens most are asked for,
as the browser would, in that process (the suite itself runs on PostgreSQL, so a query only
PostgreSQL understands, or a parameter in PostgreSQL's form, would pass there and fail here)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PAGES = """
from django.test import Client
from django.urls import get_resolver, reverse
from accounts.models import User
from config import statements
from review.models import Screening

get_resolver().url_patterns  # every view module imported, as in a worker
warmed = statements.warm()  # the worker's warm-up: it skips only PostgreSQL's own SQL
assert warmed == len([q for q in statements.WARMED if q.vendor is None]) >= 8, warmed
therapist = User.objects.get(username="therapist")
browser = Client(HTTP_HOST="127.0.0.1")  # an allowed host of the development settings
browser.force_login(therapist)
screening = Screening.objects.filter(clinic_id=therapist.clinic_id).latest("created_at")
for url in (
    reverse("home"),
    reverse("visits:client", args=[screening.client.public_id]),
    reverse("review:screening", args=[screening.public_id]),
    reverse("review:today"),
    reverse("visits:today"),
):
    response = browser.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
print("pages ok")
"""


def test_the_demo_clinic_runs_on_sqlite(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'clinic.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        TWO_FACTOR_ROLES="none",
    )

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=500,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        return result.stdout

    manage("migrate", "--noinput", "-v", "0")
    manage("load_rules")
    manage("seed_demo")
    assert "pages ok" in manage("shell", "-c", PAGES)
