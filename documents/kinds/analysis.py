"""The score-analysis report (การวิเคราะห์ผลการประเมิน), kind `analysis`, as seed 004 lays it out.

1. the year's scores per indicator grouped IIT/EIT/OIT, the total and the level, and five years
   compared (a server-side SVG chart, the same markup on screen and in the PDF);
2. each ประเด็น: its items with scores and the three texts (the saved ones, or a draft computed
   on the fly: rendering never writes);
3. การนำผลการวิเคราะห์ไปสู่การปฏิบัติ: the year's measures under the first area whose items they
   address, with steps, responsible units and period;
4. the closing matrix (ประเด็น / ข้อคำถาม ITA / ผลการวิเคราะห์ข้อมูล / มาตรการ / ขั้นตอน / ระยะเวลา /
   ส่วนงาน), each area's rows built from the measures linked to its items.

Everything is read through prefetching selectors, so the query count does not grow with items,
years or measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessments.analysis import (
    ItemStatus,
    area_sections,
    assessment_with_history,
    attach_item_history,
    format_score,
    history_chart,
    score_history,
    tool_groups,
)
from assessments.models import Assessment
from assessments.scoring import score_sheet
from documents.charts import Bar, bar_chart
from documents.kinds.measures import LONG_ROW_CHARACTERS
from documents.registry import DocumentError, DocumentKind, register
from documents.typography import sarabun_pt
from ita_portal.thai import dates as thai
from measures.models import Measure
from measures.selectors import measures_for_year

ANALYSIS_TITLE = "การวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ"
RUNNING_TITLE = "การวิเคราะห์ผลการประเมิน ITA"
PLAN_TITLE = "การนำผลการวิเคราะห์ไปสู่การปฏิบัติ"
OTHER_MEASURES = "มาตรการอื่นของปีงบประมาณ"
MATRIX_TITLE = "สรุปผลการวิเคราะห์และการนำผลการวิเคราะห์ไปสู่การปฏิบัติรายประเด็น"


@dataclass(frozen=True)
class PlanRow:
    title: str
    items: list[str]
    steps: list[tuple[int, str]]
    units: list[str]
    timeframe: str
    also_areas: list[int]

    @property
    def can_break(self) -> bool:
        """As MeasureRow.can_break: a long row may run onto the next page."""
        length = len(self.title) + sum(len(text) for _, text in self.steps)
        return length > LONG_ROW_CHARACTERS


@dataclass(frozen=True)
class PlanGroup:
    heading: str
    rows: list[PlanRow]
    is_area: bool = True
    #: areas under which this area's measures are listed (when they are listed elsewhere)
    see_areas: tuple[int, ...] = ()
    number: int | None = None


def _plan(sections, measures: list[Measure]) -> list[PlanGroup]:
    """Each measure once, under the first area whose items it addresses; the rest at the end."""
    area_codes = [(s.area.number, {row.code for row in s.items}) for s in sections]
    placed: dict[int, list[PlanRow]] = {number: [] for number, _ in area_codes}
    listed_under: dict[int, set[int]] = {number: set() for number, _ in area_codes}
    others: list[PlanRow] = []
    for measure in measures:
        codes = [item.code for item in measure.items.all()]
        areas = [number for number, members in area_codes if members.intersection(codes)]
        for number in areas:
            listed_under[number].add(areas[0])
        row = PlanRow(
            title=measure.title,
            items=codes,
            steps=[(step.order, step.text) for step in measure.steps.all()],
            units=[unit.name for unit in measure.responsible_units.all()],
            timeframe=measure.timeframe_text(),
            also_areas=areas[1:],
        )
        (placed[areas[0]] if areas else others).append(row)
    groups = [
        PlanGroup(
            f"ประเด็นที่ {s.area.number} {s.area.name}",
            placed[s.area.number],
            see_areas=tuple(sorted(listed_under[s.area.number] - {s.area.number})),
            number=s.area.number,
        )
        for s in sections
    ]
    if others:
        groups.append(PlanGroup(OTHER_MEASURES, others, is_area=False))
    return groups


#: what the closing matrix says of an item's score, by its status (assessments.analysis.ItemStatus)
FINDINGS = {
    ItemStatus.WEAK: "ต่ำกว่าเกณฑ์ ควรพัฒนาและปรับปรุงเป็นลำดับแรก",
    ItemStatus.PASSED: "ผ่านเกณฑ์ ควรพัฒนาให้ดียิ่งขึ้น",
    ItemStatus.FULL: "ได้คะแนนเต็ม ควรรักษาระดับ",
}


@dataclass(frozen=True)
class MatrixRow:
    """One measure under one ประเด็น: the area's items it addresses and what their scores say."""

    items: list[tuple[str, str]]  # (code, question)
    findings: list[str]
    title: str
    steps: list[tuple[int, str]]
    timeframe: str
    units: list[str]

    @property
    def can_break(self) -> bool:
        length = len(self.title) + sum(len(text) for _, text in self.steps)
        length += sum(len(text) for _, text in self.items)
        return length > LONG_ROW_CHARACTERS


@dataclass(frozen=True)
class MatrixArea:
    number: int
    name: str
    rows: list[MatrixRow]


def _finding(row) -> str:
    if row.score is None:
        return f"ข้อ {row.code} ยังไม่มีคะแนน"
    return f"ข้อ {row.code} ได้ {format_score(row.score)} คะแนน {FINDINGS[row.status]}"


def _matrix(sections, measures: list[Measure]) -> list[MatrixArea]:
    """Seed 004's closing table: for each ประเด็น, every measure linked to one of its items, with
    those items, what their scores say, and the measure's steps, period and units. A measure that
    addresses two areas is a row of each; an area with no measure has no row."""
    areas = []
    for section in sections:
        by_code = {row.code: row for row in section.items}
        rows = []
        for measure in measures:
            linked = [by_code[item.code] for item in measure.items.all() if item.code in by_code]
            if not linked:
                continue
            rows.append(
                MatrixRow(
                    items=[(row.code, row.text) for row in linked],
                    findings=[_finding(row) for row in linked],
                    title=measure.title,
                    steps=[(step.order, step.text) for step in measure.steps.all()],
                    timeframe=measure.timeframe_text(),
                    units=[unit.name for unit in measure.responsible_units.all()],
                )
            )
        if rows:
            areas.append(MatrixArea(section.area.number, section.area.name, rows))
    return areas


def year_charts(history) -> list:
    """Seed 004's chart per year: each indicator and the total, every bar labelled with its
    value (the years without scores are left out)."""
    charts = []
    for index, year in enumerate(history.years):
        if not history.present[index]:
            continue
        bars = [Bar(f"{row.number}. {row.name}", row.values[index]) for row in history.rows]
        bars.append(Bar("คะแนนรวม", history.totals[index]))
        charts.append(bar_chart(bars, title=f"ผลการประเมินรายตัวชี้วัด ปี {year}"))
    return charts


def _plan_context(plan: list[PlanGroup]) -> dict[str, Any]:
    """The plan table's groups with rows, and the areas said once in a sentence instead of a
    placeholder row: those listed under another area, and those with no measure."""
    return {
        "plan": plan,
        "plan_has_rows": any(g.rows for g in plan),
        "plan_elsewhere": [g for g in plan if g.is_area and not g.rows and g.see_areas],
        "plan_without": [g.number for g in plan if g.is_area and not g.rows and not g.see_areas],
    }


def _no_scores(organisation, year: int) -> str:
    return (
        f"ยังไม่มีผลการประเมินของ{organisation.name} ปีงบประมาณ พ.ศ. {year} "
        "จึงยังจัดทำรายงานการวิเคราะห์ผลการประเมินไม่ได้"
    )


def analysis_blocked(*, organisation, fiscal_year) -> str:
    """The analysis needs the year's imported scores."""
    exists = Assessment.objects.filter(organisation=organisation, fiscal_year__year=fiscal_year)
    return "" if exists.exists() else _no_scores(organisation, fiscal_year) + " (นำเข้าคะแนนก่อน)"


def build_analysis(*, organisation, fiscal_year, options) -> dict[str, Any]:
    if fiscal_year is None:
        raise DocumentError("ต้องระบุปีงบประมาณ (พ.ศ.) เช่น 2568")
    year = fiscal_year
    assessment, assessments = assessment_with_history(organisation, year)
    if assessment is None:
        raise DocumentError(_no_scores(organisation, year))
    sheet = score_sheet(assessment)
    history = score_history(assessments, until=year)
    sections = area_sections(assessment)  # saved texts, or drafts computed here (never saved)
    # Earlier years' scores of each item, through lineage (only years with item scores).
    item_years = attach_item_history(sections, assessments, year)
    measures = measures_for_year(organisation, year)
    matrix = _matrix(sections, measures)
    in_matrix = {area.number for area in matrix}
    return {
        "title": thai.maybe_thai_digits(
            f"{ANALYSIS_TITLE} ประจำปีงบประมาณ พ.ศ. {year}", options.thai_digits
        ),
        "heading": ANALYSIS_TITLE,
        "running_title": thai.maybe_thai_digits(
            f"{RUNNING_TITLE} ประจำปีงบประมาณ พ.ศ. {year}", options.thai_digits
        ),
        "organisation": organisation,
        "fiscal_year": year,
        "assessment": assessment,
        "framework": assessment.framework,
        "sheet": sheet,
        "groups": tool_groups(sheet),
        "history": history,
        "chart": history_chart(history, thai_digits=options.thai_digits),
        "year_charts": year_charts(history),
        "sections": sections,
        "item_years": item_years,
        # the item text column gives room to earlier years (9% each; the score column 12%)
        "item_text_width": 68 + 6 - 9 * len(item_years) if item_years else 68,
        **_plan_context(_plan(sections, measures)),
        "matrix": matrix,
        "matrix_title": MATRIX_TITLE,
        # areas with no row, said once in a sentence (only when the framework has areas)
        "matrix_without": [s.area.number for s in sections if s.area.number not in in_matrix],
        "plan_title": PLAN_TITLE,
        "cover_sizes": {"title": sarabun_pt(24), "text": sarabun_pt(20)},
    }


register(
    DocumentKind(
        name="analysis",
        order=4,
        title=ANALYSIS_TITLE,
        short_title="การวิเคราะห์ผลการประเมิน ITA",
        template="documents/analysis.html",
        build=build_analysis,
        attachable=True,
        publishable=True,
        blocked=analysis_blocked,
    )
)
