"""The catalogue from one year to the next: roll a framework forward as a provisional one, and
follow items through their lineage (`Item.predecessors`).

The NACC publishes each year's catalogue late, renumbers OIT items and merges some. Staff plan
in October all the same: a central admin rolls last year's framework forward ("ยังไม่ประกาศ"),
measures link to its items, and when the official workbook arrives it replaces the provisional
framework, each provisional item becoming the official item that continues the same requirement.

The apps above (measures, OIT evidence) keep links to items. This module does not know them: they
register how to move their links from one item to another and how to count them (`register`), so
a merge moves every link and nothing is dropped without being listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from organisations.access import is_central_admin

from .models import (
    AnalysisArea,
    FiscalYear,
    Framework,
    GradeBand,
    Indicator,
    Item,
    ItemCriterion,
    SurveySettings,
)


@dataclass(frozen=True)
class ItemLinks:
    """How an app keeps links to items: a Thai name, a mover and a counter.

    `move(source=, target=)` re-points every link of `source` to `target` (merging where the
    target already has one); `count(items)` returns {item id: number of links}.
    """

    label: str
    move: Callable[..., None]
    count: Callable[[Iterable[Item]], dict[int, int]]


LINKS: list[ItemLinks] = []


def register(links: ItemLinks) -> None:
    LINKS.append(links)


def item_links_move(*, source: Item, target: Item) -> None:
    for links in LINKS:
        links.move(source=source, target=target)


def item_link_counts(items: Iterable[Item]) -> dict[int, list[tuple[str, int]]]:
    """{item id: [(Thai label, count), …]} for items that anything still links to."""
    items = list(items)
    found: dict[int, list[tuple[str, int]]] = {}
    for links in LINKS:
        for item_id, count in links.count(items).items():
            if count:
                found.setdefault(item_id, []).append((links.label, count))
    return found


def lineage_errors(framework: Framework, predecessors: Iterable[Item]) -> list[str]:
    """Thai messages for predecessors an item of `framework` may not continue: only items of
    the previous fiscal year (so a lineage never runs in a circle)."""
    year = framework.fiscal_year.year
    return [
        f"ข้อ {p.code} ของ {p.framework} ไม่ใช่ข้อของกรอบปี {year - 1}: ข้อหนึ่งสืบต่อได้เฉพาะจากข้อของปีก่อนหน้า"
        for p in predecessors
        if p.framework.fiscal_year.year != year - 1
    ]


# ---------------------------------------------------------------- roll forward


def _next_year_name(name: str, year: int, new_year: int) -> str:
    renamed = name.replace(str(year), str(new_year))
    return renamed if renamed != name else f"{name} (ปี {new_year})"


@transaction.atomic
def framework_roll_forward(*, source: Framework, user) -> Framework:
    """A provisional framework of the next fiscal year, copied from `source`.

    Every item continues its source item (lineage), so measures planned on it follow through
    when the official catalogue replaces it. Refused if that year already has a framework of the
    same group of agencies.
    """
    if not is_central_admin(user):
        raise PermissionDenied("การยกกรอบการประเมินไปปีถัดไปทำได้เฉพาะผู้ดูแลส่วนกลาง")
    year = source.fiscal_year.year + 1
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    if Framework.objects.filter(fiscal_year=fiscal_year, variant=source.variant).exists():
        raise ValidationError(f"ปีงบประมาณ {year} มีกรอบการประเมิน{_group(source)}แล้ว")
    framework = Framework.objects.create(
        fiscal_year=fiscal_year,
        variant=source.variant,
        name=_next_year_name(source.name, source.fiscal_year.year, year),
        weight_iit=source.weight_iit,
        weight_eit=source.weight_eit,
        weight_oit=source.weight_oit,
        grading_kind=source.grading_kind,
        pass_mark=source.pass_mark,
        is_provisional=True,
        source_note=(
            f"ยังไม่ประกาศ: คัดลอกจากกรอบการประเมินปี {source.fiscal_year.year} เพื่อใช้วางแผน "
            f"จนกว่าสำนักงาน ป.ป.ช. จะประกาศกรอบของปี {year} "
            "(นำเข้ากรอบที่ประกาศแล้วจะแทนที่กรอบนี้ โดยมาตรการและหลักฐานตามไปยังข้อที่สืบต่อ)\n"
            + source.source_note
        ),
    )
    for band in source.bands.order_by("order"):
        GradeBand.objects.create(
            framework=framework,
            order=band.order,
            label=band.label,
            min_total=band.min_total,
            min_each_tool=band.min_each_tool,
            is_pass=band.is_pass,
        )
    indicators = {
        ind.pk: Indicator.objects.create(
            framework=framework, number=ind.number, name=ind.name, tool=ind.tool
        )
        for ind in source.indicators.all()
    }
    items = {}
    for item in source.items.filter(is_retired=False).prefetch_related("criteria"):
        copy = Item.objects.create(
            framework=framework,
            indicator=indicators.get(item.indicator_id),
            tool=item.tool,
            code=item.code,
            text=item.text,
            order=item.order,
            source=item.source,
            confidence=item.confidence,
            lineage_note=f"ยังไม่ประกาศ: คัดลอกจากข้อ {item.code} ปี {source.fiscal_year.year}",
        )
        copy.predecessors.set([item])
        for criterion in item.criteria.all():
            ItemCriterion.objects.create(
                item=copy,
                order=criterion.order,
                text=criterion.text,
                source=criterion.source,
                confidence=criterion.confidence,
            )
        items[item.pk] = copy
    for area in source.analysis_areas.prefetch_related("items"):
        new_area = AnalysisArea.objects.create(
            framework=framework, number=area.number, name=area.name
        )
        new_area.items.set([items[i.pk] for i in area.items.all() if i.pk in items])
    _copy_survey_settings(source, framework)
    return framework


def _copy_survey_settings(source: Framework, framework: Framework) -> None:
    """The survey links and minimums carry over; the window does not (the NACC sets it each
    year, as it does the ITAS window)."""
    settings = SurveySettings.objects.filter(framework=source).first()
    if settings is None:
        return
    SurveySettings.objects.create(
        framework=framework,
        iit_link_pattern=settings.iit_link_pattern,
        eit_link_pattern=settings.eit_link_pattern,
        iit_min_respondents=settings.iit_min_respondents,
        eit_min_respondents=settings.eit_min_respondents,
        source=(
            f"คัดลอกจากกรอบการประเมินปี {source.fiscal_year.year} (ยังไม่ประกาศ)\n{settings.source}"
        )[:2000],
        confidence=settings.confidence,
    )


def _group(framework: Framework) -> str:
    return f" ({framework.variant})" if framework.variant else ""


def roll_forward_candidates(year: int) -> list[Framework]:
    """The frameworks of `year - 1` that could become `year`'s provisional ones (one per group
    of agencies that `year` does not have yet)."""
    existing = set(
        Framework.objects.filter(fiscal_year__year=year).values_list("variant", flat=True)
    )
    return [
        f
        for f in Framework.objects.filter(fiscal_year__year=year - 1).select_related("fiscal_year")
        if f.variant not in existing
    ]


# ---------------------------------------------------------------- the official catalogue arrives


def _temporary_code(item: Item) -> str:
    # Out of the way of every real code while items are renumbered (matches the code check).
    return f"{item.code[0]}9{item.pk:07d}"


def provisional_replace(*, framework: Framework, data) -> dict[str, list[Item]]:
    """Turn the provisional framework's items into the official ones `data` describes.

    A provisional item continues one item of last year; the official item whose lineage names
    that item takes its place (renamed and renumbered in place, so measures and OIT evidence
    stay linked). Provisional items that end in the same official item are merged into one, their
    links moved by the apps that keep them. A provisional item that no official item continues
    is deleted when nothing links to it, else retired and kept, so its links can be listed and
    resolved by an admin. Returns {"merged": [...], "retired": [...]} for the message.
    The caller (catalogue.framework_save) then writes the official texts, order and lineage.
    """
    year = framework.fiscal_year.year
    earlier: dict[str, list[int]] = {}
    for previous in Item.objects.filter(framework__fiscal_year__year=year - 1).only("pk", "code"):
        earlier.setdefault(previous.code, []).append(previous.pk)
    continued_by: dict[int, set[str]] = {}  # last year's item id -> official codes continuing it
    for official in data.items:
        for code in official.predecessors:
            for pk in earlier.get(code, []):
                continued_by.setdefault(pk, set()).add(official.code)
    provisional = list(framework.items.prefetch_related("predecessors").order_by("order", "pk"))
    groups: dict[str, list[Item]] = {}
    unmatched: list[Item] = []
    for item in provisional:
        targets = set().union(*(continued_by.get(p.pk, set()) for p in item.predecessors.all()))
        if len(targets) == 1:
            groups.setdefault(targets.pop(), []).append(item)
        else:
            unmatched.append(item)
    for item in provisional:
        Item.objects.filter(pk=item.pk).update(code=_temporary_code(item))
    merged, retired = [], []
    for code, items in groups.items():
        items.sort(key=lambda i: (i.code != code, i.order, i.pk))  # keep the same code first
        keeper, others = items[0], items[1:]
        for other in others:
            item_links_move(source=other, target=keeper)
            merged.append(other)
            other.delete()
        keeper.code = code
        keeper.is_retired = False
        keeper.save(update_fields=["code", "is_retired"])
    linked = item_link_counts(unmatched)
    for item in unmatched:
        if item.pk in linked:
            item.is_retired = True
            item.lineage_note = (
                f"ข้อ {item.code} ของกรอบชั่วคราว: ไม่มีข้อที่สืบต่อในกรอบที่ประกาศ "
                "(ยังมีมาตรการหรือหลักฐานเชื่อมอยู่ กรุณาย้ายไปข้อที่ตรงกัน)"
            )
            item.save(update_fields=["is_retired", "lineage_note"])
            retired.append(item)
        else:
            item.delete()
    return {"merged": merged, "retired": retired}


def unresolved_links(framework: Framework) -> list[tuple[Item, list[tuple[str, int]]]]:
    """Retired items of `framework` that measures or evidence still link to, with the counts."""
    retired = list(framework.items.filter(is_retired=True).order_by("order", "pk"))
    counts = item_link_counts(retired)
    return [(item, counts[item.pk]) for item in retired if item.pk in counts]


def descendants_in(items: Iterable[Item], framework: Framework) -> dict[int, list[Item]]:
    """{item id: the items of `framework` (a later year) that continue it}, following lineage
    forward one year at a time (one query per year between them)."""
    items = list(items)
    if not items:
        return {}
    target_year = framework.fiscal_year.year
    current = {item.pk: {item.pk} for item in items}
    through = Item.predecessors.through
    for year in range(min(i.framework.fiscal_year.year for i in items) + 1, target_year + 1):
        children: dict[int, set[int]] = {}
        for parent, child in through.objects.filter(
            to_item_id__in=set().union(*current.values()),
            from_item__framework__fiscal_year__year=year,
        ).values_list("to_item_id", "from_item_id"):
            children.setdefault(parent, set()).add(child)
        # An item of a year already reached stays itself until lineage moves it on.
        current = {
            pk: set().union(*(children.get(i, set()) for i in ids)) if ids else set()
            for pk, ids in current.items()
        }
    reached = {
        item.pk: item
        for item in framework.items.filter(
            pk__in=set().union(*current.values()), is_retired=False
        ).order_by("order", "code")
    }
    return {
        pk: sorted((reached[i] for i in ids if i in reached), key=lambda i: (i.order, i.code))
        for pk, ids in current.items()
    }


def ancestors_by_year(
    items: Iterable[Item], years: Iterable[int]
) -> dict[int, dict[int, set[int]]]:
    """{item id: {earlier year: ids of the items it continues in that year}}, following
    lineage back one year at a time (one query per year)."""
    items = list(items)
    if not items:
        return {}
    wanted = sorted(set(years), reverse=True)
    start = max(item.framework.fiscal_year.year for item in items)
    through = Item.predecessors.through
    found: dict[int, dict[int, set[int]]] = {item.pk: {} for item in items}
    current = {item.pk: {item.pk} for item in items}
    for year in range(start, min(wanted, default=start), -1):
        parents: dict[int, set[int]] = {}
        rows = through.objects.filter(
            from_item_id__in=set().union(*current.values()),
        ).values_list("from_item_id", "to_item_id")
        for child, parent in rows:
            parents.setdefault(child, set()).add(parent)
        current = {
            pk: set().union(*(parents.get(i, set()) for i in ids)) if ids else set()
            for pk, ids in current.items()
        }
        if year - 1 in wanted:
            for pk, ids in current.items():
                found[pk][year - 1] = ids
    return found
