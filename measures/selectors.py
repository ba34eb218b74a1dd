"""Reads of measures and progress, in a constant number of queries whatever the row count."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet

from assessments.models import Item
from organisations.models import Organisation, Unit

from .models import Evidence, Measure, ProgressEntry, ProgressStatus, ReportingRound


def rounds_for_year(organisation: Organisation, year: int) -> list[ReportingRound]:
    return list(
        ReportingRound.objects.filter(organisation=organisation, fiscal_year__year=year)
        .select_related("fiscal_year")
        .order_by("end_date", "start_date", "name")
    )


def measure_queryset(organisation: Organisation, year: int) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(organisation=organisation, fiscal_year__year=year)
        .select_related("fiscal_year", "organisation")
        .prefetch_related(
            "steps",
            "responsible_units",
            Prefetch(
                "items", queryset=Item.objects.select_related("indicator").order_by("tool", "order")
            ),
            Prefetch(
                "progress",
                queryset=ProgressEntry.objects.select_related("round", "reporter").prefetch_related(
                    Prefetch("evidence", queryset=Evidence.objects.order_by("created_at", "pk"))
                ),
            ),
        )
        .order_by("order", "pk")
    )


def _annotate(measures: list[Measure]) -> list[Measure]:
    for measure in measures:
        measure.entries_by_round = {entry.round_id: entry for entry in measure.progress.all()}
    return measures


def measures_for_year(
    organisation: Organisation,
    year: int,
    *,
    unit: Unit | None = None,
    indicator: int | None = None,
    status: str | None = None,
    round: ReportingRound | None = None,
) -> list[Measure]:
    """Measures of the year with steps, units, items and progress; filters as on the list page.

    `status` applies to `round` (or, with no round, to the latest round that has an entry).
    A measure with no entry in the round counts as ยังไม่ดำเนินการ.
    """
    qs = measure_queryset(organisation, year)
    if unit is not None:
        qs = qs.filter(responsible_units=unit)
    if indicator is not None:
        qs = qs.filter(items__indicator__number=indicator)
    if unit is not None or indicator is not None:
        qs = qs.distinct()
    measures = _annotate(list(qs))
    if status:
        measures = [m for m in measures if status_in(m, round) == status]
    return measures


def status_in(measure: Measure, round: ReportingRound | None) -> str:
    entries = getattr(measure, "entries_by_round", None) or {
        e.round_id: e for e in measure.progress.all()
    }
    if round is not None:
        entry = entries.get(round.pk)
    else:
        entry = max(entries.values(), key=lambda e: e.round.end_date, default=None)
    return entry.status if entry else ProgressStatus.NOT_STARTED


def is_overdue(measure: Measure, today: date) -> bool:
    due = measure.due_date
    if due is None or due >= today:
        return False
    return not any(e.status == ProgressStatus.DONE for e in measure.progress.all())


@dataclass
class StatusCount:
    done: int = 0
    in_progress: int = 0
    not_started: int = 0

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.not_started

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)


@dataclass
class ProgressSummary:
    round: ReportingRound
    overall: StatusCount = field(default_factory=StatusCount)
    by_unit: dict[Unit, StatusCount] = field(default_factory=lambda: defaultdict(StatusCount))


def progress_summary(
    measures: list[Measure], rounds: list[ReportingRound]
) -> list[ProgressSummary]:
    """Per round: how many measures are at each status, overall and per responsible unit."""
    summaries = []
    for round in rounds:
        summary = ProgressSummary(round=round)
        for measure in measures:
            status = status_in(measure, round)
            summary.overall.add(status)
            for unit in measure.responsible_units.all():
                summary.by_unit[unit].add(status)
        summary.by_unit = dict(
            sorted(summary.by_unit.items(), key=lambda kv: (kv[0].order, kv[0].name))
        )
        summaries.append(summary)
    return summaries


def status_counter(measures: list[Measure], round: ReportingRound | None) -> Counter:
    return Counter(status_in(m, round) for m in measures)
