"""Test settings: PostgreSQL (the production database), a fast hasher, local-memory cache."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/massage_screening")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Tests serve static files through the finders, as runserver does; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A database per test process: parallel runs (xdist workers, two checkouts, a developer and CI)
# never drop each other's test database.
DATABASES["default"]["TEST"] = {"NAME": f"test_massage_screening_{os.getpid()}"}  # noqa: F405

# Two-factor authentication is switched on by the tests that exercise it
# (tests/foundation/test_security.py); other tests log staff in with force_login.
TWO_FACTOR_ROLES = []
