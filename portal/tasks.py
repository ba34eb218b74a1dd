"""The portal's background work: the daily reminders (Celery beat, `send-daily-reminders`)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .reminders import reminders_send


@shared_task(name="portal.send_daily_reminders")
def send_daily_reminders() -> dict:
    """Send the reminders due today (each once: a re-run sends nothing twice)."""
    return dict(reminders_send(today=timezone.localdate()))
