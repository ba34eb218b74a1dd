"""The score analysis (การวิเคราะห์ผลการประเมิน): drafts from the scores, the organisation's own
texts per ประเด็น, and the reads the score page, the analysis page and the report share.

- A draft names the items below the pass mark (IIT/EIT below `framework.pass_mark`, OIT below
  100), quoting their scores in Thai digits, and names the items at 100 as ones to maintain.
- `analysis_ensure` creates a draft only where an area has none: it never overwrites texts.
  Only `analysis_redraft`, behind an explicit button, replaces texts with a new draft.
- Selectors take assessments from `assessments_for_organisation` (prefetched), so pages and the
  report read any number of items and years in a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from html import escape

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from ita_portal import limits
from ita_portal.thai.dates import format_number, to_thai_digits

from .lineage import ancestors_by_year
from .models import (
    TOOL_INDICATORS,
    AnalysisArea,
    AreaAnalysis,
    Assessment,
    Item,
    ScoreKind,
    Tool,
)
from .scoring import Figure, IndicatorRow, ScoreSheet, score_sheet
from .selectors import assessments_for_organisation

FULL_SCORE = Decimal(100)
HISTORY_YEARS = 5
TEXT_FIELDS = ("facts", "therefore", "maintain_develop")
TEXT_LABELS = {
    "facts": "ข้อเท็จจริงพบว่า",
    "therefore": "ดังนั้น",
    "maintain_develop": "การรักษาระดับ / การพัฒนา",
}
MAX_TEXT_LENGTH = limits.ANALYSIS
TOOL_ORDER = {Tool.IIT.value: 0, Tool.EIT.value: 1, Tool.OIT.value: 2}

# What a draft suggests for weak items of each tool (the seeds' recurring advice, condensed).
TOOL_ADVICE = {
    Tool.IIT.value: "สร้างความรู้ความเข้าใจแก่บุคลากรภายในหน่วยงาน กำหนดแนวทางปฏิบัติให้ชัดเจน "
    "และแจ้งเวียนให้บุคลากรทราบและถือปฏิบัติอย่างเคร่งครัด",
    Tool.EIT.value: "ปรับปรุงการให้บริการและการสื่อสารกับผู้รับบริการ "
    "เพิ่มช่องทางการประชาสัมพันธ์และการรับฟังความคิดเห็นของประชาชน",
    Tool.OIT.value: "จัดทำและเผยแพร่ข้อมูลบนเว็บไซต์ของหน่วยงานให้ครบถ้วนตามองค์ประกอบและหลักเกณฑ์การประเมิน "
    "และตรวจสอบให้เป็นปัจจุบันอย่างสม่ำเสมอ",
}


# ---------------------------------------------------------------- item rows of an area


class ItemStatus:
    WEAK = "weak"  # below the pass mark (OIT: below 100)
    PASSED = "passed"  # at or above the pass mark, below 100
    FULL = "full"  # 100
    MISSING = "missing"  # no score


@dataclass(frozen=True)
class AreaItem:
    item: Item
    score: Decimal | None
    status: str
    #: the scores of the items it continues in earlier years (see `attach_item_history`)
    history: list[Decimal | None] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def tool(self) -> str:
        return self.item.tool

    @property
    def text(self) -> str:
        return self.item.text


def item_status(tool: str, score: Decimal | None, pass_mark: Decimal) -> str:
    if score is None:
        return ItemStatus.MISSING
    if score >= FULL_SCORE:
        return ItemStatus.FULL
    if tool == Tool.OIT or score < pass_mark:
        return ItemStatus.WEAK
    return ItemStatus.PASSED


def _item_key(item: Item) -> tuple[int, int]:
    return (TOOL_ORDER.get(item.tool, 9), item.number)


def item_scores(assessment: Assessment) -> dict[str, Decimal]:
    """Official item scores by code (uses the prefetched `scores` when there are any)."""
    return {s.code: s.score for s in assessment.scores.all() if s.kind == ScoreKind.ITEM}


def area_items(
    assessment: Assessment, area: AnalysisArea, scores: dict[str, Decimal] | None = None
) -> list[AreaItem]:
    """The area's items in report order (IIT, EIT, OIT; by number), each with its score."""
    scores = item_scores(assessment) if scores is None else scores
    pass_mark = assessment.framework.pass_mark
    return [
        AreaItem(
            item, scores.get(item.code), item_status(item.tool, scores.get(item.code), pass_mark)
        )
        for item in sorted(area.items.all(), key=_item_key)
    ]


def weak_items(rows: list[AreaItem]) -> list[AreaItem]:
    return [r for r in rows if r.status == ItemStatus.WEAK]


# ---------------------------------------------------------------- wording


def format_score(score: Decimal) -> str:
    """As the reports print scores: "100" for full marks, otherwise two places ("1.29", "50.00")."""
    return "100" if score >= FULL_SCORE else format_number(score, 2)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " และ " + parts[-1]


def join_codes(codes: list[str]) -> str:
    """ "i7, i8, i9, o14" → "i7 ถึง i9 และ o14": runs of three or more become ranges."""
    runs: list[list[tuple[str, int]]] = []
    for code in codes:
        prefix, number = code[0], int(code[1:])
        if runs and runs[-1][-1][0] == prefix and runs[-1][-1][1] == number - 1:
            runs[-1].append((prefix, number))
        else:
            runs.append([(prefix, number)])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{run[0][0]}{run[0][1]} ถึง {run[-1][0]}{run[-1][1]}")
        else:
            parts.extend(f"{prefix}{number}" for prefix, number in run)
    return _join(parts)


def _each_score(rows: list[AreaItem]) -> str:
    return " ".join(f"ข้อ {r.code} ได้ {format_score(r.score)} คะแนน" for r in rows)


def _score_facts(rows: list[AreaItem]) -> str:
    """Every item's score, tool by tool; the items at 100 of a tool together."""
    parts = []
    for tool in Tool:
        of_tool = [r for r in rows if r.tool == tool.value]
        scored = [r for r in of_tool if r.status in (ItemStatus.WEAK, ItemStatus.PASSED)]
        full = [r.code for r in of_tool if r.status == ItemStatus.FULL]
        if scored:
            parts.append(_each_score(scored))
        if full:
            parts.append(f"ข้อ {join_codes(full)} ได้ 100 คะแนน")
    missing = [r.code for r in rows if r.status == ItemStatus.MISSING]
    if missing:
        parts.append(f"ข้อ {join_codes(missing)} ยังไม่มีคะแนน")
    return " ".join(parts)


def _criteria(rows: list[AreaItem], pass_mark: Decimal) -> str:
    tools = {r.tool for r in rows}
    parts = []
    surveys = [t.value for t in (Tool.IIT, Tool.EIT) if t.value in tools]
    if surveys:
        parts.append(f"{' และ '.join(surveys)} ต่ำกว่า {format_number(pass_mark, 0)} คะแนน")
    if Tool.OIT.value in tools:
        parts.append("OIT ต่ำกว่า 100 คะแนน")
    return " ".join(parts)


def analysis_draft(*, assessment: Assessment, area: AnalysisArea) -> dict[str, str]:
    """The three texts drafted from the scores, as seed 004 writes them.

    In Arabic digits: the document prints them in its own digit setting (documents.digits), so a
    report with Thai digits off shows none, and one with them on shows "ข้อ i๑ ได้ ๘๖.๕๕"."""
    rows = area_items(assessment, area)
    name = assessment.organisation.name
    pass_mark = assessment.framework.pass_mark
    weak = weak_items(rows)
    passed = [r for r in rows if r.status == ItemStatus.PASSED]
    full = [r.code for r in rows if r.status == ItemStatus.FULL]
    if all(r.status == ItemStatus.MISSING for r in rows):
        pending = "ยังไม่มีคะแนนของข้อในประเด็นนี้ จะร่างการวิเคราะห์ได้เมื่อนำเข้าคะแนนแล้ว"
        return {
            "facts": f"{name} {pending}",
            "therefore": pending,
            "maintain_develop": pending,
        }

    facts = f"{name} มีผลคะแนนในประเด็น{area.name} {_score_facts(rows)}"
    if weak:
        facts += f" ข้อที่ได้คะแนนต่ำกว่าเกณฑ์ ({_criteria(weak, pass_mark)}) ได้แก่ {_each_score(weak)}"
    else:
        facts += " ทุกข้อที่มีคะแนนผ่านเกณฑ์การประเมิน"

    if weak:
        # An item's own advice (the advice library, Item.low_score_advice) where it has one, as
        # seed 004 writes; the tool's general advice for the others.
        advised, general = _split_advised(weak)
        parts = [f"ข้อ {r.code} ควร{r.item.low_score_advice.strip()}" for r in advised]
        if general:
            subjects = " ".join(f"ข้อ {r.code} “{r.text.strip()}”" for r in general)
            advice = _join(
                [TOOL_ADVICE[t.value] for t in Tool if any(r.tool == t.value for r in general)]
            )
            lead = "และ" if advised else ""
            parts.append(f"{lead}ควรกำหนดมาตรการเพื่อปรับปรุงข้อที่ต่ำกว่าเกณฑ์ ได้แก่ {subjects} โดย{advice}")
        therefore = f"{name} {' '.join(parts)} แล้วติดตามผลการดำเนินการในรอบ 6 เดือนและรอบ 12 เดือน"
    else:
        therefore = (
            f"{name} มีการดำเนินงานด้าน{area.name}เป็นไปตามเกณฑ์การประเมิน "
            "ควรคงแนวทางการปฏิบัติงานที่ดีไว้ และติดตามผลอย่างต่อเนื่อง"
        )

    parts = []
    if weak:
        parts.append(f"{_each_score(weak)} ต่ำกว่าเกณฑ์ ควรพัฒนาและปรับปรุงเป็นลำดับแรก")
    if passed:
        parts.append(f"{_each_score(passed)} ผ่านเกณฑ์แล้ว ควรพัฒนาต่อเนื่องให้ได้คะแนนเต็ม")
    if full:
        parts.append(f"ข้อ {join_codes(full)} ได้ 100 คะแนน มีการปฏิบัติงานที่ดีเยี่ยม ควรรักษาระดับมาตรฐานไว้")
    maintain_develop = " ".join(parts) or "ยังไม่มีคะแนนเพียงพอสำหรับการวิเคราะห์"

    return {"facts": facts, "therefore": therefore, "maintain_develop": maintain_develop}


# ---------------------------------------------------------------- services


def _areas(assessment: Assessment) -> list[AnalysisArea]:
    return sorted(assessment.framework.analysis_areas.all(), key=lambda a: a.number)


def analysis_ensure(*, assessment: Assessment, user=None) -> list[AreaAnalysis]:
    """Every area of the assessment's framework has an analysis: drafts only where none exists.

    Existing texts are never touched, whoever wrote them. `user` is accepted for symmetry with
    the other services; a draft is not an edit, so it is not recorded as the editor.
    """
    existing = {
        a.area_id: a
        for a in AreaAnalysis.objects.filter(assessment=assessment).select_related("edited_by")
    }
    analyses = []
    for area in _areas(assessment):
        analysis = existing.get(area.pk)
        if analysis is None:
            analysis = _draft_create(assessment, area)
        analysis.area = area
        analysis.assessment = assessment
        analyses.append(analysis)
    return analyses


def _draft_create(assessment: Assessment, area: AnalysisArea) -> AreaAnalysis:
    try:
        with transaction.atomic():
            return AreaAnalysis.objects.create(
                assessment=assessment,
                area=area,
                drafted_at=timezone.now(),
                **analysis_draft(assessment=assessment, area=area),
            )
    except IntegrityError:  # drafted by a concurrent request a moment ago: keep that one
        return AreaAnalysis.objects.select_related("edited_by").get(
            assessment=assessment, area=area
        )


@transaction.atomic
def analysis_redraft(*, analysis: AreaAnalysis, user) -> AreaAnalysis:
    """Replace the texts with a new draft from the current scores (explicit request only)."""
    texts = analysis_draft(assessment=analysis.assessment, area=analysis.area)
    for key, value in texts.items():
        setattr(analysis, key, value)
    analysis.drafted_at = timezone.now()
    analysis.edited_by = None
    analysis.edited_at = None
    analysis.save()
    return analysis


@transaction.atomic
def analysis_update(
    *, analysis: AreaAnalysis, user, facts: str, therefore: str, maintain_develop: str
) -> AreaAnalysis:
    """Save the organisation's own texts. Each is required; nothing is saved on an error."""
    values = {"facts": facts, "therefore": therefore, "maintain_develop": maintain_develop}
    cleaned = {k: (v or "").replace("\r\n", "\n").strip() for k, v in values.items()}
    errors = {}
    for key, value in cleaned.items():
        if not value:
            errors[key] = f"กรุณากรอก “{TEXT_LABELS[key]}”"
        elif len(value) > MAX_TEXT_LENGTH:
            errors[key] = f"“{TEXT_LABELS[key]}” ยาวเกิน {MAX_TEXT_LENGTH:,} ตัวอักษร"
    if errors:
        raise ValidationError(errors)
    for key, value in cleaned.items():
        setattr(analysis, key, value)
    analysis.edited_by = user if getattr(user, "is_authenticated", False) else None
    analysis.edited_at = timezone.now()
    analysis.save()
    return analysis


# ---------------------------------------------------------------- selectors


def assessment_with_history(
    organisation, year: int, *, years: int = HISTORY_YEARS
) -> tuple[Assessment | None, list[Assessment]]:
    """The year's assessment (or None) and the organisation's assessments of the five years up
    to it, oldest first, ready for `score_sheet` (constant queries)."""
    assessments = [
        a
        for a in assessments_for_organisation(organisation, years=years, until=year)
        if a.fiscal_year.year > year - years
    ]
    current = next((a for a in assessments if a.fiscal_year.year == year), None)
    return current, sorted(assessments, key=lambda a: a.fiscal_year.year)


@dataclass
class ToolGroup:
    tool: str
    label: str
    weight: Decimal
    figure: Figure
    indicators: list[IndicatorRow]


def tool_groups(sheet: ScoreSheet) -> list[ToolGroup]:
    """Indicators grouped IIT (1–5), EIT (6–8), OIT (9–10), each with its tool's figure."""
    return [
        ToolGroup(
            tool=tool.value,
            label=tool.label,
            weight=sheet.assessment.framework.weight_for(tool),
            figure=sheet.tools[tool.value],
            indicators=[r for r in sheet.indicators if r.number in TOOL_INDICATORS[tool]],
        )
        for tool in Tool
    ]


@dataclass
class HistoryRow:
    number: int
    name: str
    values: list[Decimal | None]


@dataclass
class ScoreHistory:
    """Indicators × years (official figure, or computed when there is none), totals, levels."""

    years: list[int]
    rows: list[HistoryRow]
    totals: list[Decimal | None]
    levels: list[str]
    present: list[bool] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return any(self.present)


def score_history(
    assessments: list[Assessment], *, until: int, years: int = HISTORY_YEARS
) -> ScoreHistory:
    span = list(range(until - years + 1, until + 1))
    sheets = {a.fiscal_year.year: score_sheet(a) for a in assessments}
    names: dict[int, str] = {}
    for year in sorted(sheets):  # the latest year's names win
        names.update({r.number: r.name for r in sheets[year].indicators})
    rows = []
    for number in range(1, 11):
        values = []
        for year in span:
            sheet = sheets.get(year)
            row = next((r for r in sheet.indicators if r.number == number), None) if sheet else None
            values.append(row.figure.value if row else None)
        rows.append(HistoryRow(number, names.get(number, ""), values))
    return ScoreHistory(
        years=span,
        rows=rows,
        totals=[sheets[y].total.value if y in sheets else None for y in span],
        levels=[sheets[y].level.label if y in sheets and sheets[y].level else "" for y in span],
        present=[y in sheets for y in span],
    )


@dataclass
class AreaSection:
    """One ประเด็น as the analysis page and the report show it."""

    area: AnalysisArea
    items: list[AreaItem]
    texts: dict[str, str]
    analysis: AreaAnalysis | None  # None: a draft computed on the fly, not saved

    @property
    def weak(self) -> list[AreaItem]:
        return weak_items(self.items)

    @property
    def saved(self) -> bool:
        return self.analysis is not None

    @property
    def by_tool(self) -> list[tuple[str, list[AreaItem]]]:
        """[(tool, its items)] in report order, for a table with one tool cell per group."""
        groups: list[tuple[str, list[AreaItem]]] = []
        for row in self.items:
            if not groups or groups[-1][0] != row.tool:
                groups.append((row.tool, []))
            groups[-1][1].append(row)
        return groups


def area_sections(
    assessment: Assessment, analyses: list[AreaAnalysis] | None = None
) -> list[AreaSection]:
    """Every area with its items and texts: the saved ones, or a draft computed (never written).

    Pass `analyses` (e.g. from `analysis_ensure`) to avoid reading them again.
    """
    if analyses is None:
        analyses = list(
            AreaAnalysis.objects.filter(assessment=assessment).select_related("edited_by")
        )
    by_area = {a.area_id: a for a in analyses}
    scores = item_scores(assessment)
    sections = []
    for area in _areas(assessment):
        analysis = by_area.get(area.pk)
        if analysis is not None:
            texts = {key: getattr(analysis, key) for key in TEXT_FIELDS}
        else:
            texts = analysis_draft(assessment=assessment, area=area)
        sections.append(AreaSection(area, area_items(assessment, area, scores), texts, analysis))
    return sections


@dataclass(frozen=True)
class MeasureDraft:
    """What a measure created from an area starts with (the measures app writes it)."""

    title: str
    problem: str
    steps: list[str]
    items: list[Item]


def _split_advised(weak: list[AreaItem]) -> tuple[list[AreaItem], list[AreaItem]]:
    """(weak items with their own advice, the others)."""
    advised = [r for r in weak if (r.item.low_score_advice or "").strip()]
    return advised, [r for r in weak if r not in advised]


def area_measure_draft(*, assessment: Assessment, area: AnalysisArea) -> MeasureDraft:
    rows = area_items(assessment, area)
    weak = weak_items(rows)
    heading = f"ประเด็นที่ {area.number} {area.name}"
    if weak:
        problem = f"{heading}: {_each_score(weak)} ต่ำกว่าเกณฑ์"
        advised, general = _split_advised(weak)
        # One step per item's own advice, then one for the rest with the tool's advice.
        steps = [f"{r.item.low_score_advice.strip()} (ข้อ {r.code})" for r in advised]
        if general:
            codes = join_codes([r.code for r in general])
            advice = _join(
                [TOOL_ADVICE[t.value] for t in Tool if any(r.tool == t.value for r in general)]
            )
            steps.append(
                f"ทบทวนสาเหตุและปรับปรุงการดำเนินงานตามข้อ {codes} ให้ได้คะแนนผ่านเกณฑ์ โดย{advice}"
            )
    else:
        problem = f"{heading}: ทุกข้อผ่านเกณฑ์ ควรรักษาระดับ"
        steps = [f"รักษาระดับการดำเนินงานตาม{heading} และติดตามผลอย่างต่อเนื่อง"]
    return MeasureDraft(
        title=f"มาตรการพัฒนา: {area.name}",
        problem=problem,
        steps=steps,
        items=[r.item for r in weak],
    )


# ---------------------------------------------------------------- the five-year chart

YEAR_COLOURS = ["#c6d4e1", "#9db6cf", "#6d93b9", "#3f6f9f", "#1b4a78"]


def history_chart(history: ScoreHistory, *, thai_digits: bool = False) -> SafeString:
    """Indicators 1–10 and the total, one column per year, as an inline <svg> (Thai labels).

    The same markup goes to the screen and to the PDF; the values are in the table beside it.
    """

    def digits(text) -> str:
        return escape(to_thai_digits(text) if thai_digits else str(text))

    groups = [(str(r.number), r.values) for r in history.rows] + [("รวม", history.totals)]
    years = history.years
    width, height = 660, 280
    left, right, top, bottom = 36, 8, 26, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    group_w = plot_w / len(groups)
    bar_w = (group_w - 8) / max(len(years), 1)
    title = f"ผลการประเมินรายตัวชี้วัด ปี {years[0]}–{years[-1]}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart history-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="Sarabun, sans-serif" font-size="12">',
        f"<title>{digits(title)}</title>",
    ]
    # legend
    x = left
    for index, year in enumerate(years):
        colour = YEAR_COLOURS[index % len(YEAR_COLOURS)]
        parts.append(
            f'<rect x="{x}" y="3" width="11" height="11" fill="{colour}"/>'
            f'<text x="{x + 15}" y="13">{digits(f"ปี {year}")}</text>'
        )
        x += 78
    # grid and axis
    for tick in range(0, 101, 20):
        y = top + plot_h - tick / 100 * plot_h
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{"#000" if tick == 0 else "#ddd"}" stroke-width="{1 if tick == 0 else 0.6}"/>'
            f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{digits(tick)}</text>'
        )
    for g, (label, values) in enumerate(groups):
        x0 = left + g * group_w + 4
        for index, value in enumerate(values):
            if value is None:
                continue
            h = max(0.0, min(float(value), 100.0)) / 100 * plot_h
            colour = YEAR_COLOURS[index % len(YEAR_COLOURS)]
            parts.append(
                f'<rect x="{x0 + index * bar_w:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{x0 + (group_w - 8) / 2:.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle">{digits(label)}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">'
        f"{digits('ตัวชี้วัดที่')}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text above is escaped


def attach_item_history(sections: list, assessments: list[Assessment], year: int) -> list[int]:
    """Give each area item the scores of the items it continues in earlier years, through
    lineage (codes move between years). Returns the earlier years that have item scores, oldest
    first; an item that continues several (merged) shows the weakest of their scores."""
    earlier = {
        a.fiscal_year.year: a
        for a in assessments
        if a.fiscal_year.year < year and any(s.kind == ScoreKind.ITEM for s in a.scores.all())
    }
    years = sorted(earlier)
    if not years:
        return []
    rows = [row for section in sections for row in section.items]
    ancestors = ancestors_by_year([row.item for row in rows], years)
    codes = {
        y: dict(Item.objects.filter(framework=earlier[y].framework).values_list("pk", "code"))
        for y in years
    }
    scores = {y: item_scores(earlier[y]) for y in years}

    def history(row: AreaItem) -> list[Decimal | None]:
        values = []
        for y in years:
            found = [
                scores[y][codes[y][pk]]
                for pk in ancestors.get(row.item.pk, {}).get(y, set())
                if pk in codes[y] and codes[y][pk] in scores[y]
            ]
            values.append(min(found) if found else None)
        return values

    for section in sections:
        section.items = [replace(row, history=history(row)) for row in section.items]
    return years
