"""Tessera settings, read from the environment (12-factor).

Embedded default: no variables set gives SQLite, in-process tasks and DEBUG off.
Production: set DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The embedded default (`make run` sets EMBEDDED=true): one process on http://127.0.0.1,
# its secret key generated once and kept in var/secret_key, cookies sent over plain http.
EMBEDDED = env.bool("EMBEDDED", default=False)
_INSECURE_KEY = "insecure-development-key-set-SECRET_KEY-in-production"


def _kept_secret_key(path: Path) -> str:
    """The key in `path`, made (random, readable by the owner only) the first time."""
    if not path.exists():
        from django.core.management.utils import get_random_secret_key

        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(get_random_secret_key(), encoding="ascii")
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and EMBEDDED:
    SECRET_KEY = _kept_secret_key(
        Path(env.str("SECRET_KEY_FILE", default=str(BASE_DIR / "var" / "secret_key")))
    )
elif not SECRET_KEY and DEBUG:
    SECRET_KEY = _INSECURE_KEY
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "modules.api.errors.csrf_failure"

INSTALLED_APPS = [
    "modules.core",
    "modules.accounts",
    "modules.access",
    "modules.metamodel",
    "modules.records",
    "modules.relations",
    "modules.segmentation",
    "modules.history",
    "modules.changelog",
    "modules.transfer",
    "modules.activity",
    "modules.leads",
    "modules.sales",
    "modules.tasks",
    "modules.webhooks",
    "modules.workspace",
    "modules.demo",
    "wagtail.users",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "simple_history",
    "polymorphic",
    "modules.api",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_guid",
    "project.apps.ProjectConfig",
]

MIDDLEWARE = [
    "project.health.HealthCheckMiddleware",
    "django_guid.middleware.guid_middleware",
    "project.logs.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from STATIC_ROOT (`collectstatic`), with or without DEBUG.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "modules.api.middleware.ApiInputMiddleware",
    "modules.api.throttling.RateLimitHeadersMiddleware",
    "modules.api.idempotency.IdempotencyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "modules.accounts.middleware.PasswordChangeRequiredMiddleware",
    "modules.accounts.middleware.RegionalMiddleware",
    "modules.accounts.middleware.TokenLastUsedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "modules.workspace.middleware.FriendlyNotFoundMiddleware",
    "modules.metamodel.runtime.middleware.SchemaSnapshotMiddleware",
    "modules.records.screens.urlconf.AdminURLConfMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"
ASGI_APPLICATION = "project.asgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (dev server, eager tasks) share one file: wait instead of failing.
    # WAL: readers do not wait for the writer, and a commit is one append (the first
    # migrate of `make run` commits some 200 times).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["modules.accounts.backends.TesseraBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
WAGTAILADMIN_USER_LOGIN_FORM = "modules.accounts.screens.login.LoginForm"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("pl", _("Polish"))]
LOCALE_PATHS = [BASE_DIR / "project" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))

# Redis is broker and cache when REDIS_URL is set; otherwise tasks run in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    "purge-trashed-fields": {
        "task": "modules.metamodel.tasks.purge_trashed_fields",
        "schedule": 60 * 60 * 6,
    },
    "fail-dead-imports": {
        "task": "modules.transfer.tasks.fail_dead_imports",
        "schedule": 60,
    },
    "resume-dead-recomputes": {
        "task": "modules.segmentation.tasks.resume_dead_recomputes",
        "schedule": 60,
    },
    "send-due-webhook-deliveries": {
        "task": "modules.webhooks.tasks.send_due_deliveries",
        "schedule": 60,
    },
}

# Webhooks go only to public addresses, checked on each connection; these networks are
# allowed besides (e.g. 10.0.0.0/8 for a receiver inside your own network).
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
# Seconds to connect to a receiver and to wait for its answer; attempts per delivery (the
# waits between them double from 30 s); deliveries failed for good in a row before the
# webhook is switched off.
WEBHOOK_CONNECT_TIMEOUT = env.float("WEBHOOK_CONNECT_TIMEOUT", default=5.0)
WEBHOOK_READ_TIMEOUT = env.float("WEBHOOK_READ_TIMEOUT", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_DISABLE_AFTER = env.int("WEBHOOK_DISABLE_AFTER", default=10)

# Imports: uploaded files are refused above these limits (bytes, data rows, and for
# xlsx/ods the unpacked size and packing ratio of their zip members). A running import
# whose worker has not reported for IMPORT_LEASE_SECONDS is taken as dead and failed.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Exports as xls, json, yaml or tsv are built in memory: at most this many records; ods,
# whose writer holds the whole document as objects, at most EXPORT_ODS_MAX_ROWS.
EXPORT_LIBRARY_MAX_ROWS = env.int("EXPORT_LIBRARY_MAX_ROWS", default=10_000)
EXPORT_ODS_MAX_ROWS = env.int("EXPORT_ODS_MAX_ROWS", default=2_000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
IMPORT_MAX_PACKING_RATIO = env.int("IMPORT_MAX_PACKING_RATIO", default=200)
# Notes' attachments (modules/activity/files.py).
NOTE_ATTACHMENT_MAX_BYTES = env.int("NOTE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
NOTE_ATTACHMENTS_PER_NOTE = env.int("NOTE_ATTACHMENTS_PER_NOTE", default=10)
NOTE_ATTACHMENT_MAX_UNPACKED_BYTES = env.int(
    "NOTE_ATTACHMENT_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024
)
NOTE_ATTACHMENT_MAX_RATIO = env.int("NOTE_ATTACHMENT_MAX_RATIO", default=100)
IMPORT_LEASE_SECONDS = env.int("IMPORT_LEASE_SECONDS", default=60)
# A running segmentation recompute whose worker has not reported for this long is sent
# again; it goes on from the start, and rows already re-scored are not written twice.
RECOMPUTE_LEASE_SECONDS = env.int("RECOMPUTE_LEASE_SECONDS", default=60)

# Schema changes: how long an ALTER may wait for a table lock before it retries,
# so live traffic never queues behind it for long (PostgreSQL only).
SCHEMA_LOCK_TIMEOUT_MS = env.int("SCHEMA_LOCK_TIMEOUT_MS", default=2000)
SCHEMA_LOCK_RETRIES = env.int("SCHEMA_LOCK_RETRIES", default=5)
# Trashed fields keep their column (and data) this long before a purge drops it.
TRASH_GRACE_DAYS = env.int("TRASH_GRACE_DAYS", default=30)
# The change log exports at most this many changes at once (narrower filters beyond).
HISTORY_EXPORT_LIMIT = env.int("HISTORY_EXPORT_LIMIT", default=100000)

# Users: the paid seats a new installation starts with (administrators change them later),
# how long an invitation link works, and the sign-in lockout (modules/accounts/throttle.py:
# failures per account and address, per address, per account; counted in the cache, so
# Redis shares the count between web processes).
ACCOUNT_SEATS = env.int("ACCOUNT_SEATS", default=25)
INVITATION_EXPIRY_HOURS = env.int("INVITATION_EXPIRY_HOURS", default=72)
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
LOGIN_KNOWN_ADDRESS_DAYS = env.int("LOGIN_KNOWN_ADDRESS_DAYS", default=30)
# The proxies (load balancers) in front of the web processes, as addresses or networks:
# only a connection from one of them has its X-Forwarded-For read. None: the connection's
# own address is the client (modules/core/addresses.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "modules.accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["modules.api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "modules.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["modules.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("LOGIN_THROTTLE_RATE", default="10/min"),
        "lead_intake": env.str("LEAD_INTAKE_THROTTLE_RATE", default="120/min"),
    },
    # DRF's own client address would trust X-Forwarded-For as sent; 0 makes it ignore the
    # header. Tessera's throttles count by `client_address` (TRUSTED_PROXIES) instead.
    "NUM_PROXIES": 0,
}
# Lists count exactly up to this many rows, then report the cap (`count_capped`).
API_COUNT_CAP = env.int("API_COUNT_CAP", default=10000)
API_MAX_PAGE_SIZE = 500
# Requests a minute each API token may make (429 with Retry-After beyond).
API_TOKEN_RATE_LIMIT = env.int("API_TOKEN_RATE_LIMIT", default=600)
# An answer to a POST with an Idempotency-Key is replayed for this long; a key whose first
# request is still running is held at most IDEMPOTENCY_IN_FLIGHT_SECONDS.
IDEMPOTENCY_TTL_SECONDS = env.int("IDEMPOTENCY_TTL_SECONDS", default=24 * 60 * 60)
IDEMPOTENCY_IN_FLIGHT_SECONDS = env.int("IDEMPOTENCY_IN_FLIGHT_SECONDS", default=300)
API_DEFAULT_PAGE_SIZE = 50
SPECTACULAR_SETTINGS = {
    "TITLE": "Tessera API",
    "DESCRIPTION": "Records and metadata of a Tessera CRM. Generated for the current schema.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "modules.api.schema_support.add_error_responses",
        "modules.api.schema_support.add_protocol_headers",
        "modules.api.schema_support.strict_requests",
    ],
    # One name per choice set that several keys share (access settings, record visibility).
    "ENUM_NAME_OVERRIDES": {
        "VisibilityEnum": "modules.access.models.Visibility.values",
        "ActionEnum": "modules.access.models.Action.values",
        "RecordActionEnum": "modules.access.models.RECORD_ACTIONS",
        "ObjectRoleEnum": "modules.access.models.ObjectRole.values",
    },
}

WAGTAIL_SITE_NAME = "Tessera"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# The account page offers the languages Tessera ships, not every one Wagtail has.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# No calls to outside hosts: no release check, no "what's new" banner.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Avatars are uploaded or the default one, never fetched from a gravatar host.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_COMMENTS_ENABLED = False

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# E-mail (invitations, temporary passwords, password resets): the console in the embedded
# default; EMAIL_URL picks SMTP, e.g. smtp+tls://user:password@smtp.example.com:587.
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tessera@localhost")

if not DEBUG:
    # The embedded default serves http://127.0.0.1: a Secure cookie would never come back.
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not EMBEDDED)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not EMBEDDED)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
    X_FRAME_OPTIONS = "DENY"

# Every line carries the request id, the user and the schema version (project/logs.py); one
# JSON object per line unless LOG_FORMAT=text (the default with DEBUG on).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "project.logs.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s "
            "%(schema_version)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s "
            "schema=%(schema_version)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}

# Error reports go to Sentry (or a compatible service) when SENTRY_DSN is set
# (project/apps.py starts the client).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
