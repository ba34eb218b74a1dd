"""The daily job of the sign-off chain (Celery beat; inline when no broker is configured)."""

from __future__ import annotations

from celery import shared_task

from .services import delegations_notify_started


@shared_task(name="approvals.notify_delegations_started")
def notify_delegations_started() -> int:
    """Tell each delegate whose delegation came into force (once each; a re-run sends nothing)."""
    return delegations_notify_started()
