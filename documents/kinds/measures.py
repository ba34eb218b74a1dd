"""Measure documents: the measure plan, the measure-results report and the progress report.

- `measure-plan`: มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน of one year (seed 004's
  closing tables, seed 001's columns).
- `measure-results`: รายงานผลการดำเนินการตามมาตรการ… for a round or the whole year, with a cover,
  an optional คำนำ and the table in layout "a" (seed 000), "b" (seed 001) or "c" (seed 003).
- `progress`: รายงานความก้าวหน้า… of one round (seed 002), measures grouped by เป้าประสงค์.

Builders read everything through `measures.selectors` (prefetched) and hand templates plain rows,
so a document's query count does not grow with its measures.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from assessments.scoring import score_sheet
from assessments.selectors import assessments_for_organisation, framework_for_organisation
from documents.registry import DocumentError, DocumentKind, register
from documents.rendering import WIDE_TABLE_PAGE
from documents.typography import sarabun_pt
from ita_portal.thai import dates as thai
from measures.models import EvidenceKind, Measure, ProgressEntry, ProgressStatus, ReportingRound
from measures.selectors import measures_for_year, rounds_for_year

MEASURES_TITLE = "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
RESULTS_TITLE = "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
PROGRESS_TITLE = "รายงานความก้าวหน้าการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
NO_GOAL = "มาตรการ"
NOT_REPORTED = "ยังไม่มีการรายงานผล"

LAYOUTS = {
    # seed 000
    "a": [
        ("ประเด็นที่ต้องปรับปรุงแก้ไข/ ประเด็นที่ต้องพัฒนา", 19),
        ("ผู้รับผิดชอบ", 11),
        ("ขั้นตอนหรือวิธีการ/มาตรการ", 27),
        ("การรายงานผลและการกำกับติดตาม กำหนดเวลาแล้วเสร็จ", 20),
        ("ผลการดำเนินการ", 23),
    ],
    # seed 001
    "b": [
        ("มาตรการ/โครงการ/ กิจกรรมที่ดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", 19),
        ("ขั้นตอน/วิธีการปฏิบัติ", 25),
        ("หน่วยงานรับผิดชอบ", 11),
        ("ช่วงระยะเวลาดำเนินการ", 11),
        ("ผลการดำเนินการ (output)", 17),
        ("ผลลัพธ์หรือผลสัมฤทธิ์ในการดำเนินการ (outcome / result)", 17),
    ],
    # seed 003
    "c": [
        ("มาตรการ/ แนวทาง", 18),
        ("วิธีการดำเนินการ", 24),
        ("ผู้รับผิดชอบ", 11),
        ("ระยะเวลาดำเนินการ", 11),
        ("ผลการดำเนินการ", 21),
        ("ข้อเสนอแนะ", 15),
    ],
}


# ---------------------------------------------------------------- rows handed to templates


@dataclass(frozen=True)
class EvidenceLine:
    title: str
    #: an external link: printed, and a link in the HTML and PDF (never fetched)
    url: str = ""
    #: a file frozen with a publication: its permanent public path ("" in working documents,
    #: where a file is listed by its title)
    path: str = ""


@dataclass(frozen=True)
class Result:
    """What a measure's result cells show for the chosen round (or the year)."""

    status: str
    status_label: str
    reported: bool
    output: str = ""
    outcome: str = ""
    recommendations: str = ""
    reported_on: Any = None
    round_name: str = ""
    evidence: list[EvidenceLine] = field(default_factory=list)


@dataclass(frozen=True)
class MeasureRow:
    number: int
    title: str
    problem: str
    items: list[str]
    goal: str
    steps: list[tuple[int, str]]
    units: list[str]
    timeframe: str
    monitoring: str
    expected_output: str
    expected_outcome: str
    result: Result | None = None

    @property
    def can_break(self) -> bool:
        """A row longer than about a third of a landscape page may run onto the next page (its
        table header repeated) rather than leave a half-empty page behind it; shorter rows are
        kept whole. Measured in characters of text, which is what makes a row tall."""
        texts = [self.title, self.problem, self.monitoring, *(t for _, t in self.steps)]
        if self.result is not None:
            texts += [self.result.output, self.result.outcome, self.result.recommendations]
            texts += [e.title for e in self.result.evidence]
        return sum(len(t or "") for t in texts) > LONG_ROW_CHARACTERS


#: Characters of text beyond which a report row may break across pages (a third of a landscape
#: A4 page of 14-pt TH SarabunPSK-sized text in the narrowest columns).
LONG_ROW_CHARACTERS = 700


def default_preface(organisation, fiscal_year: int) -> str:
    """The drafted คำนำ of the measure-results report (staff edit it on the documents page)."""
    return (
        f"{organisation.name} ได้จัดทำมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน "
        f"ประจำปีงบประมาณ พ.ศ. {fiscal_year} เพื่อยกระดับผลการประเมินคุณธรรมและความโปร่งใส"
        "ในการดำเนินงานของหน่วยงานภาครัฐ (ITA) และได้ติดตามผลการดำเนินการตามมาตรการดังกล่าว\n"
        "รายงานฉบับนี้สรุปผลการดำเนินการตามมาตรการแต่ละมาตรการ เพื่อเสนอผู้บริหารพิจารณา "
        "และเผยแพร่ต่อสาธารณะตามที่สำนักงาน ป.ป.ช. กำหนด หวังเป็นอย่างยิ่งว่าจะเป็นประโยชน์"
        "ต่อการพัฒนาการดำเนินงานของหน่วยงานต่อไป"
    )


def _item_lines(measure: Measure) -> list[str]:
    """Linked items by indicator, e.g. "ตัวชี้วัดที่ 3 การใช้อำนาจ (IIT i7, i8)" or "OIT o12"."""
    groups: dict[tuple, list[str]] = {}
    for item in measure.items.all():
        indicator = item.indicator
        key = (indicator.number, indicator.name) if indicator else (None, "")
        groups.setdefault((*key, item.tool), []).append(item.code)
    lines = []
    for (number, name, tool), codes in groups.items():
        items = f"{tool} {', '.join(codes)}"
        lines.append(f"ตัวชี้วัดที่ {number} {name} ({items})" if number else items)
    return lines


def _entry_for(measure: Measure, round: ReportingRound | None) -> ProgressEntry | None:
    """The round's entry; for the whole year, the entry of the latest round (as `status_in`)."""
    entries = measure.entries_by_round
    if round is not None:
        return entries.get(round.pk)
    return max(entries.values(), key=lambda e: (e.round.end_date, e.round.start_date), default=None)


def _result(entry: ProgressEntry | None, evidence_link=None, context: str = "") -> Result:
    if entry is None:
        return Result(
            status=ProgressStatus.NOT_STARTED,
            status_label=ProgressStatus.NOT_STARTED.label,
            reported=False,
        )
    evidence = [
        EvidenceLine(title=e.title if e.title != e.url else "", url=e.url)
        if e.kind == EvidenceKind.LINK
        else EvidenceLine(title=e.title, path=evidence_link(e, context) if evidence_link else "")
        for e in entry.evidence.all()
    ]
    if evidence_link:  # links are recorded with the publication too (listed on its page)
        for e in entry.evidence.all():
            if e.kind == EvidenceKind.LINK:
                evidence_link(e, context)
    return Result(
        status=entry.status,
        status_label=ProgressStatus(entry.status).label,
        reported=True,
        output=entry.output,
        outcome=entry.outcome,
        recommendations=entry.recommendations,
        reported_on=entry.reported_on,
        round_name=entry.round.name,
        evidence=evidence,
    )


def _rows(
    measures: list[Measure],
    *,
    with_results: bool,
    round: ReportingRound | None = None,
    evidence_link=None,
) -> list[MeasureRow]:
    return [
        MeasureRow(
            number=number,
            title=measure.title,
            problem=measure.problem,
            items=_item_lines(measure),
            goal=measure.goal.strip(),
            steps=[(step.order, step.text) for step in measure.steps.all()],
            units=[unit.name for unit in measure.responsible_units.all()],
            timeframe=measure.timeframe_text(),
            monitoring=measure.monitoring,
            expected_output=measure.expected_output,
            expected_outcome=measure.expected_outcome,
            result=_result(_entry_for(measure, round), evidence_link, measure.title)
            if with_results
            else None,
        )
        for number, measure in enumerate(measures, start=1)
    ]


def _paragraphs(text: str) -> list[str]:
    """Blank-line-separated paragraphs; line breaks inside a paragraph become spaces."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [" ".join(block.split()) for block in blocks if block.strip()]


# ---------------------------------------------------------------- input checks


def _require_year(fiscal_year: int | None) -> int:
    if fiscal_year is None:
        raise DocumentError("ต้องระบุปีงบประมาณ (พ.ศ.) เช่น 2568")
    return fiscal_year


def _round_of(rounds: list[ReportingRound], round_id: int | None) -> ReportingRound | None:
    if round_id is None:
        return None
    for round in rounds:
        if round.pk == round_id:
            return round
    raise DocumentError("ไม่พบรอบการรายงานที่เลือกในปีงบประมาณนี้ของหน่วยงาน")


#: the variant of a report of the whole fiscal year (no round chosen)
WHOLE_YEAR_VARIANT = ("year", "ทั้งปีงบประมาณ")


def round_variant(*, organisation, fiscal_year, options) -> tuple[str, str]:
    """A report per round: each round has its own latest public URL (6 and 12 months differ),
    and so has the whole year's report."""
    if options.round_id is None:
        return WHOLE_YEAR_VARIANT
    round = _round_of(rounds_for_year(organisation, _require_year(fiscal_year)), options.round_id)
    return round.public_key, round.name


def _title(text: str, options) -> str:
    return thai.maybe_thai_digits(text, options.thai_digits)


def _common(organisation, year: int) -> dict[str, Any]:
    framework = framework_for_organisation(organisation, year)
    provisional = framework is not None and framework.is_provisional
    return {
        "organisation": organisation,
        "fiscal_year": year,
        # Items of a framework the NACC has not published yet are marked on the document.
        "provisional_note": (
            f"ข้อการประเมินตามกรอบชั่วคราวปี {year} (ยังไม่ประกาศ) ซึ่งคัดลอกจากกรอบปี {year - 1}"
            if provisional
            else ""
        ),
    }


# ---------------------------------------------------------------- measure-plan


def build_measure_plan(*, organisation, fiscal_year, options) -> dict[str, Any]:
    year = _require_year(fiscal_year)
    rows = _rows(measures_for_year(organisation, year), with_results=False)
    return {
        **_common(organisation, year),
        "title": _title(f"{MEASURES_TITLE} ประจำปีงบประมาณ พ.ศ. {year}", options),
        "period": f"(เดือน{thai.format_fiscal_year_span(year)})",
        "rows": rows,
        "show_expected": any(r.goal or r.expected_output or r.expected_outcome for r in rows),
    }


register(
    DocumentKind(
        name="measure-plan",
        order=1,
        title=MEASURES_TITLE,
        template="documents/measure_plan.html",
        build=build_measure_plan,
        page=WIDE_TABLE_PAGE,
        attachable=True,
        publishable=True,
    )
)


# ---------------------------------------------------------------- measure-results


def _prepared_by(organisation, unit_id: int | None):
    units = list(organisation.units.all())
    if unit_id is None:
        return units[0] if units else None
    for unit in units:
        if unit.pk == unit_id:
            return unit
    raise DocumentError("ส่วนราชการที่จัดทำรายงานต้องเป็นส่วนราชการของหน่วยงานนี้")


def build_measure_results(*, organisation, fiscal_year, options) -> dict[str, Any]:
    year = _require_year(fiscal_year)
    if options.layout not in LAYOUTS:
        raise DocumentError(
            f"ไม่รู้จักรูปแบบตาราง “{options.layout}” (ใช้ a, b หรือ c: {', '.join(LAYOUTS)})"
        )
    rounds = rounds_for_year(organisation, year)
    round = _round_of(rounds, options.round_id)
    rows = _rows(
        measures_for_year(organisation, year),
        with_results=True,
        round=round,
        evidence_link=options.evidence_link,
    )
    introduction = options.introduction.strip() or (
        "จากการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ "
        f"ประจำปีงบประมาณ พ.ศ. {year} นำมาสู่ข้อเสนอแนะในการกำหนดมาตรการในการส่งเสริมคุณธรรม"
        f"และความโปร่งใสภายในหน่วยงานของ {organisation.name} โดยมีผลการดำเนินการตามมาตรการ ดังนี้"
    )
    title = RESULTS_TITLE + (f" {round.name}" if round else "")
    return {
        **_common(organisation, year),
        "title": _title(title, options),
        "round": round,
        "span": round.span if round else thai.format_fiscal_year_span(year),
        "prepared_by": _prepared_by(organisation, options.prepared_by_unit_id),
        "preface": _paragraphs(options.preface),
        "introduction": _paragraphs(introduction),
        "layout": options.layout,
        "columns": LAYOUTS[options.layout],
        "rows": rows,
        "cover_sizes": {"title": sarabun_pt(26), "text": sarabun_pt(20)},
    }


register(
    DocumentKind(
        name="measure-results",
        order=2,
        title=RESULTS_TITLE,
        short_title="รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
        template="documents/measure_results.html",
        build=build_measure_results,
        page=WIDE_TABLE_PAGE,
        layouts=tuple(LAYOUTS),
        default_layout="b",
        attachable=True,
        publishable=True,
        variant=round_variant,
    )
)


# ---------------------------------------------------------------- progress


@dataclass(frozen=True)
class GoalGroup:
    number: int | None  # None: measures without a goal
    goal: str
    rows: list[MeasureRow]


def _goal_groups(rows: list[MeasureRow]) -> list[GoalGroup]:
    by_goal: dict[str, list[MeasureRow]] = {}
    for row in rows:
        by_goal.setdefault(row.goal, []).append(row)
    groups = [
        GoalGroup(number=number, goal=goal, rows=members)
        for number, (goal, members) in enumerate(((g, m) for g, m in by_goal.items() if g), start=1)
    ]
    if "" in by_goal:
        groups.append(GoalGroup(number=None, goal=NO_GOAL, rows=by_goal[""]))
    return groups


def progress_oit_paragraph(organisation, fiscal_year: int) -> str:
    """Seed 002's paragraph on the OIT result, drafted from the latest imported scores up to the
    report's year (staff edit it on the documents page); "" when there are no scores."""
    assessments = assessments_for_organisation(organisation, years=1, until=fiscal_year)
    if not assessments:
        return ""
    sheet = score_sheet(assessments[0])
    year = assessments[0].fiscal_year.year
    oit = sheet.tools.get("OIT")
    parts = [
        f"จากผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. {year} หน่วยงานมีคะแนนแบบตรวจการเปิดเผย"
        "ข้อมูลสาธารณะ (OIT)"
    ]
    if oit is not None and oit.value is not None:
        parts.append(f" {thai.format_number(oit.value, 2)} คะแนน")
    if sheet.total.value is not None:
        parts.append(f" คะแนนรวม {thai.format_number(sheet.total.value, 2)} คะแนน")
        if sheet.level is not None:
            parts.append(f" อยู่ในระดับ{sheet.level.label}")
    parts.append(
        f" ซึ่งนำไปสู่การกำหนดมาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใสภายใน{organisation.name} ดังนี้"
    )
    return "".join(parts)


def progress_blocked(*, organisation, fiscal_year) -> str:
    """The progress report is a round's: the year needs its rounds."""
    if rounds_for_year(organisation, fiscal_year):
        return ""
    return (
        f"ยังไม่มีรอบการรายงานของปีงบประมาณ {fiscal_year} "
        "(รอบจะสร้างเมื่อบันทึกมาตรการแรกของปี หรือผู้ดูแลหน่วยงานเพิ่มรอบ)"
    )


def build_progress(*, organisation, fiscal_year, options) -> dict[str, Any]:
    year = _require_year(fiscal_year)
    rounds = rounds_for_year(organisation, year)
    round = _round_of(rounds, options.round_id)
    if round is None:
        if not rounds:
            raise DocumentError(f"ยังไม่มีรอบการรายงานของปีงบประมาณ {year}")
        round = rounds[0]
    rows = _rows(
        measures_for_year(organisation, year),
        with_results=True,
        round=round,
        evidence_link=options.evidence_link,
    )
    counts = Counter(row.result.status for row in rows)
    return {
        **_common(organisation, year),
        "title": _title(f"{PROGRESS_TITLE} {round.name}", options),
        "round": round,
        "period": f"ประจำปีงบประมาณ พ.ศ. {year} (ระหว่างเดือน{round.span})",
        "groups": _goal_groups(rows),
        "oit_paragraph": _paragraphs(
            options.oit_paragraph or progress_oit_paragraph(organisation, year)
        ),
        "total": len(rows),
        "summary": [(status.label, counts.get(status.value, 0)) for status in ProgressStatus],
    }


register(
    DocumentKind(
        name="progress",
        order=3,
        title=PROGRESS_TITLE,
        short_title="รายงานความก้าวหน้าการดำเนินการตามมาตรการ รอบ 6 เดือน",
        template="documents/progress.html",
        build=build_progress,
        page=WIDE_TABLE_PAGE,
        attachable=True,
        publishable=True,
        variant=round_variant,
        blocked=progress_blocked,
    )
)
