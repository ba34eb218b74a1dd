"""Sending on the queue (inline when no broker is configured): each delivery is one task,
retried with exponential back-off on transport errors, at most MAX_ATTEMPTS tries."""

from __future__ import annotations

from celery import shared_task

from .channels import TransportError
from .sending import MAX_ATTEMPTS, delivery_send


@shared_task(
    bind=True,
    name="notify.send_delivery",
    autoretry_for=(TransportError,),
    max_retries=MAX_ATTEMPTS - 1,
    retry_backoff=30,  # 30 s, 60 s, 120 s, 240 s (with jitter), on a worker
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    acks_late=True,
)
def send_delivery(self, delivery_pk: int) -> str:
    if self.request.is_eager:
        return send_inline(delivery_pk)
    return delivery_send(delivery_pk=delivery_pk, final=self.request.retries >= self.max_retries)


def send_inline(delivery_pk: int) -> str:
    """No broker (the embedded default): the tries follow one another at once, as
    approvals.publish_memo's do, and a delivery that keeps failing is left failed in the log,
    never raised into the request that caused it."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return delivery_send(delivery_pk=delivery_pk, final=attempt == MAX_ATTEMPTS)
        except TransportError:
            continue
    return "failed"
