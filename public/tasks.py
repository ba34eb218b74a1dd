"""Warming the public pages after a change (Celery; inline when no broker is configured)."""

from __future__ import annotations

import logging

from celery import shared_task

from .warming import warm_organisations

logger = logging.getLogger(__name__)

WARM_SOFT_SECONDS = 300  # one chunk (PUBLIC_WARM_CHUNK organisations) takes a few seconds


@shared_task(
    name="public.warm_public_pages",
    ignore_result=True,
    soft_time_limit=WARM_SOFT_SECONDS,
    time_limit=WARM_SOFT_SECONDS + 30,
)
def warm_public_pages(codes: list[str], directory: bool = False) -> int:
    """Render and cache the public pages of these organisations (one chunk); the pages warmed."""
    warmed = warm_organisations(codes, directory=directory)
    logger.info(
        "warmed %d public pages of %d organisations in %.1f s (%d failed)",
        warmed.pages,
        len(codes),
        warmed.seconds,
        warmed.failed,
    )
    return warmed.pages
