"""Writes for measures, rounds, progress and evidence. Views, commands and the demo call these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from assessments.analysis import area_measure_draft
from assessments.models import AnalysisArea, Assessment, FiscalYear, Item
from assessments.selectors import framework_for_organisation
from ita_portal import limits
from ita_portal.thai import dates as thai
from organisations.access import Action, check
from organisations.models import Organisation, Unit

from . import filetypes, selectors
from .models import (
    Evidence,
    EvidenceKind,
    Measure,
    MeasureStep,
    ProgressEntry,
    ProgressStatus,
    ReportingRound,
    TimeframeKind,
)

DEFAULT_ROUNDS = [("รอบ 6 เดือน", 6), ("รอบ 12 เดือน", 12)]


def _fy_message(year: int) -> str:
    start, end = thai.fiscal_year_range(year)
    return f"ปีงบประมาณ {year} ({thai.format_date(start)} – {thai.format_date(end)})"


def _within_year(value: date | None, year: int) -> bool:
    if value is None:
        return True
    start, end = thai.fiscal_year_range(year)
    return start <= value <= end


# ---------------------------------------------------------------- rounds


@transaction.atomic
def rounds_ensure_defaults(*, organisation: Organisation, year: int) -> list[ReportingRound]:
    """รอบ 6 เดือน (ต.ค.–มี.ค.) and รอบ 12 เดือน (ต.ค.–ก.ย.) exist for the year."""
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    for name, months in DEFAULT_ROUNDS:
        start, end = thai.round_range(year, months)
        ReportingRound.objects.get_or_create(
            organisation=organisation,
            fiscal_year=fiscal_year,
            name=name,
            defaults={"start_date": start, "end_date": end},
        )
    return list(ReportingRound.objects.filter(organisation=organisation, fiscal_year=fiscal_year))


@transaction.atomic
def round_create(
    *, organisation: Organisation, year: int, user, name: str, start_date: date, end_date: date
) -> ReportingRound:
    check(user, organisation, Action.MANAGE)
    errors = {}
    name = name.strip()
    if not name:
        errors["name"] = "กรุณาระบุชื่อรอบ"
    if _within_year(start_date, year):
        # The year's default rounds first, as its first measure would make them.
        rounds_ensure_defaults(organisation=organisation, year=year)
    if start_date > end_date:
        errors["end_date"] = "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่ม"
    for field, value in (("start_date", start_date), ("end_date", end_date)):
        if not _within_year(value, year):
            errors[field] = f"วันที่ต้องอยู่ใน{_fy_message(year)}"
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    if ReportingRound.objects.filter(
        organisation=organisation, fiscal_year=fiscal_year, name=name
    ).exists():
        errors["name"] = f"มีรอบชื่อ “{name}” ในปีนี้แล้ว"
    if errors:
        raise ValidationError(errors)
    return ReportingRound.objects.create(
        organisation=organisation,
        fiscal_year=fiscal_year,
        name=name,
        start_date=start_date,
        end_date=end_date,
    )


# ---------------------------------------------------------------- measures


def _validate_measure(
    *,
    organisation: Organisation,
    year: int,
    title: str,
    items: Sequence[Item],
    responsible_units: Sequence[Unit],
    timeframe_kind: str,
    start_date: date | None,
    end_date: date | None,
    deadline: date | None,
    quarters: Sequence[int],
    steps: Sequence[str],
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "กรุณาระบุชื่อมาตรการ"
    if not responsible_units:
        errors["responsible_units"] = "กรุณาเลือกหน่วยงานรับผิดชอบอย่างน้อย 1 หน่วยงาน"
    elif any(u.organisation_id != organisation.pk for u in responsible_units):
        errors["responsible_units"] = "หน่วยงานรับผิดชอบต้องเป็นส่วนราชการของหน่วยงานนี้"
    framework = framework_for_organisation(organisation, year)
    allowed = {i.pk for i in framework.items.all()} if framework else set()
    foreign = [i.code for i in items if i.pk not in allowed]
    if foreign:
        errors["items"] = f"ข้อ {', '.join(foreign)} ไม่อยู่ในกรอบการประเมินปี {year}"
    if timeframe_kind == TimeframeKind.PERIOD:
        if not start_date or not end_date:
            errors["start_date"] = "กรุณาระบุวันที่เริ่มและวันที่สิ้นสุด"
        elif start_date > end_date:
            errors["end_date"] = "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่ม"
    elif timeframe_kind == TimeframeKind.DEADLINE:
        if not deadline:
            errors["deadline"] = "กรุณาระบุวันกำหนดแล้วเสร็จ"
    elif timeframe_kind == TimeframeKind.QUARTERS:
        if not quarters:
            errors["quarters"] = "กรุณาเลือกไตรมาสอย่างน้อย 1 ไตรมาส"
        elif any(q not in (1, 2, 3, 4) for q in quarters):
            errors["quarters"] = "ไตรมาสต้องเป็น 1–4"
    else:
        errors["timeframe_kind"] = "รูปแบบระยะเวลาไม่ถูกต้อง"
    for field, value in (
        ("start_date", start_date),
        ("end_date", end_date),
        ("deadline", deadline),
    ):
        if field not in errors and not _within_year(value, year):
            errors[field] = f"วันที่ต้องอยู่ใน{_fy_message(year)}"
    filled = [s for s in steps if s.strip()]
    if not filled:
        errors["steps"] = "กรุณาระบุขั้นตอน/วิธีการปฏิบัติอย่างน้อย 1 ขั้นตอน"
    elif len(filled) > limits.STEPS_PER_MEASURE:
        errors["steps"] = (
            f"มาตรการหนึ่งมีขั้นตอนได้ไม่เกิน {limits.STEPS_PER_MEASURE} ขั้นตอน (กรอกมา {len(filled)} ขั้นตอน)"
        )
    if errors:
        raise ValidationError(errors)


MEASURE_TEXT_FIELDS = (
    "title",
    "problem",
    "goal",
    "monitoring",
    "expected_output",
    "expected_outcome",
)
PROGRESS_TEXT_FIELDS = ("output", "outcome", "recommendations")


def year_text_length(organisation: Organisation, fiscal_year_id: int) -> int:
    """Characters of every text of the organisation's measures of the year: the measures'
    own, their steps' and every round's progress (three aggregate queries)."""

    def total(queryset, fields) -> int:
        lengths = {f: Coalesce(Sum(Length(f)), 0) for f in fields}
        return sum(queryset.aggregate(**lengths).values())

    measures = Measure.objects.filter(organisation=organisation, fiscal_year_id=fiscal_year_id)
    return (
        total(measures, MEASURE_TEXT_FIELDS)
        + total(MeasureStep.objects.filter(measure__in=measures), ("text",))
        + total(ProgressEntry.objects.filter(measure__in=measures), PROGRESS_TEXT_FIELDS)
    )


def _year_text_check(organisation: Organisation, fiscal_year_id: int, year: int) -> None:
    """After a write, inside its transaction: refuse it (rolling it back) if the year's texts
    now exceed what one document may carry (limits.YEAR_TEXT)."""
    length = year_text_length(organisation, fiscal_year_id)
    if length > limits.YEAR_TEXT:
        raise ValidationError(
            f"ข้อความของมาตรการทั้งปีงบประมาณ {year} (รวมขั้นตอนและผลการดำเนินการทุกรอบ) "
            f"ยาวได้ไม่เกิน {limits.YEAR_TEXT:,} ตัวอักษร เพื่อให้เอกสารรายงานทั้งปีสร้างได้ทันเวลา "
            f"(หากบันทึกจะเป็น {length:,} ตัวอักษร) กรุณาสรุปข้อความให้กระชับ ยังไม่ได้บันทึก"
        )


def _measures_count_check(organisation: Organisation, fiscal_year, adding: int) -> None:
    count = Measure.objects.filter(organisation=organisation, fiscal_year=fiscal_year).count()
    if count + adding > limits.MEASURES_PER_YEAR:
        raise ValidationError(
            f"หน่วยงานหนึ่งมีมาตรการได้ไม่เกิน {limits.MEASURES_PER_YEAR} มาตรการต่อปีงบประมาณ "
            f"(มีอยู่แล้ว {count} มาตรการ)"
        )


def measure_check(**values) -> None:
    """The measure rules alone, for a form that is still invalid: the page then lists every
    problem at once (the rules a service would apply after the form's own checks)."""
    _validate_measure(**values)


def _save_steps(measure: Measure, steps: Iterable[str]) -> None:
    measure.steps.all().delete()
    MeasureStep.objects.bulk_create(
        MeasureStep(measure=measure, order=i, text=text.strip())
        for i, text in enumerate((s for s in steps if s.strip()), start=1)
    )


MEASURE_FIELDS = (
    "title",
    "problem",
    "goal",
    "monitoring",
    "timeframe_kind",
    "start_date",
    "end_date",
    "deadline",
    "quarters",
    "expected_output",
    "expected_outcome",
)


@transaction.atomic
def measure_create(
    *,
    organisation: Organisation,
    year: int,
    user,
    title: str,
    responsible_units: Sequence[Unit],
    steps: Sequence[str],
    items: Sequence[Item] = (),
    problem: str = "",
    goal: str = "",
    monitoring: str = "",
    timeframe_kind: str = TimeframeKind.PERIOD,
    start_date: date | None = None,
    end_date: date | None = None,
    deadline: date | None = None,
    quarters: Sequence[int] = (),
    expected_output: str = "",
    expected_outcome: str = "",
    order: int | None = None,
) -> Measure:
    check(user, organisation, Action.EDIT)
    _validate_measure(
        organisation=organisation,
        year=year,
        title=title,
        items=items,
        responsible_units=responsible_units,
        timeframe_kind=timeframe_kind,
        start_date=start_date,
        end_date=end_date,
        deadline=deadline,
        quarters=quarters,
        steps=steps,
    )
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    _measures_count_check(organisation, fiscal_year, 1)
    # A year's rounds exist from its first measure (pages that show them never create them).
    rounds_ensure_defaults(organisation=organisation, year=year)
    if order is None:
        order = (
            Measure.objects.filter(organisation=organisation, fiscal_year=fiscal_year).count() + 1
        )
    measure = Measure.objects.create(
        organisation=organisation,
        fiscal_year=fiscal_year,
        order=order,
        title=title.strip(),
        problem=problem,
        goal=goal,
        monitoring=monitoring,
        timeframe_kind=timeframe_kind,
        start_date=start_date if timeframe_kind == TimeframeKind.PERIOD else None,
        end_date=end_date if timeframe_kind == TimeframeKind.PERIOD else None,
        deadline=deadline if timeframe_kind == TimeframeKind.DEADLINE else None,
        quarters=sorted(quarters) if timeframe_kind == TimeframeKind.QUARTERS else [],
        expected_output=expected_output,
        expected_outcome=expected_outcome,
        created_by=user,
    )
    measure.items.set(items)
    measure.responsible_units.set(responsible_units)
    _save_steps(measure, steps)
    _year_text_check(organisation, fiscal_year.pk, year)
    return measure


@transaction.atomic
def measure_update(
    *,
    measure: Measure,
    user,
    responsible_units: Sequence[Unit],
    steps: Sequence[str],
    items: Sequence[Item] = (),
    **fields,
) -> Measure:
    check(user, measure.organisation, Action.EDIT)
    unknown = set(fields) - set(MEASURE_FIELDS) - {"order"}
    if unknown:
        raise TypeError(f"unknown fields: {unknown}")
    values = {f: getattr(measure, f) for f in MEASURE_FIELDS} | fields
    _validate_measure(
        organisation=measure.organisation,
        year=measure.fiscal_year.year,
        title=values["title"],
        items=items,
        responsible_units=responsible_units,
        timeframe_kind=values["timeframe_kind"],
        start_date=values["start_date"],
        end_date=values["end_date"],
        deadline=values["deadline"],
        quarters=values["quarters"] or [],
        steps=steps,
    )
    kind = values["timeframe_kind"]
    values["start_date"] = values["start_date"] if kind == TimeframeKind.PERIOD else None
    values["end_date"] = values["end_date"] if kind == TimeframeKind.PERIOD else None
    values["deadline"] = values["deadline"] if kind == TimeframeKind.DEADLINE else None
    values["quarters"] = sorted(values["quarters"] or []) if kind == TimeframeKind.QUARTERS else []
    for field, value in values.items():
        setattr(measure, field, value)
    measure.unlinked_items = []  # the user has now chosen this year's items
    measure.save()
    measure.items.set(items)
    measure.responsible_units.set(responsible_units)
    _save_steps(measure, steps)
    _year_text_check(measure.organisation, measure.fiscal_year_id, measure.fiscal_year.year)
    return measure


@transaction.atomic
def measure_delete(*, measure: Measure, user) -> None:
    check(user, measure.organisation, Action.EDIT)
    for entry in measure.progress.all():
        for evidence in entry.evidence.all():
            evidence_delete(evidence=evidence, user=user)
    measure.delete()


@dataclass(frozen=True)
class CopyResult:
    source_year: int = 0
    copied: int = 0
    skipped: int = 0
    carried: int = 0
    relinked: int = 0
    merged: int = 0
    dropped: int = 0
    moved: int = 0

    def summary(self, year: int) -> str:
        text = (
            f"คัดลอกมาตรการจากปีงบประมาณ {self.source_year or year - 1} แล้ว {self.copied} รายการ: "
            f"ข้อการประเมินยกมา {self.carried} ข้อ, เปลี่ยนเลขข้อ {self.relinked} ข้อ, "
            f"รวมกับข้ออื่น {self.merged} ข้อ, ไม่มีข้อที่สืบต่อ {self.dropped} ข้อ"
        )
        if self.dropped:
            text += " (ระบุไว้ในมาตรการที่คัดลอก กรุณาเลือกข้อใหม่)"
        if self.moved:
            text += f"; เลื่อนระยะเวลาของ {self.moved} มาตรการไปช่วงที่เหลือของปี เพราะเลยกำหนดแล้ว"
        if self.skipped:
            text += f" (ข้าม {self.skipped} รายการที่มีชื่อซ้ำกับปีนี้)"
        return text


@transaction.atomic
def measures_copy_from_previous_year(
    *,
    organisation: Organisation,
    year: int,
    user,
    today: date | None = None,
    source_year: int | None = None,
) -> CopyResult:
    """Copy last year's measures and steps (not their progress) into `year`.

    What the preview shows is what is done (`selectors.measures_copy_plan`): item links follow
    lineage, dropped ones are kept on the new measure (`unlinked_items`), dates move one fiscal
    year and never land in the past. A measure whose title already exists this year is skipped,
    so copying twice adds nothing.
    """
    check(user, organisation, Action.EDIT)
    today = today or timezone.localdate()
    if thai.fiscal_year_end(year) < today:
        raise ValidationError(
            f"ปีงบประมาณ {year} สิ้นสุดแล้ว จึงไม่คัดลอกมาตรการไปปีนั้น "
            f"(ปีงบประมาณปัจจุบันคือ {thai.fiscal_year_of(today)})"
        )
    source_year = source_year or selectors.copy_source_year(organisation, year)
    plan = selectors.measures_copy_plan(organisation, year, today, source_year)
    if not plan:
        raise ValidationError(f"ไม่มีมาตรการของปีงบประมาณ {year - 1} ให้คัดลอก")
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    _measures_count_check(organisation, fiscal_year, sum(not row.duplicate for row in plan))
    rounds_ensure_defaults(organisation=organisation, year=year)
    order = Measure.objects.filter(organisation=organisation, fiscal_year=fiscal_year).count()
    counts = dict.fromkeys(
        ("copied", "skipped", "carried", "relinked", "merged", "dropped", "moved"), 0
    )
    for row in plan:
        if row.duplicate:
            counts["skipped"] += 1
            continue
        old = row.measure
        order += 1
        new = Measure.objects.create(
            organisation=organisation,
            fiscal_year=fiscal_year,
            order=order,
            title=old.title,
            problem=old.problem,
            goal=old.goal,
            monitoring=old.monitoring,
            timeframe_kind=old.timeframe_kind,
            start_date=row.start_date,
            end_date=row.end_date,
            deadline=row.deadline,
            quarters=row.quarters,
            expected_output=old.expected_output,
            expected_outcome=old.expected_outcome,
            unlinked_items=[f"{i.code} {i.text} (ปี {source_year})" for i in row.dropped],
            created_by=user,
        )
        new.items.set(row.new_items)
        new.responsible_units.set(old.responsible_units.all())
        for step in old.steps.all():
            MeasureStep.objects.create(measure=new, order=step.order, text=step.text)
        counts["copied"] += 1
        counts["moved"] += row.moved_to_remaining_time
        for fate in ("carried", "relinked", "merged", "dropped"):
            counts[fate] += row.count(fate)
    _year_text_check(organisation, fiscal_year.pk, year)
    return CopyResult(source_year=source_year, **counts)


# ---------------------------------------------------------------- progress and evidence


@transaction.atomic
def progress_entry_record(
    *,
    measure: Measure,
    round: ReportingRound,
    user,
    status: str,
    reported_on: date,
    output: str = "",
    outcome: str = "",
    recommendations: str = "",
) -> ProgressEntry:
    check(user, measure.organisation, Action.EDIT)
    errors = {}
    if (
        round.organisation_id != measure.organisation_id
        or round.fiscal_year_id != measure.fiscal_year_id
    ):
        errors["round"] = "รอบการรายงานไม่ใช่ของหน่วยงานและปีงบประมาณเดียวกับมาตรการ"
    if status not in ProgressStatus.values:
        errors["status"] = "สถานะไม่ถูกต้อง"
    if status == ProgressStatus.DONE and not output.strip():
        errors["output"] = "กรุณาระบุผลการดำเนินการเมื่อสถานะเป็น “ดำเนินการแล้ว”"
    if reported_on and reported_on < round.start_date:
        errors["reported_on"] = f"วันที่รายงานต้องไม่ก่อนวันเริ่มรอบ ({thai.format_date(round.start_date)})"
    if errors:
        raise ValidationError(errors)
    entry = ProgressEntry.objects.filter(measure=measure, round=round).first()
    values = {
        "status": status,
        "output": output,
        "outcome": outcome,
        "recommendations": recommendations,
        "reported_on": reported_on,
        "reporter": user,
    }
    if entry is None:
        entry = ProgressEntry.objects.create(measure=measure, round=round, **values)
    else:
        for field, value in values.items():
            setattr(entry, field, value)
        entry.save()
    _year_text_check(measure.organisation, measure.fiscal_year_id, measure.fiscal_year.year)
    return entry


def evidence_max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)


def check_evidence_file(upload) -> filetypes.FileType:
    """Size and content checks for an uploaded evidence file (Thai ValidationError)."""
    limit = evidence_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            f"ไฟล์ “{upload.name}” มีขนาด {upload.size / 1024 / 1024:.1f} MB "
            f"เกินขนาดที่รับได้ {limit / 1024 / 1024:.0f} MB"
        )
    if upload.size == 0:
        raise ValidationError(f"ไฟล์ “{upload.name}” ว่างเปล่า")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    detected = filetypes.detect(data)
    if detected is None:
        raise ValidationError(
            f"ไฟล์ “{upload.name}” ไม่ใช่ชนิดที่รับได้ (รับเฉพาะ {filetypes.ALLOWED_LABEL})"
        )
    return detected


@transaction.atomic
def evidence_add_file(*, entry: ProgressEntry, upload, user, title: str = "") -> Evidence:
    check(user, entry.measure.organisation, Action.EDIT)
    detected = check_evidence_file(upload)
    upload.seek(0)
    evidence = Evidence(
        progress_entry=entry,
        kind=EvidenceKind.FILE,
        title=(title or upload.name)[:255],
        original_name=upload.name[:255],
        content_type=detected.content_type,
        size=upload.size,
        uploaded_by=user,
    )
    evidence.file.save(f"upload{detected.extension}", ContentFile(upload.read()), save=False)
    evidence.save()
    return evidence


def clean_link(url: str, *, max_length: int = 1000) -> str:
    """A web link (http/https) or a Thai ValidationError on "url" quoting what was typed."""
    from django.core.validators import URLValidator

    url = url.strip()
    if len(url) > max_length:
        raise ValidationError({"url": f"ลิงก์ยาวเกิน {max_length} ตัวอักษร"})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"url": f"ลิงก์ “{url[:200]}” ไม่ถูกต้อง (ต้องขึ้นต้นด้วย http:// หรือ https://)"}
        ) from None
    return url


@transaction.atomic
def evidence_add_link(*, entry: ProgressEntry, url: str, user, title: str = "") -> Evidence:
    check(user, entry.measure.organisation, Action.EDIT)
    url = clean_link(url)
    return Evidence.objects.create(
        progress_entry=entry,
        kind=EvidenceKind.LINK,
        title=(title or url)[:255],
        url=url,
        uploaded_by=user,
    )


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user) -> None:
    check(user, evidence.progress_entry.measure.organisation, Action.EDIT)
    stored = evidence.file.name if evidence.file else ""
    evidence.delete()
    if stored:
        # Remove the file only once the row is gone for good.
        storage = evidence.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


# ---------------------------------------------------------------- measures drafted from a result

#: quarters a drafted measure runs in (staff then edit it): after the result, before the next
MEASURE_QUARTERS = [2, 3]


def measure_create_from_area(
    *, organisation: Organisation, assessment: Assessment, area: AnalysisArea, user
) -> Measure:
    """A measure for the area: its weak items linked, the organisation's first unit responsible,
    one step drafted from the area, quarters 2–3. Raises ValidationError (Thai) like
    `measure_create`."""
    draft = area_measure_draft(assessment=assessment, area=area)
    return measure_create(
        organisation=organisation,
        year=assessment.fiscal_year.year,
        user=user,
        title=draft.title,
        problem=draft.problem,
        items=draft.items,
        responsible_units=list(organisation.units.all()[:1]),
        steps=draft.steps,
        timeframe_kind=TimeframeKind.QUARTERS,
        quarters=MEASURE_QUARTERS,
    )


def measure_create_from_oit_item(
    *, organisation: Organisation, year: int, item: Item, user, score: Decimal
) -> Measure:
    """A measure linked to an OIT item that scored below 100 (staff then edit it), drafted like
    the analysis areas' measures: the item linked, the first unit responsible, quarters 2–3."""
    criteria = [c.text for c in item.criteria.all()]
    steps = [f"ตรวจสอบข้อมูลที่ต้องเปิดเผยตามข้อ {item.code} {item.text}"]
    if criteria:
        steps.append("จัดทำข้อมูลให้ครบตามเกณฑ์: " + "; ".join(criteria))
    steps.append(f"เสนอผู้บริหารอนุมัติและเผยแพร่บนเว็บไซต์ของหน่วยงาน (ข้อ {item.code})")
    return measure_create(
        organisation=organisation,
        year=year,
        user=user,
        title=f"ปรับปรุงการเปิดเผยข้อมูล ข้อ {item.code} {item.text}",
        problem=f"ผลการประเมินข้อ {item.code} {item.text} ได้ {score:g} คะแนน (เต็ม 100)",
        items=[item],
        responsible_units=list(organisation.units.all()[:1]),
        steps=steps,
        timeframe_kind=TimeframeKind.QUARTERS,
        quarters=MEASURE_QUARTERS,
    )


# ---------------------------------------------------------------- when the catalogue changes


def measure_items_move(*, source: Item, target: Item) -> None:
    """Every measure linked to `source` is linked to `target` instead (an item merged into
    another when the official catalogue replaced a provisional one). Through the related manager,
    so each change is in the measure's audit trail."""
    for measure in Measure.objects.filter(items=source):
        measure.items.remove(source)
        measure.items.add(target)
