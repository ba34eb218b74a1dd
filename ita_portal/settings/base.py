"""Settings shared by every environment. Everything that varies comes from the environment.

Variables are documented in `.env.example`. Only `prod` insists on secrets; `dev` and `test`
fall back to the embedded defaults (SQLite, tasks inline).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import fontpkg_sarabun
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no setting; a value it does not understand stops the start (as healthchecks'
    `envbool`), rather than being read as "no" (DEBUG=ture must not silently mean False)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r}: use one of {', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}"
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "auditlog",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap 5 CSS/JS from PyPI, no CDN
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The portal's apps, lowest first: each imports only the ones above it in this list
    # (docs/architecture.md; `lint-imports` checks it).
    "notify",
    "organisations",
    "assessments",
    "measures",
    "documents",
    "publication",
    "approvals",
    "oit",
    "oversight",
    "public",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Refuses an oversize body from its Content-Length, before the CSRF check reads it.
    "ita_portal.uploads.RequestSizeMiddleware",
    # Refuses a NUL character in the address or the fields (400), which PostgreSQL refuses.
    "ita_portal.middleware.RejectUnusableInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the TOTP step?
    "django_otp.middleware.OTPMiddleware",
    # Users with a confirmed TOTP device go to the code page until they pass it.
    "organisations.two_factor.TwoFactorMiddleware",
    # Puts the acting user and the client IP on every audit-log entry.
    "ita_portal.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Shows a failed save's input again instead of losing it (see ita_portal/middleware.py).
    "ita_portal.middleware.DatabaseErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the Thai lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ita_portal.urls"
WSGI_APPLICATION = "ita_portal.wsgi.application"
ASGI_APPLICATION = "ita_portal.asgi.application"

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
                "organisations.context_processors.organisation",
                "portal.context_processors.waiting",
                "portal.context_processors.site",
            ],
            # Thai date/digit filters are used by every template and document.
            "builtins": ["ita_portal.thai.templatetags", "organisations.templatetags.access"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 first: new and upgraded hashes use it; older PBKDF2 hashes still verify and are
# rehashed with Argon2 at the user's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes must come first: it refuses locked-out logins before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
# Password-reset links (by e-mail) stay valid this long, and only until used.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(60 * 60)))

# Login lockout (django-axes): five failures lock that username from that client IP (the
# combination) for 30 minutes: nobody locks another user from elsewhere, and one user's typos do
# not lock an office behind one NAT address. An address failing many logins whatever the
# usernames is throttled by organisations.login_limits (LOGIN_FAILURES_PER_ADDRESS).
AXES_FAILURE_LIMIT = 5
AXES_VERBOSE = False  # no banner in every command's output
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "30"))
LOGIN_FAILURE_WINDOW = 30 * 60
# Password-reset e-mails: per account and per client address, in an hour.
PASSWORD_RESETS_PER_ACCOUNT = 3
PASSWORD_RESETS_PER_ADDRESS = 10
PASSWORD_RESET_WINDOW = 60 * 60

# A render (PDF or Word) stops after this long with a Thai message (documents.timeouts), well
# inside gunicorn's 120 s timeout.
DOCUMENT_RENDER_SECONDS = 60
# Failures are kept after a success: axes' reset would clear the IP's count too, so one valid
# account would let an attacker restart the per-IP counter between guesses at other accounts.
AXES_RESET_ON_SUCCESS = False
# The lock lasts 30 minutes from the fifth failure, as the message says; tries during the lock are
# refused without extending it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_COOLOFF_MESSAGE = (
    "เข้าสู่ระบบผิดหลายครั้ง บัญชีนี้ถูกระงับการเข้าสู่ระบบจากเครื่องนี้ชั่วคราว 30 นาที กรุณาลองใหม่เมื่อครบเวลา"
)
AXES_CLIENT_IP_CALLABLE = "ita_portal.client_ip.client_ip"
# Reverse proxies in front of the app that append to X-Forwarded-For (0: clients connect directly).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Two-factor (django-otp TOTP), optional for approvers and admins.
OTP_TOTP_ISSUER = "ITA Portal"
# Secrets never appear in the admin once a device exists.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions live in the database (app servers hold no state), last one working day, and end when
# the browser closes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True

# Headers every environment sends; prod adds HTTPS, HSTS and secure cookies.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: page behaviour lives in static/js/portal.js. Inline *styles* stay
# allowed because templates use style="" attributes (progress bars, column widths, the public
# document banner) and documents carry their print stylesheet in a <style> element.
# A view that sets its own Content-Security-Policy (evidence downloads: sandbox) keeps it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],  # data: for the two-factor QR code
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The Sarabun web font comes from the fontpkg-sarabun package, never from a CDN.
    ("fonts/sarabun", fontpkg_sarabun.ROOT / "files"),
    # Screenshots of the user guide (docs/images), shown on /help/.
    ("help", BASE_DIR / "docs" / "images"),
]


_S3_ADDRESSING_STYLES = {"auto", "path", "virtual"}


def media_storage(environ=os.environ) -> dict:
    """The "default" storage (evidence, frozen publications, OIT files, score workbooks).

    A folder (MEDIA_ROOT) unless MEDIA_S3_BUCKET names a bucket of S3-compatible storage
    (docs/deploy.md). The bucket stays private: objects are written with no ACL (the bucket's
    own, private), never overwritten, and every file goes out through the app's views
    (`ita_portal.files`), never as a bucket URL. The integration tests build the worker's and
    their own storage with this same function.
    """
    bucket = environ.get("MEDIA_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    access_key = environ.get("MEDIA_S3_ACCESS_KEY_ID", "").strip()
    secret_key = environ.get("MEDIA_S3_SECRET_ACCESS_KEY", "").strip()
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY go together "
            "(or leave both empty for boto3's own credentials: AWS_* variables, an instance role)"
        )
    style = environ.get("MEDIA_S3_ADDRESSING_STYLE", "").strip().lower()
    if style and style not in _S3_ADDRESSING_STYLES:
        choices = ", ".join(sorted(_S3_ADDRESSING_STYLES))
        raise ImproperlyConfigured(f"MEDIA_S3_ADDRESSING_STYLE={style!r}: use one of {choices}")
    options = {
        "bucket_name": bucket,
        "location": environ.get("MEDIA_S3_LOCATION", "").strip().strip("/"),
        "default_acl": None,  # no ACL header: objects are as private as the bucket
        "querystring_auth": True,  # a .url() would be signed, never a public address
        "signature_version": "s3v4",  # AWS has retired the older signatures
        "file_overwrite": False,  # a stored publication is never replaced
        # A file read for serving is spooled: small ones in memory, larger ones on local disk.
        "max_memory_size": 5 * 1024 * 1024,
    }
    endpoint_url = environ.get("MEDIA_S3_ENDPOINT_URL", "").strip()
    region = environ.get("MEDIA_S3_REGION", "").strip()
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
    if region:
        options["region_name"] = region
    if style:
        options["addressing_style"] = style
    if access_key:
        options.update(access_key=access_key, secret_key=secret_key)
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": media_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on a folder (shared volume) when MEDIA_S3_BUCKET is not set.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: with no broker the tasks run inline (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# `celery -A ita_portal beat` (one process per deployment) runs the nightly OIT link check, tells
# delegates when their delegation comes into force (each once), and sends the day's reminders
# (portal.reminders; each once, whatever the number of runs).
CELERY_BEAT_SCHEDULE = {
    "send-daily-reminders": {
        "task": "portal.send_daily_reminders",
        "schedule": crontab(hour=int(os.environ.get("REMINDERS_HOUR", "8")), minute=0),
    },
    "check-oit-links": {
        "task": "oit.check_oit_links",
        "schedule": float(os.environ.get("LINKCHECK_EVERY_SECONDS", 24 * 3600)),
    },
    # Every agency's row of the oversight dashboard, time-dependent columns included.
    "refresh-agency-statuses": {
        "task": "oversight.refresh_all_agency_statuses",
        "schedule": 24 * 3600.0,
    },
    "notify-delegations-started": {
        "task": "approvals.notify_delegations_started",
        "schedule": 3600.0,
    },
}

# Reminders (portal.reminders): a memo step still waiting after this many days is recalled once.
REMINDER_WAITING_DAYS = int(os.environ.get("REMINDER_WAITING_DAYS", "3"))

# LINE Messaging API (notify.line, docs/deploy.md): off unless the token and secret are both set.
LINE_CHANNEL_ACCESS_TOKEN = os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "")
LINE_CHANNEL_SECRET = os.environ.get("LINE_CHANNEL_SECRET", "")
LINE_API_BASE = os.environ.get("LINE_API_BASE", "https://api.line.me").rstrip("/")
# The Official Account's basic ID ("@123abcde"): the add-friend link and the QR on the profile.
LINE_BOT_BASIC_ID = os.environ.get("LINE_BOT_BASIC_ID", "")
LINE_TIMEOUT = 10
LINE_LINK_CODE_MINUTES = 15
# A webhook event older than this (a late redelivery) is ignored, as is one seen before.
LINE_WEBHOOK_MAX_AGE_SECONDS = 10 * 60
# The webhook's largest body (LINE sends a few kilobytes).
LINE_WEBHOOK_MAX_BYTES = 256 * 1024

# OIT evidence link checker (oit.linkcheck): time-out per request, at most one request per
# host every LINKCHECK_HOST_INTERVAL seconds, at most LINKCHECK_MAX_PER_RUN links per run.
# Private addresses are never fetched, except host:port pairs listed here (tests only).
LINKCHECK_TIMEOUT = float(os.environ.get("LINKCHECK_TIMEOUT", 10))
LINKCHECK_HOST_INTERVAL = float(os.environ.get("LINKCHECK_HOST_INTERVAL", 1.0))
LINKCHECK_MAX_PER_RUN = int(os.environ.get("LINKCHECK_MAX_PER_RUN", 5000))
LINKCHECK_ALLOWED_PRIVATE: list[str] = []

CACHES = {
    "default": (
        {
            # Django's, keeping its redis-py client (ita_portal/cache.py).
            "BACKEND": "ita_portal.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ita-portal@localhost")
# Absolute links in e-mails (the public site's own address).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Evidence uploads (measures): largest file accepted.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
# All the evidence files of one save of a round's results, together (each within the above).
EVIDENCE_MAX_REQUEST_BYTES = int(
    os.environ.get("EVIDENCE_MAX_REQUEST_BYTES", str(50 * 1024 * 1024))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Score imports: largest upload, and zip-bomb limits (expanded size, expansion ratio).
SCORE_IMPORT_MAX_BYTES = int(os.environ.get("SCORE_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
SCORE_IMPORT_MAX_UNCOMPRESSED = 1024 * 1024 * 1024
SCORE_IMPORT_MAX_RATIO = 200
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Audit trail (django-auditlog): keep the client IP; never delete entries from the UI.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Where the shared ITA catalogue lives inside the repository.
ITA_FRAMEWORK_DIR = BASE_DIR / "fixtures" / "ita"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step and fontTools every subset at INFO.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
