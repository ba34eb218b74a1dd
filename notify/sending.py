"""Sending one delivery once (the queue's task calls this; it retries on TransportError)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from . import channels
from .models import Delivery, DeliveryStatus

#: sends of one delivery, the first included (the task retries with exponential back-off)
MAX_ATTEMPTS = 5


def delivery_send(*, delivery_pk: int, final: bool) -> str:
    """Try one delivery once. A transport failure raises TransportError (the task retries it)
    unless this is the last try; then, as for a refusal, the delivery is marked failed."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("user__line_link")
            .filter(pk=delivery_pk)
            .first()
        )
        if delivery is None or delivery.status == DeliveryStatus.SENT:
            return "skipped"
        Delivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts + 1)
    try:
        channels.send(delivery)
    except channels.TransportError as exc:
        _record(delivery, DeliveryStatus.FAILED if final else DeliveryStatus.PENDING, str(exc))
        if final:
            return "failed"
        raise
    except channels.RefusedError as exc:
        _record(delivery, DeliveryStatus.FAILED, str(exc))
        return "failed"
    _record(delivery, DeliveryStatus.SENT, "")
    return "sent"


def _record(delivery: Delivery, status: str, error: str) -> None:
    values = {"status": status, "last_error": error[:500], "updated_at": timezone.now()}
    if status == DeliveryStatus.SENT:
        values["sent_at"] = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(**values)
