"""Do once, before gunicorn forks its workers, what a worker's first request would otherwise pay.

Called by gunicorn.conf.py (beside manage.py) in the master, once, after the application is
loaded (`preload_app`) and before the workers are forked: every worker starts with the result,
shared copy-on-write. runserver and the tests do not run it. Measured in docs/PERFORMANCE.md,
"A worker's first request" (`manage.py bench_first_request`); held by tests/config/test_warmup.py.

Only what is the same in every process and holds nothing that must not cross a fork: no
database connection, socket, thread or file is opened here (each worker reaches the database
after the fork, in gunicorn.conf.py's post_worker_init). What it loads:
- every URLconf and so every view module, with the reverse table of each language;
- every template of the project and of crispy-forms' Bootstrap 5 pack, compiled (the cached
  loader keeps them), and the tablet's Jinja2 templates;
- the translation catalogues of every language;
- every model's field maps, field lists, column expressions and relation managers, which
  Django builds on a model's first query, and each model's plain SELECT compiled;
- what Django and our apps import on first use: the authentication backends, the session
  serializer, the message storage, the date formats of each language, the phone-number data
  of the clinic's region, the database driver and the password hasher's library (imported,
  not connected or used);
- the regular expressions Django compiles lazily, and those reverse() checks each URL with.
After the fork, each worker (post_worker_init) calls `warm_connection()` and `warm_requests()`:
a SELECT of every table matching no row, then a GET of /health/ and the login page through the
WSGI application; both write nothing.
Anything that fails here (a template that does not compile) stops gunicorn at start, loudly.
"""

import contextlib
import io
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import phonenumbers
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_backends
from django.contrib.auth.hashers import get_hasher
from django.core.exceptions import FieldDoesNotExist
from django.core.files.storage import storages
from django.db.models import Field
from django.db.utils import load_backend
from django.http import HttpRequest
from django.template import engines
from django.urls import NoReverseMatch, URLResolver, get_resolver, get_script_prefix, reverse
from django.urls.resolvers import get_ns_resolver
from django.utils import formats, timezone, translation
from django.utils.functional import SimpleLazyObject, cached_property, empty
from django.utils.module_loading import import_string
from django.utils.translation import trans_real

# crispy-forms renders a form field by field from these; only the pack this project uses.
TEMPLATE_PACKS = ("bootstrap5",)


def warm_up() -> dict[str, float]:
    """Load it all; returns how long each step took, in ms (logged by the gunicorn hook)."""
    steps = {
        "urls": _urls,
        "templates": _templates,
        "translations": _translations,
        "models": _models,
        "libraries": _libraries,
        "regexes": _regexes,  # last: see there
    }
    took = {}
    for name, step in steps.items():
        start = time.perf_counter()
        step()
        took[name] = (time.perf_counter() - start) * 1000
    return took


def _urls() -> None:
    resolver = get_resolver()
    _compile_patterns(resolver)
    for code, _name in settings.LANGUAGES:
        # The reverse table is built per language, on the first reverse() in that language,
        # and one more per namespace ("review:screening"): reverse() looks names up in a
        # resolver made for the namespace, on first use.
        with translation.override(code):
            reverse("home")
            _reverse_in_namespaces(resolver, prefix="")
    from django.conf.urls.i18n import is_language_prefix_patterns_used

    is_language_prefix_patterns_used(settings.ROOT_URLCONF)


def _compile_patterns(resolver: URLResolver) -> None:
    for pattern in resolver.url_patterns:
        pattern.pattern.regex  # noqa: B018 - compiled on first access, then kept
        if isinstance(pattern, URLResolver):
            _compile_patterns(pattern)


def _reverse_in_namespaces(resolver: URLResolver, *, prefix: str) -> None:
    for namespace, (_pattern, inner) in resolver.namespace_dict.items():
        name = f"{prefix}{namespace}"
        with contextlib.suppress(NoReverseMatch):  # no such URL: only its table is built
            reverse(f"{name}:warm-up")
        _reverse_in_namespaces(inner, prefix=f"{name}:")


def _reverse_tables(
    resolver: URLResolver, *, ns_pattern: str = "", converters: dict | None = None
) -> Iterator[URLResolver]:
    """The resolver reverse() reads a name from: the root's, and for a namespaced name the one
    get_ns_resolver() makes (and caches) from the namespaces' joined prefix, as reverse() does."""
    converters = converters or {}
    yield (
        get_ns_resolver(ns_pattern, resolver, tuple(converters.items())) if ns_pattern else resolver
    )
    for extra, inner in resolver.namespace_dict.values():
        yield from _reverse_tables(
            inner,
            ns_pattern=ns_pattern + extra,
            converters={**converters, **inner.pattern.converters},
        )


def _compile_reverse_checks(table: URLResolver) -> None:
    # reverse() checks the URL it built against "^<script prefix><the pattern>" with re.search,
    # and Python compiles (and caches) that regular expression on the first reverse() of each
    # URL name: about 20 on a client's page. The same strings compiled here fill the same cache
    # (re's, 512 entries; this project has fewer patterns).
    prefix = re.escape(get_script_prefix())
    for key in table.reverse_dict:
        for _possibility, pattern, _defaults, _converters in table.reverse_dict.getlist(key):
            re.compile(f"^{prefix}{pattern}")


def django_template_names() -> list[str]:
    """Every template the Django engine serves from the project and the crispy pack."""
    engine = engines["django"].engine  # type: ignore[attr-defined]
    jinja_dirs = [Path(d) for d in engines["jinja2"].template_dirs]
    roots = [Path(d) for d in engine.dirs]
    crispy = Path(apps.get_app_config("crispy_bootstrap5").path) / "templates"
    names = []
    for root in [*roots, crispy]:
        for path in sorted(root.rglob("*.html")):
            if any(path.is_relative_to(d) for d in jinja_dirs):
                continue  # the Jinja2 engine's, below
            name = path.relative_to(root).as_posix()
            if root != crispy or name.split("/")[0] in TEMPLATE_PACKS:
                names.append(name)
    return names


def jinja2_template_names() -> list[str]:
    backend = engines["jinja2"]
    return sorted(
        path.relative_to(root).as_posix()
        for root in map(Path, backend.template_dirs)
        for path in root.rglob("*.html")
    )


def _templates() -> None:
    django_engine = engines["django"]
    for name in django_template_names():
        django_engine.get_template(name)
    django_engine.engine.template_context_processors  # type: ignore[attr-defined]  # noqa: B018
    jinja = engines["jinja2"]
    for name in jinja2_template_names():
        jinja.get_template(name)


def _translations() -> None:
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
        translation.check_for_language(code)
        translation.get_supported_language_variant(code)
        formats.get_format("DATE_FORMAT", lang=code)
    # django.utils.translation hands each function over to trans_real on its first call (and
    # connects two signals then): all of them now.
    for name, function in vars(trans_real).items():
        if callable(function) and getattr(function, "__module__", None) == trans_real.__name__:
            getattr(translation._trans, name)  # type: ignore[attr-defined]
    # The default time zone's file, read from the tz database on first use.
    timezone.get_default_timezone()
    # LocaleMiddleware reads the browser's languages with a regular expression compiled on first
    # use.
    request = HttpRequest()
    request.META["HTTP_ACCEPT_LANGUAGE"] = "es-US,es;q=0.9,en;q=0.8"
    translation.get_language_from_request(request)


def _models() -> None:
    for model in apps.get_models(include_auto_created=True):  # with many-to-many tables
        opts = model._meta
        opts.get_fields()
        # A name that is no field builds both the forward and the full (reverse too) field map.
        with contextlib.suppress(FieldDoesNotExist):
            opts.get_field("warm-up")
        # The rest of what the ORM computes once per model and field, on the first query that
        # needs it: the model's field lists (concrete_fields, db_returning_fields, ...), each
        # field's column expression (cached_col) and the hash of that expression (its
        # `identity`, built with inspect.signature: about 4 ms on a first request), a relation's
        # join paths and target fields.
        _cached_properties(opts)
        for field in opts.get_fields(include_hidden=True):
            _cached_properties(field)
            if isinstance(field, Field) and field.column:  # a column, not a reverse relation
                hash(field.cached_col)
        # The manager class of each reverse and many-to-many relation (client.screenings),
        # which Django builds on the descriptor's first use.
        for descriptor in vars(model).values():
            if type(descriptor).__module__ == "django.db.models.fields.related_descriptors":
                _cached_properties(descriptor)
        # The SQL of the model's plain SELECT, compiled without a connection: the compiler's
        # own first-use paths.
        model._base_manager.all().query.sql_with_params()


def _cached_properties(obj: object) -> None:
    names = {
        name
        for klass in type(obj).__mro__
        for name, value in vars(klass).items()
        if isinstance(value, cached_property)
    }
    for name in sorted(names):
        getattr(obj, name)


def _libraries() -> None:
    get_backends()  # accounts.backends, which imports django.contrib.postgres
    import_string(settings.SESSION_SERIALIZER)
    import_string(settings.MESSAGE_STORAGE)
    # Its metadata and number patterns load when a number of the region is first formatted.
    number = phonenumbers.example_number(settings.CLINIC_PHONE_REGION)
    if number is not None:
        for style in (phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.E164):
            phonenumbers.format_number(number, style)
        phonenumbers.is_valid_number(number)
    load_backend(settings.DATABASES["default"]["ENGINE"])
    hasher = get_hasher()
    if getattr(hasher, "library", None):  # argon2-cffi, for the login page
        hasher._load_library()  # type: ignore[attr-defined]
    # The static files' storage reads its manifest (production: the hashed names) when made.
    storages["staticfiles"]


def _regexes() -> None:
    """The regular expressions a first request would compile: Django's lazily compiled ones, then
    the URL checks of reverse().

    Last of the steps, because the URL checks live in Python's own cache of compiled patterns
    (`re._MAXCACHE`, 512 entries, the oldest dropped first when full), which the steps above
    fill: compiled last, the checks are its newest entries."""
    _lazy_regexes()
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for table in _reverse_tables(resolver):
                _compile_reverse_checks(table)


def _lazy_regexes() -> None:
    """Those Django and the libraries leave to their first use
    (`django.utils.regex_helper._lazy_re_compile`: the validators', CSRF's, the host check's,
    ...; 6-8 of them on a staff page's first request)."""
    for module in list(sys.modules.values()):
        if not isinstance(module, ModuleType):
            continue
        # Kept at module level (django.utils.http) or on a class (the validators).
        for value in list(vars(module).values()):
            found = [value, *vars(value).values()] if isinstance(value, type) else [value]
            for candidate in found:
                if is_lazy_regex(candidate):
                    candidate._setup()


def is_lazy_regex(value: object) -> bool:
    # type(), not isinstance(): isinstance() would ask any other lazy object for its __class__,
    # which evaluates it. Only those made by _lazy_re_compile, still unevaluated, are forced.
    if type(value) is not SimpleLazyObject:
        return False
    setup = object.__getattribute__(value, "_setupfunc") if _unevaluated(value) else None
    return getattr(setup, "__qualname__", "") == "_lazy_re_compile.<locals>._compile"


def _unevaluated(value: SimpleLazyObject) -> bool:
    return object.__getattribute__(value, "_wrapped") is empty


def warm_connection() -> int:
    """After the fork, in each worker, on the connection its first request will use (a sync
    worker keeps it): one SELECT of every column of every table, matching no row
    (`WHERE <pk> IS NULL`). Returns how many tables were read.

    A new PostgreSQL backend loads the catalogue entries of each table, index and column type
    on the first statement that touches it, and psycopg picks its loaders for the result's
    types on first sight: a fresh worker's first page paid about 5 ms more in its statements
    than its tenth for the same ones. Reads only, through each model's plain manager (no
    audit event, no session; nothing is written)."""
    tables = 0
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue  # a proxy reads its concrete model's table; an unmanaged one may not exist
        list(model._base_manager.filter(pk__isnull=True))
        tables += 1
    return tables


# The pages warm_requests() asks for: public, and a GET of each writes nothing (the health
# check reads `SELECT 1`; the login form only sets the CSRF cookie, which is not in the session;
# the tablet's home without a kiosk session is a redirect to "this form is closed": it warms the
# kiosk's middleware and decorator, not the view, whose reads statements.warm() runs).
WARM_PAGES = ("health", "accounts:login", "kiosk:home")


def warm_requests(application: Callable) -> dict[str, int]:
    """After the fork, in each worker: one anonymous GET of each of WARM_PAGES through the WSGI
    application, as gunicorn would call it. Returns each path's status.

    What the steps above cannot reach: the first pass through the middleware and the handler,
    the first template render and response of the process (the memory the allocator hands out
    after the fork), the first statement of a cursor. Nothing is written: no session (nothing
    is stored in one), no audit event (neither page is audited), no login attempt; the responses
    are thrown away. Each carries a session cookie no session has, so the session read, the
    first statement of nearly every request, has run once on this connection (the database's
    catalogue and statistics entries for its tables loaded); a session that does not exist is
    not made (nothing is put in it)."""
    host = _allowed_host()
    statuses: dict[str, int] = {}
    status: list[str] = []

    def start_response(line: str, headers: list, exc_info: object = None) -> None:
        status.append(line)

    for name in WARM_PAGES:
        path = reverse(name)
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
            # As the TLS proxy in front of gunicorn sends it: no redirect to HTTPS.
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_ACCEPT_ENCODING": "gzip",
            "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}=warm{secrets.token_hex(16)}",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        response = application(environ, start_response)
        try:
            b"".join(response)
        finally:
            if hasattr(response, "close"):
                response.close()  # request_finished: what gunicorn does after each response
        statuses[path] = int(status.pop().split()[0])
    return statuses


def _allowed_host() -> str:
    """A name ALLOWED_HOSTS accepts (a ".example.com" entry accepts "example.com")."""
    for host in settings.ALLOWED_HOSTS:
        if host != "*":
            return host.lstrip(".")
    return "localhost"
