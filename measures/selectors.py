"""Reads of measures and progress, in a constant number of queries whatever the row count."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assessments import lineage
from assessments.models import Item
from assessments.selectors import framework_for_organisation
from ita_portal.thai import dates as thai
from organisations.models import Organisation, Unit

from .models import Evidence, Measure, ProgressEntry, ProgressStatus, ReportingRound, TimeframeKind


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


# ---------------------------------------------------------------- copying into the next year


class LinkFate:
    """What becomes of one item link when a measure is copied into the next year."""

    CARRIED = "carried"  # the same requirement, the same code
    RELINKED = "relinked"  # the same requirement, renumbered
    MERGED = "merged"  # merged with other items into one
    DROPPED = "dropped"  # no item continues it: listed on the new measure

    LABELS = {
        CARRIED: "ยกมา",
        RELINKED: "เปลี่ยนเลขข้อ",
        MERGED: "รวมกับข้ออื่น",
        DROPPED: "ไม่มีข้อที่สืบต่อ",
    }


@dataclass
class CopyLink:
    old: Item
    new: list[Item]
    fate: str

    @property
    def label(self) -> str:
        return LinkFate.LABELS[self.fate]


@dataclass
class CopyRow:
    """One measure of last year as it would be copied: its links and its new dates."""

    measure: Measure
    duplicate: bool
    links: list[CopyLink] = field(default_factory=list)
    start_date: date | None = None
    end_date: date | None = None
    deadline: date | None = None
    quarters: list[int] = field(default_factory=list)
    moved_to_remaining_time: bool = False

    @property
    def new_items(self) -> list[Item]:
        seen: dict[int, Item] = {}
        for link in self.links:
            for item in link.new:
                seen.setdefault(item.pk, item)
        return list(seen.values())

    @property
    def dropped(self) -> list[Item]:
        return [link.old for link in self.links if link.fate == LinkFate.DROPPED]

    def count(self, fate: str) -> int:
        return sum(1 for link in self.links if link.fate == fate)


def shift_fiscal_year(value: date | None, years: int = 1) -> date | None:
    """The same day `years` fiscal years later (29 February becomes 28 February)."""
    if value is None:
        return None
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def copy_source_year(organisation: Organisation, year: int) -> int:
    """The year a copy into `year` takes its measures from: the latest earlier year that has
    any (usually last year; the one before when last year was skipped)."""
    found = (
        Measure.objects.filter(organisation=organisation, fiscal_year__year__lt=year)
        .order_by("-fiscal_year__year")
        .values_list("fiscal_year__year", flat=True)
        .first()
    )
    return found or year - 1


def measures_copy_plan(
    organisation: Organisation, year: int, today: date, source_year: int | None = None
) -> list[CopyRow]:
    """The measures of `source_year` (default: `copy_source_year`) as copying them into `year`
    would make them (constant queries, one more per year between the two).

    Item links follow lineage, never the code: a renumbered item is re-linked, merged items join,
    and an item with no successor is dropped and listed. Dates move by whole fiscal years; a date
    already past today is moved to the time left in `year`, so no copy is overdue on the day it
    is made.
    """
    source_year = source_year or copy_source_year(organisation, year)
    framework = framework_for_organisation(organisation, year)
    source = list(
        Measure.objects.filter(organisation=organisation, fiscal_year__year=source_year)
        .select_related("fiscal_year")
        .prefetch_related(
            "steps",
            "responsible_units",
            Prefetch("items", queryset=Item.objects.select_related("framework__fiscal_year")),
        )
        .order_by("order", "pk")
    )
    existing = set(
        Measure.objects.filter(organisation=organisation, fiscal_year__year=year).values_list(
            "title", flat=True
        )
    )
    # Every item of the frameworks the measures use, so a merge is seen even when only one of
    # the merged items was linked.
    frameworks = {item.framework_id for m in source for item in m.items.all()}
    everything = list(
        Item.objects.filter(framework_id__in=frameworks).select_related("framework__fiscal_year")
    )
    descendants = lineage.descendants_in(everything, framework) if framework else {}
    reached_from: Counter = Counter(
        (new.pk, item.framework_id) for item in everything for new in descendants.get(item.pk, [])
    )
    start, end = thai.fiscal_year_range(year)
    rows = []
    for old in source:
        row = CopyRow(measure=old, duplicate=old.title in existing)
        for item in old.items.all():
            successors = descendants.get(item.pk, [])
            if not successors:
                fate = LinkFate.DROPPED
            elif any(reached_from[(s.pk, item.framework_id)] > 1 for s in successors):
                fate = LinkFate.MERGED
            elif all(s.code == item.code for s in successors):
                fate = LinkFate.CARRIED
            else:
                fate = LinkFate.RELINKED
            row.links.append(CopyLink(old=item, new=successors, fate=fate))
        shift = year - source_year
        row.start_date = shift_fiscal_year(old.start_date, shift)
        row.end_date = shift_fiscal_year(old.end_date, shift)
        row.deadline = shift_fiscal_year(old.deadline, shift)
        row.quarters = list(old.quarters)
        _keep_in_remaining_time(row, old, year, today, start, end)
        rows.append(row)
    return rows


def _keep_in_remaining_time(row: CopyRow, old: Measure, year: int, today, start, end) -> None:
    """A copied date that is already past moves to what is left of the year."""
    if not start <= today <= end:
        return
    kind = old.timeframe_kind
    if kind == TimeframeKind.DEADLINE and row.deadline and row.deadline < today:
        row.deadline, row.moved_to_remaining_time = end, True
    elif kind == TimeframeKind.PERIOD and row.end_date and row.end_date < today:
        row.start_date = max(row.start_date or today, today)
        row.end_date, row.moved_to_remaining_time = end, True
    elif kind == TimeframeKind.QUARTERS and row.quarters:
        current = thai.fiscal_quarter_of(today)
        if max(row.quarters) < current:
            row.quarters, row.moved_to_remaining_time = list(range(current, 5)), True


def measure_link_counts(items) -> dict[int, int]:
    """{item id: measures linked to it}."""
    through = Measure.items.through
    rows = (
        through.objects.filter(item__in=list(items))
        .values("item_id")
        .annotate(n=Count("measure_id"))
    )
    return {row["item_id"]: row["n"] for row in rows}


def rounds_ending_between(start: date, end: date) -> list[ReportingRound]:
    """Rounds of active organisations ending between `start` and `end`, each with `unreported`:
    its organisation's measures of the year with no progress entry for the round."""
    missing = (
        Measure.objects.filter(
            organisation=OuterRef("organisation"), fiscal_year=OuterRef("fiscal_year")
        )
        .filter(
            ~Exists(
                ProgressEntry.objects.filter(measure=OuterRef("pk"), round=OuterRef(OuterRef("pk")))
            )
        )
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        ReportingRound.objects.filter(
            end_date__gte=start, end_date__lte=end, organisation__is_active=True
        )
        .annotate(unreported=Coalesce(Subquery(missing), 0))
        .select_related("organisation", "fiscal_year")
        .order_by("end_date", "pk")
    )
