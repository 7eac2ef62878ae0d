import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789-abcdefghij",
    "AUDIT_HMAC_KEY": "an-audit-chain-key-that-is-long-and-random-9876543210-zyxwvutsrqpo",
    "ALLOWED_HOSTS": "clinic.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/massage_screening",
}


def run_manage(*args, env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    dropped = {*PRODUCTION_ENV, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "AUDIT_HMAC_KEY"])
def test_production_refuses_to_start_without_required_settings(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_sqlite():
    result = run_manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///x.sqlite3"})
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_a_mistyped_boolean_stops_the_process():
    result = run_manage("check", env={**PRODUCTION_ENV, "DEBUG": "flase"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(PRODUCTION_ENV["SECRET_KEY"])
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", "--deploy", env={**env, "SECRET_KEY_FILE": str(secret)})
    assert result.returncode == 0, result.stderr


def test_production_refuses_debug():
    result = run_manage("check", env={**PRODUCTION_ENV, "DEBUG": "true"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG must be false when DJANGO_ENV=production" in result.stderr


@pytest.mark.parametrize(
    "weak",
    [
        "x",
        "short-but-not-empty-0123456789",
        "a" * 80,
        "abcd" * 20,
        "django-insecure-" + "k3y!a9Z_q7mW2xR8vT5nB1cL6pD4fH0jG" * 2,
    ],
    ids=["one-character", "under-50", "one-repeated", "four-unique", "django-insecure"],
)
def test_production_refuses_a_weak_secret_key(weak):
    result = run_manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": weak})
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for DJANGO_ENV=production" in result.stderr
    if len(weak) > 20:
        assert weak not in result.stderr  # the message names the rule, never the key


def test_development_still_accepts_a_short_key():
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x", "DEBUG": "true"}
    result = run_manage("check", env={**env, "DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"]})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("short-key", "AUDIT_HMAC_KEY is too weak"),
        (PRODUCTION_ENV["SECRET_KEY"], "AUDIT_HMAC_KEY must not be the SECRET_KEY"),
    ],
)
def test_production_refuses_a_weak_or_reused_audit_key(key, message):
    result = run_manage("check", env={**PRODUCTION_ENV, "AUDIT_HMAC_KEY": key})
    assert result.returncode != 0
    assert message in result.stderr


def test_every_postgresql_alias_gets_the_backend_with_the_cheap_health_check():
    # config/postgresql: the primary and, when there is one, the replica.
    script = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.DATABASES['replica']['ENGINE'])"  # noqa: E501
    env = {**PRODUCTION_ENV, "DATABASE_REPLICA_URL": "postgres://reader@127.0.0.1:5433/replica"}
    result = run_manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["config.postgresql", "config.postgresql"]


def test_production_serves_static_files_compressed(tmp_path):
    """In production collectstatic writes a gzip copy of each text file beside it (WhiteNoise
    serves it to a browser that accepts gzip) under a hashed, cacheable name."""
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)}
    result = run_manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    styles = list((tmp_path / "css").glob("intake.*.css"))
    assert styles, sorted(p.name for p in (tmp_path / "css").iterdir())
    assert styles[0].with_name(styles[0].name + ".gz").exists()
