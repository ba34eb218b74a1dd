"""Settings of the Celery worker that tests/integration/ start: test settings, real broker.

`ita_portal.settings.test` runs tasks inline (CELERY_TASK_ALWAYS_EAGER = True, broker memory://)
and keeps the cache in process memory; the worker needs the real broker, the result backend and
the shared Redis cache (live import progress is read by another process), all from the
environment the test passes. Database (DATABASE_URL) and media (ITA_TEST_MEDIA_ROOT) come through
the test settings themselves.
"""

import os

from ita_portal.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
CELERY_RESULT_BACKEND = os.environ["CELERY_RESULT_BACKEND"]
CACHES = {
    "default": {
        "BACKEND": "ita_portal.cache.RedisCache",  # what prod uses
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": os.environ.get("ITA_SVC_CACHE_PREFIX", "ita-svc"),
    }
}
