"""Sending on the queue (inline when no broker is configured): each delivery is one task,
retried with exponential back-off on transport errors."""

from __future__ import annotations

from celery import shared_task

from .channels import TransportError
from .sending import MAX_ATTEMPTS, delivery_send


@shared_task(
    bind=True,
    name="notify.send_delivery",
    autoretry_for=(TransportError,),
    max_retries=MAX_ATTEMPTS - 1,
    retry_backoff=30,  # 30 s, 60 s, 120 s, 240 s (inline: at once)
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    acks_late=True,
)
def send_delivery(self, delivery_pk: int) -> str:
    return delivery_send(delivery_pk=delivery_pk, final=self.request.retries >= self.max_retries)
