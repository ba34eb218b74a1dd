"""ITA Portal project package: settings, URLs, WSGI/ASGI and the Celery app. No models here."""

from .celery import app as celery_app

__all__ = ("celery_app",)
