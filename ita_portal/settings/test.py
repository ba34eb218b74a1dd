"""Test settings: DATABASE_URL when set (CI uses PostgreSQL), otherwise SQLite."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
# The test client's login() authenticates without a request, which django-axes refuses;
# tests/test_auth.py turns lockout back on for its own tests.
AXES_ENABLED = False
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
# A child process (the worker-kill test) is given the parent's folder through the environment.
MEDIA_ROOT = os.environ.get("ITA_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="ita-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="ita-test-static-")
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not shared-cache memory, so concurrency tests see real locking with a busy timeout.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        # Per process: parallel test runs must not share a file.
        "NAME": str(Path(tempfile.gettempdir()) / f"ita-portal-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20  # noqa: F405
