"""Refreshing the agencies' rows on the queue: after a change, and nightly for everyone."""

from __future__ import annotations

from celery import shared_task

from organisations.models import Organisation

from . import services


@shared_task(name="oversight.refresh_agency_status", ignore_result=True)
def refresh_agency_status(organisation_id: int, years: list[int] | None = None) -> int:
    """One agency: this fiscal year's and last year's rows, and any year named."""
    wanted = sorted(set(services.status_years()) | set(years or []))
    return services.agency_statuses_refresh(organisation_ids=[organisation_id], years=wanted)


@shared_task(name="oversight.refresh_agency_chunk", ignore_result=True)
def refresh_agency_chunk(organisation_ids: list[int]) -> int:
    return services.agency_statuses_refresh(
        organisation_ids=organisation_ids, years=services.status_years()
    )


@shared_task(name="oversight.refresh_all_agency_statuses", ignore_result=True)
def refresh_all_agency_statuses() -> int:
    """Nightly: every active agency, in chunks any worker may take (time-dependent columns
    such as link checks and waiting memos included)."""
    ids = list(
        Organisation.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), services.CHUNK):
        refresh_agency_chunk.delay(ids[start : start + services.CHUNK])
    return len(ids)


@shared_task(name="oversight.refresh_scored_agencies", ignore_result=True)
def refresh_scored_agencies() -> int:
    """After a score import: every agency with scores (their latest total may have changed)."""
    ids = services.scored_organisation_ids()
    for start in range(0, len(ids), services.CHUNK):
        refresh_agency_chunk.delay(ids[start : start + services.CHUNK])
    return len(ids)
