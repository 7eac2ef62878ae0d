"""Test settings: PostgreSQL (the production database), a fast hasher, local-memory cache."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/massage_screening")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Tests serve static files through the finders, as runserver does; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The test database is named after the database in DATABASE_URL (pytest-django adds _gw0, _gw1
# for xdist workers), so the name is fixed and `--reuse-db` works; two checkouts that must not
# share one point DATABASE_URL at different databases.
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}"}  # noqa: F405
# A replica alias that is the test database itself (Django's TEST MIRROR), for
# tests/config/test_db_router.py; reads go to it only where a test turns the setting on.
if DATABASES["default"]["ENGINE"] == "config.postgresql":  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_REPLICA_READS = False

# Two-factor authentication is switched on by the tests that exercise it
# (tests/accounts/test_security.py); other tests log staff in with force_login.
TWO_FACTOR_ROLES = []

# Tasks run at once in the test process; tests/previsit/test_delivery.py runs the database
# backend and its worker. Mail stays in django.core.mail.outbox unless a test says otherwise.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "previsit"],
    }
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "previsit.sms.ConsoleBackend"
