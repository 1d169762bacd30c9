"""kapcare settings: one module, configured entirely from the environment.

See the configuration table in README.md. Defaults give a safe development
setup on SQLite; ``KAPCARE_DEBUG=false`` (the default outside the demo) turns on
the production hardening that ``kapcare check --deploy`` verifies.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from kapcare.core.env import ConfigurationError, env_bool, env_int, env_list, env_str
from kapcare.core.planner_statistics import sqlite_on_open

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("KAPCARE_VAR_DIR", str(Path.cwd() / "var")) or "var")

DEBUG = env_bool("KAPCARE_DEBUG", default=False)
DEMO = env_bool("KAPCARE_DEMO", default=False)


def _secret_key() -> str:
    configured = env_str("KAPCARE_SECRET_KEY")
    if configured:
        return configured
    if not (DEBUG or DEMO):
        raise ConfigurationError(
            "KAPCARE_SECRET_KEY (or KAPCARE_SECRET_KEY_FILE) must be set in production; "
            "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Development and demo keep a generated key under var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret.key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("KAPCARE_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("KAPCARE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "kapcare.core",
    "kapcare.accounts",
    "kapcare.audit",
    "kapcare.patients",
    "kapcare.intake",
    "kapcare.measures",
    "kapcare.treatment",
    "kapcare.dosing",
    "kapcare.controlled",
    "kapcare.exposure",
    "kapcare.integration",
    "kapcare.education",
    "kapcare.portal",
    "kapcare.support",
    "kapcare.api",
    "kapcare.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kapcare.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kapcare.accounts.middleware.SessionTimeoutMiddleware",
    "kapcare.accounts.middleware.ClinicContextMiddleware",
    "kapcare.accounts.middleware.MFARequiredMiddleware",
    "kapcare.accounts.middleware.ClinicTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kapcare.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kapcare.urls"
WSGI_APPLICATION = "kapcare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kapcare.core.context_processors.shell",
            ],
            # links: {% url %} reversing each route once per process (after Django's own)
            "builtins": [
                "kapcare.core.templatetags.kapcare_tags",
                "kapcare.core.templatetags.links",
            ],
        },
    },
]

# Databases ---------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kapcare.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = str(DATABASES["default"]["NAME"])
    # Keep each worker's connection (as for PostgreSQL) rather than opening the file and
    # running the PRAGMAs below again on every request.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the single writer; FULL makes each commit durable;
        # IMMEDIATE takes the write lock at BEGIN so concurrent writers queue instead of failing.
        # Where the linked SQLite can, each new connection re-analyses stale tables (about a
        # millisecond when none is), so a long-running server keeps its planner statistics.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        + sqlite_on_open(),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and authentication --------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Ten consecutive failures lock the account and, separately, the address for 15 minutes.
AXES_FAILURE_LIMIT = env_int("KAPCARE_LOCKOUT_FAILURES", default=10, minimum=3, maximum=100)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A locked person who tries again during the 15 minutes is not locked for longer.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "kapcare.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("KAPCARE_PROXY_COUNT", default=0, maximum=5)

KAPCARE_REQUIRE_MFA = env_bool("KAPCARE_REQUIRE_MFA", default=not DEMO)
KAPCARE_STEP_UP_MINUTES = env_int("KAPCARE_STEP_UP_MINUTES", default=5, minimum=1, maximum=60)
KAPCARE_STAFF_IDLE_MINUTES = env_int(
    "KAPCARE_STAFF_IDLE_MINUTES", default=15, minimum=1, maximum=240
)
KAPCARE_PATIENT_IDLE_MINUTES = env_int(
    "KAPCARE_PATIENT_IDLE_MINUTES", default=30, minimum=1, maximum=240
)
KAPCARE_SESSION_MAX_HOURS = env_int("KAPCARE_SESSION_MAX_HOURS", default=12, minimum=1, maximum=24)
KAPCARE_INVITATION_DAYS = env_int("KAPCARE_INVITATION_DAYS", default=7, minimum=1, maximum=30)
OTP_TOTP_ISSUER = "kapcare"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = KAPCARE_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Security headers ---------------------------------------------------------

SECURE_COOKIES = env_bool("KAPCARE_SECURE_COOKIES", default=not (DEBUG or DEMO))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "__Host-kapcare_session" if SECURE_COOKIES else "kapcare_session"
CSRF_COOKIE_NAME = "__Host-kapcare_csrf" if SECURE_COOKIES else "kapcare_csrf"
SECURE_SSL_REDIRECT = env_bool("KAPCARE_SSL_REDIRECT", default=SECURE_COOKIES)
SECURE_HSTS_SECONDS = env_int("KAPCARE_HSTS_SECONDS", default=31536000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("KAPCARE_BEHIND_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a one-way commitment a clinic makes for its own domain.
    "security.W021",
]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Static files -------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or DEMO)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO

# Email and background tasks ----------------------------------------------

EMAIL_BACKEND = env_str(
    "KAPCARE_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEBUG or DEMO)
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("KAPCARE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KAPCARE_EMAIL_PORT", default=587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("KAPCARE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("KAPCARE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KAPCARE_EMAIL_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("KAPCARE_FROM_EMAIL", "kapcare <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
KAPCARE_BASE_URL = (env_str("KAPCARE_BASE_URL", "http://localhost:8000") or "").rstrip("/")

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("KAPCARE_TASKS_IMMEDIATE", default=False)
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Internationalisation ------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# API -----------------------------------------------------------------------

KAPCARE_API_MAX_PAGE_SIZE = 100
NINJA_PAGINATION_MAX_LIMIT = KAPCARE_API_MAX_PAGE_SIZE

# Benchmarks ----------------------------------------------------------------

#: Mounts /bench/hello and /bench/row and adds X-Query-Count headers; `check --deploy` fails if on.
KAPCARE_BENCH = env_bool("KAPCARE_BENCH", default=False)
if KAPCARE_BENCH:
    INSTALLED_APPS.append("kapcare.bench")
    MIDDLEWARE.insert(0, "kapcare.bench.middleware.QueryCountMiddleware")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("KAPCARE_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
