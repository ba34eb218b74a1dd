"""The Celery application.

Workers can run on any machine that reaches the broker and the database. With no broker
configured (the embedded default), settings make tasks run inline, so one command still
runs everything.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings.dev")

app = Celery("ita_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
