"""The one cache holds finished PDFs (health data): in production it is the database, shared by
every app server, or none at all (config/settings.py CACHES)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from review import pdf
from tests.config.test_settings import PRODUCTION_ENV, run_manage
from tests.review.helpers import KIDNEY_RED_FLAG, screened

PRINT_CACHE = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"


@pytest.mark.parametrize(
    ("setting", "backend"),
    [
        ({}, "django.core.cache.backends.db.DatabaseCache"),
        ({"CACHE_BACKEND": "none"}, "django.core.cache.backends.dummy.DummyCache"),
    ],
)
def test_production_caches_in_the_database_or_not_at_all(setting, backend):
    result = run_manage("shell", "-c", PRINT_CACHE, env={**PRODUCTION_ENV, **setting})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == backend


def test_production_refuses_a_cache_in_one_process_memory():
    result = run_manage("check", env={**PRODUCTION_ENV, "CACHE_BACKEND": "local"})
    assert result.returncode != 0
    assert "CACHE_BACKEND" in result.stderr


DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache_test",
    }
}


@pytest.mark.django_db
@override_settings(CACHES=DATABASE_CACHE)
def test_a_cached_pdf_is_a_database_row_any_app_server_can_read(ruleset, a_client, therapist):
    call_command("createcachetable", verbosity=0)
    screening = screened(a_client, KIDNEY_RED_FLAG, therapist)
    first = pdf.summary_pdf(screening=screening)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_cache_test")
        assert cursor.fetchone()[0] == 1
    again = pdf.summary_pdf(screening=screening)
    assert (first.from_cache, again.from_cache) == (False, True)
    assert again.content == first.content
