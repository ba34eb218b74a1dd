"""Keeping `AgencyStatus` current: one agency's year recomputed from the same selectors its own
pages use, so the oversight dashboard never disagrees with the agency's pages."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from approvals.selectors import steps_pending
from assessments.models import Assessment
from assessments.scoring import score_sheet
from assessments.selectors import (
    assessments_for_organisation,
    framework_for_organisation,
    survey_progress,
)
from ita_portal.public_cache import bump_lists
from ita_portal.thai import dates as thai
from measures.models import Measure, ProgressEntry
from measures.selectors import rounds_for_year
from oit.selectors import ItemState, oit_board
from organisations.models import Organisation
from publication.models import Publication

from .cache import bump_area
from .models import AgencyStatus, FrameworkState

#: How many agencies one task refreshes (the nightly run queues the country in chunks).
CHUNK = 200


def _share(part: int, whole: int) -> int:
    return min(100, round(100 * part / whole)) if whole else 0


def _framework_state(organisation: Organisation, year: int) -> str:
    framework = framework_for_organisation(organisation, year)
    if framework is None:
        return FrameworkState.NONE
    return FrameworkState.PROVISIONAL if framework.is_provisional else FrameworkState.OFFICIAL


def _rounds(organisation: Organisation, year: int, measures: int) -> dict:
    """Measures with a report in the 6-month and the 12-month rounds."""
    by_key = {r.public_key: r for r in rounds_for_year(organisation, year)}
    reported = dict(
        ProgressEntry.objects.filter(
            measure__organisation=organisation, measure__fiscal_year__year=year
        )
        .values_list("round_id")
        .annotate(n=Count("measure", distinct=True))
        .order_by()
    )
    values = {}
    for months in (6, 12):
        round = by_key.get(f"round-{months}")
        count = reported.get(round.pk, 0) if round else 0
        values[f"round{months}_reported"] = count
        values[f"round{months}_share"] = _share(count, measures)
    return values


def _published(organisation: Organisation, year: int) -> dict:
    latest = (
        Publication.objects.live()
        .filter(organisation=organisation, fiscal_year=year)
        .values_list("kind")
        .annotate(last=Max("published_at"))
        .order_by()
    )
    return {kind: timezone.localtime(last).date().isoformat() for kind, last in latest if last}


def _oit(organisation: Organisation, year: int) -> dict:
    board = oit_board(organisation, year)
    published = board.count(ItemState.PUBLISHED)
    return {
        "oit_items": len(board.rows),
        "oit_published": published,
        "oit_share": _share(published, len(board.rows)),
        "oit_broken": board.broken,
    }


def memos_waiting_since(organisation: Organisation) -> list[datetime.date]:
    """For each memo in review, the day its current step started waiting (oldest first): the
    step whose turn it is (approvals' own answer), since the step before was decided, else
    since the memo's date (or its creation)."""
    days = []
    for step in steps_pending().filter(memo__organisation=organisation):
        if step.previous_decided_at is not None:
            days.append(timezone.localtime(step.previous_decided_at).date())
        else:
            days.append(step.memo.date or timezone.localtime(step.memo.created_at).date())
    return sorted(days)


def _scores(organisation: Organisation) -> dict:
    assessments = assessments_for_organisation(organisation, years=2)
    if not assessments:
        return {"score_year": None, "total": None, "level": "", "total_change": None}
    sheets = [score_sheet(a) for a in assessments]
    latest = sheets[0]
    total = latest.total.value
    change = None
    if (
        len(sheets) > 1
        and total is not None
        and sheets[1].total.value is not None
        and assessments[1].fiscal_year.year == assessments[0].fiscal_year.year - 1
    ):
        change = total - sheets[1].total.value
    return {
        "score_year": assessments[0].fiscal_year.year,
        "total": total,
        "level": latest.level.label if latest.level else "",
        "total_change": change,
    }


def status_values(organisation: Organisation, year: int) -> dict:
    """Every column of the agency's row for `year`, computed now."""
    measures = Measure.objects.filter(organisation=organisation, fiscal_year__year=year).count()
    published = _published(organisation, year)
    waiting = memos_waiting_since(organisation)
    return {
        "framework_state": _framework_state(organisation, year),
        "measures_planned": measures,
        **_rounds(organisation, year, measures),
        "published": published,
        "published_count": len(published),
        **_oit(organisation, year),
        "memos_waiting": [d.isoformat() for d in waiting],
        "oldest_waiting_since": waiting[0] if waiting else None,
        **_scores(organisation),
        **survey_values(organisation, year),
    }


def survey_values(organisation: Organisation, year: int) -> dict:
    """IIT/EIT responses recorded by the agency (or imported by oversight), and the minimums
    of the year's framework (None while the NACC's figure is unknown)."""
    progress = survey_progress(organisation, year)
    return {
        "iit_responses": progress.iit.responses,
        "iit_minimum": progress.iit.minimum,
        "eit_responses": progress.eit.responses,
        "eit_minimum": progress.eit.minimum,
    }


#: The columns the public province pages show: a change retires those cached pages.
PUBLIC_FIELDS = ("published", "score_year", "total", "level")


def agency_status_refresh(*, organisation: Organisation, year: int) -> AgencyStatus:
    """Write the agency's row of `year` from its data; the boards showing it (and the public
    province pages, for their columns) are retired only when a value changed."""
    values = status_values(organisation, year)
    with transaction.atomic():
        before = (
            AgencyStatus.objects.filter(organisation=organisation, year=year)
            .values(*values)
            .first()
        )
        status, _ = AgencyStatus.objects.update_or_create(
            organisation=organisation,
            year=year,
            defaults={**values, "refreshed_at": timezone.now()},
        )
        if before is None or any(before[f] != values[f] for f in PUBLIC_FIELDS):
            bump_lists()
    if before is None or before != values:
        bump_area(organisation.province, organisation.district)
    return status


def status_years(today: datetime.date | None = None) -> list[int]:
    """The years kept current: this fiscal year, and the last one until its results are in
    (the nightly run refreshes both)."""
    today = today or timezone.localdate()
    current = thai.fiscal_year_of(today)
    return [current, current - 1]


def agency_statuses_refresh(*, organisation_ids: Iterable[int], years: Iterable[int]) -> int:
    """Refresh the given agencies for the given years; returns how many rows were written."""
    written = 0
    years = list(years)
    for organisation in Organisation.objects.filter(pk__in=list(organisation_ids), is_active=True):
        for year in years:
            agency_status_refresh(organisation=organisation, year=year)
            written += 1
    return written


def scored_organisation_ids() -> list[int]:
    return list(Assessment.objects.values_list("organisation_id", flat=True).distinct())
