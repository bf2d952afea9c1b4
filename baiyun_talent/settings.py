"""Settings of the 白云区云聚英才卡 portal, read from the environment (see README: Configuration)."""

import os
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from baiyun_talent.envconfig import (
    database_from_env,
    email_backend_from_env,
    env_bool,
    env_choice,
    env_int,
    env_list,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
SHARED_DIR = Path(os.environ.get("SHARED_DIR", BASE_DIR.parent / "shared"))

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"  # noqa: S105 - used only with DEBUG on
elif len(SECRET_KEY) < 50 and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long when DEBUG is off.")

# The portal's public address, as printed in the cards' QR codes (cards.tokens.card_qr_text).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not PUBLIC_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"PUBLIC_BASE_URL must start with https:// or http://, not {PUBLIC_BASE_URL!r}.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The form renderer reads the project's templates/forms/ and, through this app, Django's widget templates.
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_ratelimit",
    "accounts",
    "eligibility",
    "applications",
    "reviews",
    "cards",
    "benefits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "baiyun_talent.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.twofactor.SecondFactorMiddleware",
    "baiyun_talent.middleware.SignedInNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a lock found while signing in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "baiyun_talent.urls"
WSGI_APPLICATION = "baiyun_talent.wsgi.application"

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
                "accounts.context_processors.navigation",
                "eligibility.context_processors.policy_lapse_notice",
            ],
        },
    },
]

FORM_RENDERER = "baiyun_talent.forms.PortalFormRenderer"

DATABASES = {"default": database_from_env(default_sqlite_path=str(VAR_DIR / "db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SILENCED_SYSTEM_CHECKS = [
    # The queue indexes carry covering columns for PostgreSQL's index-only scans; SQLite, the embedded default,
    # ignores them and the indexes still serve it.
    "models.W040",
    # django-axes wants the address among the lock's parameters; the portal locks the account only, because a lock
    # on an address shuts out every other user behind the same proxy or NAT (README: Security).
    "axes.W006",
    # django-ratelimit knows only django-redis and memcached: Django's own Redis cache increments atomically too,
    # and without Redis the demo's single process keeps its counters in memory (README: Security).
    "django_ratelimit.W001",
    "django_ratelimit.E003",
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account before any password is checked, on the portal's login and the admin's alike.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameMobileEmailBackend",
]
# The proxies in front of the portal that append the client's address to X-Forwarded-For (0: none, the header is
# ignored). The login lock's records, the registration limits and the API's rate limit read the address this way.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0, minimum=0)

# Failed logins are counted per account, whichever of its username, mobile or e-mail was typed, in the database
# that every process shares; LOGIN_FAILURE_LIMIT failures within the window lock the account for the window.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_FAILURE_WINDOW_SECONDS)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "accounts.selectors.login_account_key"
AXES_CLIENT_IP_CALLABLE = "baiyun_talent.network.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"
AXES_RESET_ON_SUCCESS = True
# The records kept are the failures (AccessAttempt), read by the auditor; successful logins are not logged by axes.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Masked in the records' copy of the posted form (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]
# django-ratelimit counts in the default cache (Redis in production) by the same client address.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "baiyun_talent.network.client_address"
# Sign-ups a client address may make, and verification messages one e-mail address or mobile may receive.
REGISTRATION_RATE_PER_ADDRESS = "5/h"
REGISTRATION_RATE_PER_DESTINATION = "3/h"
# A class with send(*, channel, destination, body): an SMS gateway or mail relay; the default keeps it in the database.
VERIFICATION_SENDER = os.environ.get("VERIFICATION_SENDER", "accounts.verification.DatabaseSender")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

# 简体中文 is the portal's language; English serves foreign applicants with work permits (第三条（一）12).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Uploaded materials hold personal data: they live in private storage and are served only by
# permission-checked views, never under a public media URL.
STORAGE = env_choice("STORAGE", choices=("local", "s3"), default="local")
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
if STORAGE == "s3":
    for required in ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
        if not os.environ.get(required):
            raise ImproperlyConfigured(f"{required} must be set when STORAGE is s3.")
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "access_key": os.environ["S3_ACCESS_KEY_ID"],
            "secret_key": os.environ["S3_SECRET_ACCESS_KEY"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MATERIAL_MAX_BYTES = env_int("MATERIAL_MAX_MB", default=10, minimum=1) * 1024 * 1024
APPLICATION_MAX_BYTES = env_int("APPLICATION_MAX_MB", default=100, minimum=1) * 1024 * 1024
# Everything one person keeps stored, across their applications (earlier submitted versions included).
APPLICANT_MAX_BYTES = env_int("APPLICANT_MAX_MB", default=300, minimum=1) * 1024 * 1024
# Applications one person may open within 30 days (one at a time; withdrawing and starting again counts).
APPLICATIONS_PER_30_DAYS = env_int("APPLICATIONS_PER_30_DAYS", default=5, minimum=1)
# Requests per minute and client address to the public eligibility API (/api/v1/); 0 turns the limit off.
ELIGIBILITY_API_RATE_LIMIT = env_int("ELIGIBILITY_API_RATE_LIMIT", default=60)
# Where a draft policy's impact preview reads the stored profiles (eligibility imports no other app).
ELIGIBILITY_STORED_PROFILES = "applications.selectors.stored_profiles"
# Card verifications a minute per client address, the public page and the API together; 0 turns the limit off.
CARD_VERIFY_RATE_LIMIT = env_int("CARD_VERIFY_RATE_LIMIT", default=60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The private halves of the cards' signing keys (cards.keys): files named <key id>.pem, or CARD_SIGNING_KEY_<KID>.
CARD_KEYS_DIR = Path(os.environ.get("CARD_KEYS_DIR", VAR_DIR / "keys"))
# The credential's font cut to the common repertoire (cards.fonts), built at install time by `manage.py card_fonts`.
CARD_FONTS_DIR = Path(os.environ.get("CARD_FONTS_DIR", BASE_DIR / "build" / "fonts"))

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}.")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "baiyun-talent"}
    )
}
# With Redis, sessions are read from the cache and written through to the database: no query per request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

# Without Redis the embedded default runs tasks in-process, at the moment they are enqueued.
# Without Redis, tasks run eagerly; the in-memory URL names a host so that kombu does not warn of a missing one.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Reviewers find their queue's digest in the morning mail.
    "reviewers-daily-digest": {
        "task": "reviews.tasks.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    # 第六条: a card ends the day after its 5-year period.
    "cards-expire": {
        "task": "cards.tasks.expire_cards",
        "schedule": crontab(hour=0, minute=5),
    },
    "cards-midterm-reminders": {
        "task": "cards.tasks.send_midterm_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # Registrations never confirmed expire and free their e-mail address and mobile.
    "accounts-pending-expire": {
        "task": "accounts.tasks.expire_pending_accounts",
        "schedule": crontab(minute=15),
    },
    # Notices whose e-mail could not be sent (applications.notices) are sent again.
    "notice-email-retry": {
        "task": "applications.tasks.retry_notice_emails",
        "schedule": crontab(minute="*/10"),
    },
    # The offline verifiers' status list: signed again if a change was missed, and at least daily.
    "cards-status-list": {
        "task": "cards.tasks.refresh_status_list",
        "schedule": crontab(minute=20),
    },
}

EMAIL_BACKEND = email_backend_from_env(debug=DEBUG)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "白云区云聚英才卡 <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# HTTPS=true behind TLS: redirect, secure cookies and HSTS together, so one switch cannot be half set.
HTTPS = env_bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
X_FRAME_OPTIONS = "DENY"

# Reviewers sign in with a second factor: required in production, optional (enrol at will) in the demo.
REQUIRE_STAFF_2FA = env_bool("REQUIRE_STAFF_2FA", default=HTTPS)
OTP_TOTP_ISSUER = "Baiyun Talent Card"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # fontTools and WeasyPrint report every step of a font subset or a PDF (cards.fonts, cards.credential) at INFO.
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "fontTools": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        # Tasks run in the request when there is no broker: their "succeeded in" lines would only be noise then.
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
    },
}
