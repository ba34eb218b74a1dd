"""Background checks of OIT evidence links (Celery; inline when no broker is configured)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from ita_portal.public_cache import bump_public_version
from publication.models import Publication

from .linkcheck import RateLimiter, check_url
from .models import EvidenceKind, LinkStatus, OitEvidence

logger = logging.getLogger(__name__)


@dataclass
class CheckSummary:
    checked: int = 0
    ok: int = 0
    broken: int = 0

    def __str__(self) -> str:
        return f"ตรวจ {self.checked} รายการ: ใช้งานได้ {self.ok} ใช้งานไม่ได้ {self.broken}"


def check_links(
    *, organisation_id: int | None = None, fiscal_year: int | None = None
) -> CheckSummary:
    """Check every live URL and portal-document evidence (of one organisation/year, or all).

    External URLs are fetched (see oit.linkcheck), at most one request per host every
    `LINKCHECK_HOST_INTERVAL` seconds and `LINKCHECK_MAX_PER_RUN` in all; portal documents are
    checked against the publications (no request).
    """
    evidence = (
        OitEvidence.objects.live()
        .filter(kind__in=[EvidenceKind.URL, EvidenceKind.DOCUMENT])
        .select_related("entry")
    )
    if organisation_id is not None:
        evidence = evidence.filter(entry__organisation_id=organisation_id)
    if fiscal_year is not None:
        evidence = evidence.filter(entry__fiscal_year=fiscal_year)
    limit = getattr(settings, "LINKCHECK_MAX_PER_RUN", 5000)
    limiter = RateLimiter(getattr(settings, "LINKCHECK_HOST_INTERVAL", 1.0))
    summary = CheckSummary()
    changed_public = False
    live = None
    for item in evidence.order_by("link_checked_at", "pk")[:limit].iterator(chunk_size=200):
        if item.kind == EvidenceKind.URL:
            limiter.wait(item.url)
            result = check_url(item.url)
            ok, message = result.ok, result.message
        else:
            if live is None:
                live = set(
                    Publication.objects.live().values_list("organisation_id", "fiscal_year", "kind")
                )
            ok = (item.entry.organisation_id, item.document_year, item.document_kind) in live
            message = "เผยแพร่แล้ว" if ok else "เอกสารนี้ยังไม่ได้เผยแพร่ (หรือถูกถอนการเผยแพร่)"
        status = LinkStatus.OK if ok else LinkStatus.BROKEN
        changed_public |= status != item.link_status
        OitEvidence.objects.filter(pk=item.pk).update(
            link_status=status, link_message=message[:500], link_checked_at=timezone.now()
        )
        summary.checked += 1
        summary.ok += ok
        summary.broken += not ok
    if changed_public:
        bump_public_version()
    logger.info("OIT link check: %s", summary)
    return summary


@shared_task(name="oit.check_oit_links")
def check_oit_links(organisation_id: int | None = None, fiscal_year: int | None = None) -> str:
    return str(check_links(organisation_id=organisation_id, fiscal_year=fiscal_year))
