"""chengguan settings: one module, read from the environment and validated at start-up.

Policy (time limits, benchmarks, working hours …) lives in the database and is edited by admins;
only deployment facts live here.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from chengguan.core.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_secret,
    env_str,
    env_timezone,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("CHENGGUAN_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY") or ""
if not SECRET_KEY:
    if DEBUG or env_bool("CHENGGUAN_INSECURE_DEV_KEY", True):
        # Development and tests only; the `chengguan.E002` check refuses it when DEBUG is off
        # and CHENGGUAN_INSECURE_DEV_KEY is switched off for production.
        SECRET_KEY = "chengguan-insecure-development-key-change-me"
    else:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "chengguan.core",
    "chengguan.org",
    "chengguan.geo",
    "chengguan.simulate",
    "chengguan.workdays",
    "chengguan.catalog",
    "chengguan.audit",
    "chengguan.evidence",
    "chengguan.cases",
    "chengguan.evaluation",
    "chengguan.enforcement",
    "chengguan.penalty",
    "chengguan.seizures",
    "chengguan.pledges",
    "chengguan.documents",
    "chengguan.open311",
    "chengguan.portal",
    "chengguan.staff",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chengguan.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "chengguan.urls"
WSGI_APPLICATION = "chengguan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
# Default: SQLite in WAL mode under var/. DATABASE_URL=postgres://… switches to PostgreSQL.
_default_sqlite = f"sqlite:///{VAR_DIR / 'chengguan.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_sqlite)
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000;"
        ),
    }
    _db["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or None}
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL uses {_db['ENGINE']!r}; chengguan supports sqlite:// and postgres:// only"
    )
DATABASES = {"default": _db}
# Rate limits and throttles count in the cache: a cache every server process shares (files under
# var/ by default; CACHE_LOCATION moves it).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("CACHE_LOCATION", str(VAR_DIR / "cache")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # stored times are aware UTC; the city's zone is explicit below
CITY_TIME_ZONE = env_timezone("CITY_TIME_ZONE", "Asia/Shanghai")

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

# --- territory and routing ------------------------------------------------------------------
# Distance in metres within which a point belongs to the nearest beat road.
BEAT_ROAD_DISTANCE_M = env_float("BEAT_ROAD_DISTANCE_M", 30.0, minimum=0.5)
# Side of the cells of the locate index, in metres (smaller: faster lookups, more memory).
LOCATE_CELL_M = env_float("LOCATE_CELL_M", 2.0, minimum=0.1)
# Upper bound on index cells per layer; the cell grows to stay under it for very large cities.
LOCATE_MAX_CELLS = env_int("LOCATE_MAX_CELLS", 16_000_000, minimum=10_000)
# How often (seconds) a process asks the database whether the territory changed.
LOCATE_VERSION_TTL_S = env_float("LOCATE_VERSION_TTL_S", 2.0, minimum=0.0)
# How long (seconds) a process keeps configuration it reads on every report (core/memo.py); 0: off.
CONFIG_MEMO_TTL_S = env_float("CONFIG_MEMO_TTL_S", 2.0, minimum=0.0)
# The intake writer's socket (cases/writer.py): set it, and run `chengguan intake_writer`, to have
# one process store the reports of all server workers. Empty: each worker stores its own.
INTAKE_WRITER_SOCKET = env_str("INTAKE_WRITER_SOCKET", "")
# Optional background tiles for maps (no internet needed without it), e.g. an intranet tile server.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")

LOGIN_URL = "admin:login"

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "chengguan.core.api.exception_handler",
    # anonymous citizen reports: per address
    "DEFAULT_THROTTLE_RATES": {"intake": env_str("INTAKE_THROTTLE_RATE", "30/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "chengguan API",
    "DESCRIPTION": "Urban management law enforcement and digital city management",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the vendored sidecar package: the docs work without internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Shared secret of the camera-analytics webhook (HMAC-SHA256 of the request body).
CAMERA_WEBHOOK_SECRET = env_secret("CAMERA_WEBHOOK_SECRET") or ""
# Uploaded evidence: largest file accepted, in megabytes.
EVIDENCE_MAX_MB = env_int("EVIDENCE_MAX_MB", 50, minimum=1)
# A photo taken further than this from the report's time or place is flagged (never refused).
EVIDENCE_TIME_TOLERANCE_MIN = env_int("EVIDENCE_TIME_TOLERANCE_MIN", 30, minimum=1)
EVIDENCE_PLACE_TOLERANCE_M = env_int("EVIDENCE_PLACE_TOLERANCE_M", 100, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- notifications (``chengguan notify``) ---------------------------------------------------
# E-mail goes through Django's mail settings; the SMS or messaging gateway gets a signed JSON POST.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chengguan@localhost")
NOTIFY_WEBHOOK_URL = env_str("NOTIFY_WEBHOOK_URL", "")
NOTIFY_WEBHOOK_SECRET = env_secret("NOTIFY_WEBHOOK_SECRET") or ""
if NOTIFY_WEBHOOK_URL and not NOTIFY_WEBHOOK_SECRET:
    raise ImproperlyConfigured(
        "NOTIFY_WEBHOOK_URL needs NOTIFY_WEBHOOK_SECRET (the gateway checks the signature)"
    )
NOTIFY_WEBHOOK_TIMEOUT_S = env_float("NOTIFY_WEBHOOK_TIMEOUT_S", 10.0, minimum=0.1)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 8, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

ADMIN_SITE_TITLE = _("chengguan administration")

# --- enforcement (ledger, graduated enforcement) --------------------------------------------
# OpenAPI: the ledger's choice sets get their own names (catalog has a "kind" and a "step" too).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "PartyKindEnum": "chengguan.enforcement.models.PartyKind",
        "EnforcementStepEnum": "chengguan.enforcement.models.EnforcementStep",
    }
)

# --- penalty procedure ----------------------------------------------------------------------

# --- seizures and obstruction incidents ----------------------------------------------------

# --- frontage pledges -----------------------------------------------------------------------

# --- documents ------------------------------------------------------------------------------
# The bureau that issues enforcement documents, when no Bureau row is set in the admin.
CHENGGUAN_BUREAU_NAME = env_str("CHENGGUAN_BUREAU_NAME", "宁波市综合行政执法局")

# --- Open311 GeoReport v2 -------------------------------------------------------------------
# Served at /open311/v2/ (discovery also at /open311/discovery.{xml,json}).
# jurisdiction_id this endpoint answers to; empty: any (single-jurisdiction server, the spec's default).
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "")
# "realtime": POST requests answers with the service_request_id; "batch": with a token (tokens/{token}).
OPEN311_SERVICE_TYPE = env_str("OPEN311_SERVICE_TYPE", "realtime")
if OPEN311_SERVICE_TYPE not in ("realtime", "batch"):
    raise ImproperlyConfigured(f"OPEN311_SERVICE_TYPE={OPEN311_SERVICE_TYPE!r}: use realtime or batch")
# Discovery: endpoint type (production / test), how to reach the provider, how to get an API key.
OPEN311_ENDPOINT_TYPE = env_str("OPEN311_ENDPOINT_TYPE", "production")
if OPEN311_ENDPOINT_TYPE not in ("production", "test"):
    raise ImproperlyConfigured(f"OPEN311_ENDPOINT_TYPE={OPEN311_ENDPOINT_TYPE!r}: use production or test")
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "")
OPEN311_KEY_SERVICE = env_str("OPEN311_KEY_SERVICE", "")
# Abuse protection of POST requests: at most this many per client address and per API key in each
# window (an API key's own rate limit, set in the admin, overrides the per-key default).
OPEN311_RATE_WINDOW_S = env_int("OPEN311_RATE_WINDOW_S", 3600, minimum=1)
OPEN311_ADDRESS_RATE = env_int("OPEN311_ADDRESS_RATE", 60, minimum=1)
OPEN311_KEY_RATE = env_int("OPEN311_KEY_RATE", 1000, minimum=1)
# Reverse proxies in front of the server whose X-Forwarded-For entries are trusted (0: use REMOTE_ADDR).
OPEN311_NUM_PROXIES = env_int("OPEN311_NUM_PROXIES", 0, minimum=0)
# Uploaded media (multipart "media"): photos only, at most this many files of this size each.
OPEN311_MEDIA_MAX_MB = env_int("OPEN311_MEDIA_MAX_MB", 10, minimum=1)
OPEN311_MEDIA_MAX_FILES = env_int("OPEN311_MEDIA_MAX_FILES", 5, minimum=1)
# GET requests: the most requests in one answer (the spec's 1000), also the largest page_size.
OPEN311_MAX_REQUESTS = env_int("OPEN311_MAX_REQUESTS", 1000, minimum=1)

# --- citizen portal -------------------------------------------------------------------------
# Rate limits of anonymous submissions per client address ("N/period", period s, min, hour or day;
# empty: no limit), counted in the cache. Signed-in staff are not limited.
PORTAL_RATE_LIMITS = {
    "report": env_str("PORTAL_REPORT_RATE", "10/hour"),
    "petition": env_str("PORTAL_PETITION_RATE", "5/hour"),
    "rate": env_str("PORTAL_RATING_RATE", "20/hour"),
    "track": env_str("PORTAL_TRACK_RATE", "60/hour"),
    "signup": env_str("PORTAL_SIGNUP_RATE", "5/hour"),
}
# Behind a reverse proxy that sets X-Forwarded-For: take the client address from it.
PORTAL_TRUST_X_FORWARDED_FOR = env_bool("PORTAL_TRUST_X_FORWARDED_FOR", False)
# Photos of a citizen's report: at most this many, each at most this size.
PORTAL_MAX_PHOTOS = env_int("PORTAL_MAX_PHOTOS", 3, minimum=1)
PORTAL_PHOTO_MAX_MB = env_int("PORTAL_PHOTO_MAX_MB", 8, minimum=1)

# --- staff web ------------------------------------------------------------------------------
