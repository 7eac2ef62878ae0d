"""Settings for the massage-clinic screening service, read from the environment.

Two shapes: the local demo (no variables set: SQLite file, debug on, a generated secret key)
and production (DJANGO_ENV=production: secret key, hosts and database are required, every
transport protection on). See docs/DEPLOY.md and the README.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_int, env_list, strong_secret_key_problem

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("APP_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    # Debug pages show settings, SQL and tracebacks with client data to anyone.
    raise ImproperlyConfigured("DEBUG must be false when DJANGO_ENV=production")


def _local_secret_key() -> str:
    # The demo keeps its generated key in var/ so logins survive a restart.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when DJANGO_ENV=production")
    SECRET_KEY = _local_secret_key()
if PRODUCTION and (problem := strong_secret_key_problem(SECRET_KEY)):
    raise ImproperlyConfigured(f"SECRET_KEY is too weak for DJANGO_ENV=production: {problem}")

# The key of the audit trail's HMAC chain (audit/chain.py). The database never holds it, so
# whoever can rewrite the audit table (its owner, a superuser, the disk) still cannot recompute
# valid hashes. Production requires its own strong key (AUDIT_HMAC_KEY or AUDIT_HMAC_KEY_FILE),
# never the SECRET_KEY; changing it later breaks verification of every existing event.
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY")
if not AUDIT_HMAC_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY is required when DJANGO_ENV=production")
    # Development and tests: derived from the secret key, stable across restarts.
    AUDIT_HMAC_KEY = hmac.new(SECRET_KEY.encode(), b"audit-hmac-chain", hashlib.sha256).hexdigest()
elif PRODUCTION:
    if AUDIT_HMAC_KEY == SECRET_KEY:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY must not be the SECRET_KEY")
    if problem := strong_secret_key_problem(AUDIT_HMAC_KEY):
        raise ImproperlyConfigured(
            f"AUDIT_HMAC_KEY is too weak for DJANGO_ENV=production: {problem}"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DJANGO_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "config.admin_site.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the widget templates, for FORM_RENDERER
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    # The task queue (PostgreSQL): previsit's emails and text messages leave off the request.
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "audit",
    # Along the data flow: each app imports only the ones above it (tests/test_layers.py).
    "clients",
    "rules",
    "intake",
    "review",
    "visits",
    "previsit",
    "tablets",
    "interop",
    "oversight",
    "ops",
    "demo",
    # Holds only the migrations that created the tables rules/ and review/ now own.
    "contraindications",
]
if not PRODUCTION:
    INSTALLED_APPS.append("benchmarks")  # bench_intake, bench_pdf (docs/PERFORMANCE.md)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # HTML compressed (a kiosk section page: about a tenth of its size). BREACH: Django masks
    # the CSRF token anew in every response and this middleware pads each gzip stream by a
    # random length ("Heal the Breach"); the pages that print a long-lived secret, and the
    # admin, go uncompressed (config/compression.py; docs/DEPLOY.md, "Compression").
    "config.compression.CompressionMiddleware",
    # Logs once when X-Forwarded-For arrives but TRUSTED_PROXY_COUNT=0 (the header is ignored).
    "config.client_ip.UntrustedForwardedForMiddleware",
    # A database outage is a 503 with a calm page (or JSON for the tablet), not a stack trace.
    "config.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, taking the user from the session's own query (accounts/sessions.py).
    "accounts.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SlidingSessionMiddleware",
    # Lets row-change history (audit/history.py) record who changed a row and from where.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Ends a phone's session when its link closes; no-store and no referrer on link pages.
    "previsit.middleware.PrevisitMiddleware",
    # An enrolled tablet reaches only its waiting page and the intake sent to it.
    "tablets.middleware.TabletMiddleware",
    # Confines a tablet handed to a client to the kiosk pages (after sessions and auth).
    "intake.kiosk.KioskMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Therapists and owners finish a second factor before any page (accounts/two_factor.py).
    "accounts.two_factor.TwoFactorMiddleware",
    # Last: sees every failed login attempt and answers a locked-out client.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The user, its clinic and its roles in one query (accounts/backends.py).
    "accounts.backends.ClinicModelBackend",
    # Only so that sessions begun before ClinicModelBackend existed stay signed in.
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.staff_role",
            ],
        },
    },
    {
        # Only hot markup: the tablet's questions, the dashboard's charts and long selects
        # (docs/ARCHITECTURE.md, "Templates").
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]
# Form widgets render through TEMPLATES, so templates/admin/widgets/ overrides the admin's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# SQLite is the embedded default so a newcomer needs no server; production uses PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'clinic.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# The password may be kept out of the URL (and out of `ps` and logs) in a secret file.
if database_password := env("DATABASE_PASSWORD"):
    DATABASES["default"]["PASSWORD"] = database_password
# Owner dashboards and exports may read from a streaming replica (config/db_router.py).
if replica_url := env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        replica_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    if database_password:
        DATABASES["replica"]["PASSWORD"] = database_password
DATABASE_REPLICA_READS = "replica" in DATABASES
# PostgreSQL through Django's backend with a health check that needs no round trip while the
# connection is busy (config/postgresql/base.py).
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database["ENGINE"] = "config.postgresql"
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
# The runtime role the web app logs in as (DATABASE_URL); `manage.py grant_app_role`, run by the
# schema owner after migrate, gives it its privileges (docs/DEPLOY.md, "The database roles").
APP_DB_ROLE = env("APP_DB_ROLE", "clinic_app")
if PRODUCTION and DATABASES["default"]["ENGINE"] != "config.postgresql":
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL=postgres://...")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "accounts.hashers.ClinicArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# Phone numbers without a country code are read as numbers of this region.
CLINIC_PHONE_REGION = env("CLINIC_PHONE_REGION", "US")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# The one cache (the finished-PDF cache, review/pdf.py) holds health data, so in production it
# lives in the database, shared by every app server and protected as the records are, never in
# an unencrypted shared memory store. `manage.py createcachetable` makes its table (scripts/run,
# scripts/docker-migrate). CACHE_BACKEND=none turns it off (every download renders anew);
# development defaults to each process's own memory, so runserver needs no cache table.
CACHE_BACKENDS: dict[str, dict[str, object]] = {
    "none": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 2000)},
    },
}
_cache_backend = env("CACHE_BACKEND", "database" if PRODUCTION else "local")
if _cache_backend not in CACHE_BACKENDS or (PRODUCTION and _cache_backend == "local"):
    raise ImproperlyConfigured("CACHE_BACKEND is database or none (local only in development)")
CACHES = {"default": CACHE_BACKENDS[_cache_backend]}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Idle logout: the session lasts this long after the last request (sliding); pages warn a
# minute before (static/js/idle.js) and keep what was typed.
STAFF_IDLE_SECONDS = env_int("STAFF_IDLE_SECONDS", 15 * 60)
# In the database with the signed-in user's id beside it: session and user in one query.
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = STAFF_IDLE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login throttling (django-axes, two tiers: accounts/throttling.py): 5 failures for a username
# from any address, or 20 from one address for any usernames, lock for 15 minutes; tries during
# a lockout do not extend it; owners lift their staff's locks (accounts/lockouts.py).
# X-Forwarded-For is trusted only when TRUSTED_PROXY_COUNT says how many proxies set it: with no
# proxy in front, a client could otherwise choose its own address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_HANDLER = "accounts.throttling.TieredLockoutHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_VERBOSE = False

# Two-factor authentication (TOTP, django-otp) is required for these roles in production; the
# laptop demo leaves it off unless asked (TWO_FACTOR_ROLES=Therapist,Owner). "none" turns it off.
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", ["Therapist", "Owner"] if PRODUCTION else [])
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Clinic screening")
# The admin shows no authenticator's key (or its QR code): a key, once set up, is never shown
# again to anyone, so it cannot be read off a screen or out of a page's compressed size.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Content Security Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Behind the clinic's TLS proxy (see docs/DEPLOY.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No traceback of a database outage: it names the database's host, port and user.
    "filters": {
        "no_db_details": {"()": "config.middleware.HideDatabaseErrorDetails"},
        # An intake link's token is in its first URL: the request log never shows it.
        "no_link_tokens": {"()": "previsit.logging.HideLinkTokens"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_db_details", "no_link_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every step at INFO; only its warnings matter in the log.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Lockouts are logged at WARNING; every successful login is not news.
        "axes": {"level": "WARNING"},
        # Filtered where the record is made, so every handler (not only ours) gets it clean.
        "django.request": {"filters": ["no_db_details", "no_link_tokens"]},
        "django.server": {"filters": ["no_db_details", "no_link_tokens"]},
    },
}

# The intake before the visit (previsit/, docs/PREVISIT.md): the address links point at, the
# sender of its email, the SMS provider, and the task queue that sends both off the request.
PREVISIT_BASE_URL = env("PREVISIT_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "intake@localhost")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
SMS_BACKEND = env("SMS_BACKEND", "previsit.sms.TwilioStyleBackend")
SMS_API_URL = env("SMS_API_URL", "")
SMS_ACCOUNT = env("SMS_ACCOUNT", "")
SMS_TOKEN = env("SMS_TOKEN", "")
SMS_FROM = env("SMS_FROM", "")
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", 15)
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "previsit"],
    }
}

# A tablet left alone this long in a client's hands ends its kiosk session (answers are kept).
KIOSK_IDLE_SECONDS = env_int("KIOSK_IDLE_SECONDS", 600)

# Where the versioned intake catalogue and rule set live (loaded with `load_rules`).
FIXTURES_DIR = BASE_DIR / "fixtures"
