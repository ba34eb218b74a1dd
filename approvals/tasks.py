"""The sign-off chain's background work (Celery; inline when no broker is configured): the
publication of an approved memo, and the daily delegation notices."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from .services import (
    PUBLISH_ATTEMPTS,
    PublicationFailed,
    delegations_notify_started,
    memo_publication_failed,
    memo_publication_run,
)

#: one run's limits: every attachment of the memo, each render under DOCUMENT_RENDER_SECONDS
PUBLISH_SOFT_SECONDS = getattr(settings, "PUBLISH_SOFT_SECONDS", 300)
RETRY_COUNTDOWN_SECONDS = 30
TIMED_OUT = "ใช้เวลาสร้างเอกสารนานเกินกำหนด เอกสารอาจยาวมาก"


@shared_task(
    bind=True,
    name="approvals.publish_memo",
    acks_late=True,
    max_retries=PUBLISH_ATTEMPTS - 1,
    soft_time_limit=PUBLISH_SOFT_SECONDS,
    time_limit=PUBLISH_SOFT_SECONDS + 30,
)
def publish_memo(self, memo_pk: int) -> str:
    """Publish an approved memo; a failed run is retried (after a pause on the queue, at once
    inline) until PUBLISH_ATTEMPTS, then the memo shows the Thai error and a retry button."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return memo_publication_run(memo_pk=memo_pk)
        except PublicationFailed as exc:
            error, retryable = str(exc), exc.retryable
        except SoftTimeLimitExceeded:
            error, retryable = "สร้างไฟล์เอกสารเพื่อเผยแพร่ไม่สำเร็จ: " + TIMED_OUT, False
        if not retryable:
            pass
        elif self.request.is_eager:
            if attempt < PUBLISH_ATTEMPTS:
                continue
        elif self.request.retries < self.max_retries:
            raise self.retry(countdown=RETRY_COUNTDOWN_SECONDS * (self.request.retries + 1))
        memo_publication_failed(memo_pk=memo_pk, error=error)
        return "failed"


@shared_task(name="approvals.notify_delegations_started")
def notify_delegations_started() -> int:
    """Tell each delegate whose delegation came into force (once each; a re-run sends nothing)."""
    return delegations_notify_started()
