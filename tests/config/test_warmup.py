"""The warm-up before gunicorn forks (config/warmup.py, gunicorn.conf.py) does what it says: the
URLconf, templates and translations loaded, the ORM's per-model caches and the lazy regular
expressions filled, no database reached; each worker then compiles the rule sets in use, reads
every table once and asks for two public pages, writing nothing. Not timed:
`manage.py bench_first_request` measures (docs/PERFORMANCE.md)."""

import importlib.util
import logging
import os
import re
import secrets
import subprocess  # starts our own gunicorn, fixed argv  # nosec B404
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core import validators
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections
from django.template import TemplateSyntaxError, engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, get_script_prefix, reverse
from django.urls.resolvers import get_ns_resolver
from django.utils import timezone
from django.utils.translation import trans_real
from gunicorn.workers.sync import SyncWorker

from accounts.models import Session
from audit.models import AuditEvent
from config import statements, warmup
from intake import presenters
from rules import selectors

STEPS = {"urls", "templates", "translations", "models", "libraries", "regexes"}

ROOT = Path(__file__).resolve().parents[2]


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cached_templates():
    loader = engines["django"].engine.template_loaders[0]  # the cached loader
    return {name for name, template in loader.get_template_cache.items() if template}


def test_warm_up_loads_urls_templates_and_translations_without_the_database():
    # No django_db mark: pytest-django fails any query made here (and the test below starts
    # gunicorn on a database nobody listens on).
    took = warmup.warm_up()

    assert set(took) == STEPS
    resolver = get_resolver()
    assert {"en", "es"} <= set(resolver._reverse_dict)  # the reverse table of each language
    assert {"review.views", "visits.kiosk_views", "oversight.views"} <= set(sys.modules)
    names = warmup.django_template_names()
    assert {"base.html", "visits/client.html", "bootstrap5/field.html"} <= set(names)
    assert not any(name.startswith("jinja2/") for name in names)
    assert set(names) <= _cached_templates()
    jinja = engines["jinja2"].env
    jinja_names = warmup.jinja2_template_names()
    assert {"intake/questions.html", "oversight/select.html"} <= set(jinja_names)
    assert len(jinja.cache) >= len(jinja_names)
    assert {"en", "es"} <= set(trans_real._translations)


def test_gunicorn_preloads_and_warms_the_application_in_the_master():
    conf = _gunicorn_conf()
    assert conf.preload_app is True
    conf.on_starting(SimpleNamespace(cfg=SimpleNamespace(preload_app=True)))
    assert set(conf.warmed_in_ms) == STEPS


def test_a_template_that_does_not_compile_stops_gunicorn_at_start(tmp_path, settings):
    (tmp_path / "broken.html").write_text("{% if %}never closed")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}, *settings.TEMPLATES[1:]]
    conf = _gunicorn_conf()
    with pytest.raises(TemplateSyntaxError):  # raised out of on_starting: the master exits
        conf.on_starting(SimpleNamespace(cfg=SimpleNamespace(preload_app=True)))


@pytest.fixture
def without_closing_connections():
    """As Django's test client does: a request through the handler would otherwise close the
    test's connection, which holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_warm_up_fills_what_the_orm_and_the_regular_expressions_leave_to_first_use():
    warmup.warm_up()  # no database, as above

    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        assert "concrete_fields" in vars(opts)
        assert "db_returning_fields" in vars(opts)
        for field in opts.concrete_fields:
            assert "cached_col" in vars(field)
            assert "identity" in vars(field.cached_col)  # hashed: the identity is computed
    # The related manager class of a reverse relation (client.screenings) is built.
    assert "related_manager_cls" in vars(apps.get_model("clients", "Client").screenings)
    # Django's lazily compiled regular expressions (validators, ...) are compiled; none is left.
    assert validators.URLValidator.regex._wrapped is not warmup.empty
    left = [
        value
        for module in list(sys.modules.values())
        if isinstance(module, warmup.ModuleType)
        for value in list(vars(module).values())
        if warmup.is_lazy_regex(value)
    ]
    assert left == []
    # reverse()'s check of the URL it built is already in re's cache, for a namespaced name too.
    screening = get_ns_resolver("review/", get_resolver().namespace_dict["review"][1], ())
    [(_possibility, pattern, _defaults, _converters)] = screening.reverse_dict.getlist("screening")
    key = (str, f"^{re.escape(get_script_prefix())}{pattern}", 0)
    assert key in re._cache  # type: ignore[attr-defined]
    assert timezone.get_default_timezone.cache_info().currsize == 1
    # django.utils.translation has handed its functions over to trans_real.
    assert "gettext" in vars(warmup.translation._trans)
    assert "npgettext" in vars(warmup.translation._trans)


def test_a_lazy_object_that_is_no_regular_expression_is_left_alone():
    calls = []
    lazy = warmup.SimpleLazyObject(lambda: calls.append("evaluated"))
    assert warmup.is_lazy_regex(lazy) is False
    assert calls == []


@pytest.mark.django_db
def test_each_worker_reads_every_table_its_lookups_and_three_public_pages_writing_nothing(
    ruleset, without_closing_connections
):
    assert get_resolver().url_patterns  # as the master's warm-up: every view module imported
    sessions, events = Session.objects.count(), AuditEvent.objects.count()
    with CaptureQueriesContext(connections["default"]) as queries:
        tables = warmup.warm_connection()
        lookups = statements.warm()
        statuses = warmup.warm_requests(WSGIHandler())

    assert tables >= 40
    # The tablet's draft lookups and the submit's (intake.selectors, intake.services), the staff
    # pages' reads of a client and a screening (visits.selectors, review.selectors): compiled.
    assert lookups == len(statements.WARMED) == 10
    assert all("default" in lookup._compiled for lookup in statements.WARMED)
    assert statuses == {
        reverse("health"): 200,
        reverse("accounts:login"): 200,
        reverse("kiosk:home"): 302,
    }
    sql = [q["sql"] for q in queries.captured_queries]
    assert {s.split()[0].upper() for s in sql} <= {"SELECT", "SAVEPOINT", "RELEASE"}, sql
    # The session read ran (for the cookie that names no session) and found nothing to keep.
    assert any("accounts_session" in s for s in sql)
    assert (Session.objects.count(), AuditEvent.objects.count()) == (sessions, events)
    # That 302 is "this form is closed" (no kiosk session), not a login page.
    assert Client().get(reverse("kiosk:home"))["Location"] == reverse("kiosk:ended")


@pytest.mark.django_db
def test_each_worker_compiles_the_rule_sets_in_use_before_its_first_request(
    ruleset, monkeypatch, caplog, without_closing_connections
):
    monkeypatch.setattr(selectors, "_COMPILED", {})
    monkeypatch.setattr(presenters, "_STATIC", {})
    conf = _gunicorn_conf()
    worker = SyncWorker.__new__(SyncWorker)  # gunicorn's default worker, not started
    worker.pid, worker.log = 1, logging.getLogger("gunicorn.test")
    worker.wsgi = WSGIHandler()
    with caplog.at_level(logging.INFO, logger="gunicorn.test"):
        conf.post_worker_init(worker)
    assert selectors.compiled_if_loaded(ruleset.checksum) is not None
    assert "worker ready (pid 1)" in caplog.text
    assert "1 rule sets compiled, " in caplog.text
    # Each of its questions, in both languages, as the section pages show them.
    catalogue = selectors.compiled_if_loaded(ruleset.checksum)[0]
    assert f"{2 * len(catalogue.questions)} questions prepared" in caplog.text
    assert all(
        (catalogue.version, lang, q.id) in presenters._STATIC
        for lang in ("en", "es")
        for q in catalogue.questions
    )
    assert "10 compiled lookups run" in caplog.text
    assert "pages {'/health/': 200, '/accounts/login/': 200, '/kiosk/': 302} asked for" in (
        caplog.text
    )
    # A sync worker answers in this thread: the connection stays for its first request.
    assert connections["default"].connection is not None


@pytest.mark.parametrize("script", ["scripts/docker-start", "scripts/loadtest"])
def test_every_server_script_runs_gunicorn_with_the_configuration(script):
    assert "-c gunicorn.conf.py" in (ROOT / script).read_text()


def test_gunicorn_starts_its_workers_warm_without_reaching_the_database(tmp_path):
    # The production settings on a database nobody listens on: a query before the fork would
    # stop the master; after the fork, the worker logs that it could not compile the rule
    # sets, and starts anyway. No static files collected: the warm-up does not need them.
    log = tmp_path / "gunicorn.log"
    log.write_text("")
    for name in ("secret_key", "audit_key"):
        (tmp_path / name).write_text(secrets.token_urlsafe(50))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
        "AUDIT_HMAC_KEY_FILE": str(tmp_path / "audit_key"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nowhere",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    argv = [str(gunicorn), "-c", "gunicorn.conf.py", "config.wsgi:application", "--workers", "1",
            "--no-control-socket", "--bind", f"unix:{tmp_path / 'socket'}",
            "--error-logfile", str(log)]  # fmt: skip
    server = subprocess.Popen(argv, cwd=ROOT, env=env)  # nosec B603
    try:
        deadline = time.monotonic() + 60
        while "worker ready" not in log.read_text() and time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            time.sleep(0.1)
        text = log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "worker ready" in text
    assert "warmed before the fork, ms: urls" in text
    assert "could not compile the rule sets in use" in text  # the first database access
    # The error's kind, not the driver's message with the database's address and user.
    assert "(OperationalError)" in text
    assert "nobody" not in text
    assert "port 9" not in text
    assert "Traceback" not in text
    assert text.index("Booting worker") < text.index("could not compile")


@pytest.mark.django_db
def test_a_bug_in_a_warm_up_step_is_logged_with_its_traceback_and_the_worker_starts(
    ruleset, monkeypatch, caplog, without_closing_connections
):
    def broken():
        raise ValueError("a lookup that cannot compile")

    monkeypatch.setattr(statements, "warm", broken)
    conf = _gunicorn_conf()
    worker = SyncWorker.__new__(SyncWorker)
    worker.pid, worker.log = 1, logging.getLogger("gunicorn.test")
    worker.wsgi = WSGIHandler()
    with caplog.at_level(logging.INFO, logger="gunicorn.test"):
        conf.post_worker_init(worker)
    assert "a warm-up step failed" in caplog.text
    assert "a lookup that cannot compile" in caplog.text  # the traceback, not only its kind
    assert "could not compile the rule sets" not in caplog.text  # not called a database outage
    assert "worker ready (pid 1)" in caplog.text
