"""Local development: SQLite and inline tasks unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import env_bool, env_list

# `make run` serves the demo with DEBUG=false: Thai error pages, no settings or URL list shown.
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
