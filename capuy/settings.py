"""capuy settings: one module, every deployable value read from the environment (see .env.example).

CAPUY_ENV selects the defaults: ``production`` (the default: DEBUG off, SECRET_KEY required,
secure cookies), ``development`` (what ``make run`` uses) or ``test``.
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from capuy.env import env_bool, env_database_url, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CAPUY_VAR_DIR", str(BASE_DIR / "var")))

CAPUY_ENV = env_str("CAPUY_ENV", "production")
if CAPUY_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured(
        f"Biến môi trường CAPUY_ENV={CAPUY_ENV!r} không hợp lệ: cần production, development hoặc test."
    )
IS_PRODUCTION = CAPUY_ENV == "production"

DEBUG = env_bool("DEBUG", CAPUY_ENV == "development")

if IS_PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Biến môi trường SECRET_KEY phải dài ít nhất 50 ký tự.")
else:
    SECRET_KEY = env_str(
        "SECRET_KEY", "capuy-insecure-development-key-never-use-in-production-0123456789"
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "treebeard",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    # capuy
    "capuy.core",
    "capuy.accounts",
    "capuy.organizations",
    "capuy.members",
    "capuy.committees",
    "capuy.jobs",
    "capuy.meetings",
    "capuy.concerns",
    "capuy.rotation",
    "capuy.reviews",
    "capuy.conferences",
    "capuy.campaigns",
    "capuy.news",
    "capuy.reports",
    "capuy.api",
    "capuy.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "capuy.core.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "capuy.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "capuy.urls"
WSGI_APPLICATION = "capuy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "capuy" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "capuy.core.context_processors.navigation",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------
DATABASES = {
    "default": env_database_url("DATABASE_URL", f"sqlite:///{VAR_DIR / 'capuy.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the task worker read while the other writes; IMMEDIATE
        # takes the write lock up front so concurrent writers wait instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The reports' frequent small reads prepared once per connection on PostgreSQL
# (capuy.reports.tuning.prepared_rows); 0 behind a pooler that keeps no prepared statements.
CAPUY_PREPARED_READS = env_bool("CAPUY_PREPARED_READS", True)

# --- auth ---------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Throttling: lock a (username, IP) pair, not the username alone, so nobody can lock a colleague out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "capuy")
# Roles that must use two-factor authentication (capuy.accounts.choices.Role values).
CAPUY_2FA_REQUIRED_ROLES = env_list("CAPUY_2FA_REQUIRED_ROLES", ["admin", "office"])

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", IS_PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", IS_PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", IS_PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if IS_PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", IS_PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", IS_PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- i18n and formats ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "capuy" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Off: with it on, every bare {{ obj.pk }} or {{ year }} in a template becomes "1.974" or
# "2.019" and breaks links once ids pass 1.000. Numbers meant for reading go through the
# vn_number / vn_percent filters, which group with "." the Vietnamese way.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["capuy.formats"]

# --- static and uploads -------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env_str("CAPUY_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
if not IS_PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start otherwise
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "capuy.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["capuy.api.permissions.ScopedPermission"],
    "DEFAULT_PAGINATION_CLASS": "capuy.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "capuy API",
    "DESCRIPTION": _(
        "API của capuy: tổ chức đảng, đảng viên, cấp ủy và chức vụ. Mọi kết quả được "
        "giới hạn theo phạm vi vai trò của người dùng."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps have a field called "kind"; name each enum after its domain type.
    "ENUM_NAME_OVERRIDES": {
        "OrgKindEnum": "capuy.organizations.choices.OrgKind",
        "MeetingKindEnum": "capuy.meetings.choices.MeetingKind",
        "ContributorKindEnum": "capuy.campaigns.choices.ContributorKind",
        "ConferenceKindEnum": "capuy.conferences.choices.ConferenceKind",
        "AgencyKindEnum": "capuy.conferences.choices.AgencyKind",
        "CommitteeKindEnum": "capuy.committees.choices.CommitteeKind",
        "FlagKindEnum": "capuy.organizations.choices.FlagKind",
        "SubjectKindEnum": "capuy.reviews.choices.SubjectKind",
    },
}

# --- long jobs ----------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("CAPUY_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# capuy's own knobs
CAPUY_DEMO_PASSWORD = env_str("CAPUY_DEMO_PASSWORD", "capuy-demo-2026")
AUTH_USER_MODEL = "accounts.User"
