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
- every model's field maps, which Django builds on a model's first query;
- what Django and our apps import on first use: the authentication backends, the session
  serializer, the message storage, the date formats of each language, the phone-number data
  of the clinic's region, the database driver and the password hasher's library (imported,
  not connected or used).
Anything that fails here (a template that does not compile) stops gunicorn at start, loudly.
"""

import contextlib
import time
from pathlib import Path

import phonenumbers
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_backends
from django.contrib.auth.hashers import get_hasher
from django.core.exceptions import FieldDoesNotExist
from django.core.files.storage import storages
from django.db.utils import load_backend
from django.http import HttpRequest
from django.template import engines
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import formats, translation
from django.utils.module_loading import import_string

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
