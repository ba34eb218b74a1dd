"""The ITA catalogue as data: load, import and export frameworks.

One normalised shape (`FrameworkData`) is read from the JSON fixtures in `fixtures/ita/` and
from admin-uploaded .xlsx workbooks; both go through the same validation and the same
writer, `framework_save`, which writes everything in one transaction or nothing.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from ita_portal.thai.dates import ThaiDateError, format_date_numeric, parse_date, to_arabic_digits

from .lineage import provisional_replace
from .models import (
    MAX_BE_YEAR,
    MAX_SURVEY_RESPONSES,
    MIN_BE_YEAR,
    TOOL_INDICATORS,
    TOOL_ITEM_PREFIX,
    AnalysisArea,
    FiscalYear,
    Framework,
    GradeBand,
    GradingKind,
    Indicator,
    Item,
    ItemCriterion,
    SurveySettings,
    Tool,
    survey_pattern_error,
)

ITEM_CODE_RE = re.compile(r"^([ieo])([1-9][0-9]*)$")


@dataclass(frozen=True)
class RowError:
    """One problem in the input, located for the person who has to fix it."""

    sheet: str
    row: int | None
    column: str
    value: Any
    message: str

    def __str__(self) -> str:
        where = f"แผ่นงาน “{self.sheet}”"
        if self.row is not None:
            where += f" แถวที่ {self.row}"
        if self.column:
            where += f" คอลัมน์ “{self.column}”"
        shown = "" if self.value in (None, "") else f" (ค่า: {self.value})"
        return f"{where}: {self.message}{shown}"


class CatalogueError(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class ItemData:
    code: str
    text: str
    tool: str
    indicator: int | None
    order: int
    source: str = ""
    confidence: str = ""
    is_retired: bool = False
    row: int | None = None
    # OIT criteria: [{"text", "source", "confidence", "row"}] in order.
    criteria: list[dict[str, Any]] = field(default_factory=list)
    # Lineage: codes of the previous year's items this one continues, and its source.
    predecessors: list[str] = field(default_factory=list)
    lineage_note: str = ""
    #: advice drafted when the item scores low (filled where empty; `update` overwrites)
    low_score_advice: str = ""


@dataclass
class FrameworkData:
    fiscal_year: int
    variant: str
    name: str
    weights: dict[str, Decimal]
    grading_kind: str
    pass_mark: Decimal
    source_note: str
    oit_opens_on: date | None = None
    oit_deadline: date | None = None
    bands: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    items: list[ItemData] = field(default_factory=list)
    areas: list[dict[str, Any]] = field(default_factory=list)
    #: the IIT/EIT survey settings (SurveySettings fields), or None when the data has none
    survey: dict[str, Any] | None = None


#: the fields of SurveySettings a fixture's "survey" block may give
SURVEY_FIELDS = (
    "iit_link_pattern",
    "eit_link_pattern",
    "iit_min_respondents",
    "eit_min_respondents",
    "opens_on",
    "closes_on",
    "source",
    "confidence",
)
SURVEY_SHEET = "แบบวัด IIT/EIT"


def _survey_from_json(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError("survey")
    survey: dict[str, Any] = {}
    for name in SURVEY_FIELDS:
        value = raw.get(name)
        if name.endswith("_respondents"):
            survey[name] = None if value in (None, "") else _int(value)
        elif name in ("opens_on", "closes_on"):
            survey[name] = _optional_date(value)
        else:
            survey[name] = str(value or "").strip()
    return survey


@dataclass
class SaveStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"สร้างใหม่ {self.created} รายการ, ปรับปรุง {self.updated} รายการ, คงเดิม {self.unchanged} รายการ"


# ---------------------------------------------------------------- parsing helpers


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(round(value, 4)))
    text = to_arabic_digits(str(value)).replace(",", "").strip()
    return Decimal(text)


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    return int(to_arabic_digits(str(value)).strip())


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    return text in {"1", "true", "yes", "ใช่", "y", "x", "✓"}


# ---------------------------------------------------------------- JSON fixtures


def parse_json(data: dict[str, Any], sheet: str = "JSON") -> FrameworkData:
    """Turn a fixture in `fixtures/ita/` into FrameworkData (raises CatalogueError)."""
    errors: list[RowError] = []
    items: list[ItemData] = []
    order = 0
    for ind in data.get("indicators", []):
        for raw in ind.get("items", []):
            order += 1
            items.append(_item_from_json(raw, ind.get("tool", ""), ind.get("number"), order))
    for raw in data.get("unassigned_items", []):
        order += 1
        items.append(_item_from_json(raw, raw.get("tool", Tool.OIT), None, order))
    grading = data.get("grading", {})
    try:
        fw = FrameworkData(
            fiscal_year=_int(data["fiscal_year"]),
            variant=str(data.get("variant", "")).strip(),
            name=str(data.get("name", "")).strip(),
            weights={t: _decimal(data["weights"][t]) for t in ("IIT", "EIT", "OIT")},
            grading_kind=grading.get("kind", ""),
            pass_mark=_decimal(data.get("pass_mark", 85)),
            source_note=data.get("source_note", ""),
            oit_opens_on=_optional_date(data.get("oit_opens_on")),
            oit_deadline=_optional_date(data.get("oit_deadline")),
            bands=[
                {
                    "order": i,
                    "label": b["label"],
                    "min_total": _decimal(b["min_total"]),
                    "min_each_tool": (
                        None
                        if b.get("min_each_tool") in (None, "")
                        else _decimal(b["min_each_tool"])
                    ),
                    "is_pass": bool(b.get("is_pass")),
                    "row": i,
                }
                for i, b in enumerate(grading.get("bands", []), start=1)
            ],
            indicators=[
                {"number": _int(i["number"]), "name": i["name"], "tool": i["tool"], "row": n}
                for n, i in enumerate(data.get("indicators", []), start=1)
            ],
            items=items,
            areas=[
                {
                    "number": _int(a["number"]),
                    "name": a["name"],
                    "items": list(a["items"]),
                    "row": n,
                }
                for n, a in enumerate(data.get("analysis_areas", []), start=1)
            ],
            survey=_survey_from_json(data.get("survey")),
        )
    except (KeyError, ValueError, InvalidOperation, TypeError, ThaiDateError) as exc:
        errors.append(RowError(sheet, None, "", str(exc), "ข้อมูลกรอบการประเมินไม่ครบหรือไม่ถูกต้อง"))
        raise CatalogueError(errors) from exc
    validate(fw, sheet_names=_JSON_SHEETS)
    return fw


def _item_from_json(raw: dict[str, Any], tool: str, indicator: int | None, order: int) -> ItemData:
    return ItemData(
        code=str(raw.get("code", "")).strip().lower(),
        text=str(raw.get("text", "")).strip(),
        tool=tool,
        indicator=indicator,
        order=order,
        source=raw.get("source", ""),
        confidence=raw.get("confidence", ""),
        is_retired=bool(raw.get("is_retired", False)),
        row=order,
        predecessors=[str(c).strip().lower() for c in raw.get("continues", [])],
        lineage_note=str(raw.get("lineage_note", "")).strip(),
        low_score_advice=str(raw.get("low_score_advice", "")).strip(),
        criteria=[
            {
                "text": str(c.get("text", "")).strip(),
                "source": c.get("source", ""),
                "confidence": c.get("confidence", ""),
                "row": n,
            }
            for n, c in enumerate(raw.get("criteria", []), start=1)
        ],
    )


def _optional_date(value: Any) -> date | None:
    """A พ.ศ. date (วว/ดด/ปปปป), a date cell, or nothing."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        # A date cell holds the real (ค.ศ.) date; a year past 2400 means พ.ศ. typed into it.
        return value if value.year < 2400 else value.replace(year=value.year - 543)
    return parse_date(str(value))


def load_json_file(path: Path) -> FrameworkData:
    with open(path, encoding="utf-8") as fh:
        return parse_json(json.load(fh), sheet=path.name)


# ---------------------------------------------------------------- validation

SHEET_FRAMEWORK = "กรอบการประเมิน"
SHEET_BANDS = "ระดับผลการประเมิน"
SHEET_INDICATORS = "ตัวชี้วัด"
SHEET_ITEMS = "ข้อการประเมิน"
SHEET_AREAS = "ประเด็นการวิเคราะห์"
SHEET_CRITERIA = "เกณฑ์ OIT"
_JSON_SHEETS = dict.fromkeys(
    (SHEET_FRAMEWORK, SHEET_BANDS, SHEET_INDICATORS, SHEET_ITEMS, SHEET_AREAS, SHEET_CRITERIA),
    "JSON",
)


def validate(fw: FrameworkData, sheet_names: dict[str, str] | None = None) -> None:
    """Check every rule the database would enforce, and more, with located Thai messages."""
    names = sheet_names or {}

    def sheet(name: str) -> str:
        return names.get(name, name)

    errors: list[RowError] = []

    def err(sheet_name: str, row: int | None, column: str, value: Any, message: str) -> None:
        errors.append(RowError(sheet(sheet_name), row, column, value, message))

    if not MIN_BE_YEAR <= fw.fiscal_year <= MAX_BE_YEAR:
        message = "ปีงบประมาณต้องเป็นปี พ.ศ."
        if fw.fiscal_year < 2400:
            message += f" (ปี {fw.fiscal_year} ดูเหมือนเป็น ค.ศ.)"
        err(SHEET_FRAMEWORK, None, "ปีงบประมาณ", fw.fiscal_year, message)
    if not fw.name:
        err(SHEET_FRAMEWORK, None, "ชื่อกรอบการประเมิน", "", "ต้องระบุชื่อกรอบการประเมิน")
    for tool, weight in fw.weights.items():
        if weight < 0 or weight > 100:
            err(SHEET_FRAMEWORK, None, f"น้ำหนัก {tool}", weight, "น้ำหนักต้องอยู่ระหว่าง 0–100")
    total = sum(fw.weights.values(), Decimal(0))
    if total != 100:
        err(SHEET_FRAMEWORK, None, "น้ำหนัก", total, "น้ำหนัก IIT + EIT + OIT ต้องรวมกันได้ 100")
    if fw.grading_kind not in GradingKind.values:
        err(SHEET_FRAMEWORK, None, "รูปแบบการจัดระดับ", fw.grading_kind, "ต้องเป็น bands หรือ levels")
    if not 0 <= fw.pass_mark <= 100:
        err(SHEET_FRAMEWORK, None, "คะแนนผ่านเกณฑ์", fw.pass_mark, "ต้องอยู่ระหว่าง 0–100")
    if fw.oit_opens_on and fw.oit_deadline and fw.oit_opens_on > fw.oit_deadline:
        err(
            SHEET_FRAMEWORK,
            None,
            OIT_DEADLINE_LABEL,
            format_date_numeric(fw.oit_deadline),
            "กำหนดส่งข้อมูล OIT ต้องไม่ก่อนวันเริ่มเปิดรับข้อมูล",
        )

    if not fw.bands:
        err(SHEET_BANDS, None, "", "", "ต้องมีระดับผลการประเมินอย่างน้อยหนึ่งระดับ")
    seen_labels: set[str] = set()
    previous = Decimal(101)
    for band in fw.bands:
        if not band["label"]:
            err(SHEET_BANDS, band["row"], "ระดับ", "", "ต้องระบุชื่อระดับ")
        if band["label"] in seen_labels:
            err(SHEET_BANDS, band["row"], "ระดับ", band["label"], "ชื่อระดับซ้ำ")
        seen_labels.add(band["label"])
        if not 0 <= band["min_total"] <= 100:
            err(SHEET_BANDS, band["row"], "คะแนนรวมขั้นต่ำ", band["min_total"], "ต้องอยู่ระหว่าง 0–100")
        if band["min_total"] > previous:
            err(
                SHEET_BANDS,
                band["row"],
                "คะแนนรวมขั้นต่ำ",
                band["min_total"],
                "ระดับต้องเรียงจากคะแนนสูงไปต่ำ",
            )
        previous = band["min_total"]
        each = band["min_each_tool"]
        if each is not None and not 0 <= each <= 100:
            err(SHEET_BANDS, band["row"], "คะแนนขั้นต่ำของทุกเครื่องมือ", each, "ต้องอยู่ระหว่าง 0–100")
    if fw.bands and fw.bands[-1]["min_total"] != 0:
        err(
            SHEET_BANDS,
            fw.bands[-1]["row"],
            "คะแนนรวมขั้นต่ำ",
            fw.bands[-1]["min_total"],
            "ระดับสุดท้ายต้องเริ่มที่ 0 เพื่อให้ทุกคะแนนมีระดับ",
        )

    indicator_tools: dict[int, str] = {}
    for ind in fw.indicators:
        number, tool = ind["number"], ind["tool"]
        if tool not in Tool.values:
            err(SHEET_INDICATORS, ind["row"], "เครื่องมือ", tool, "ต้องเป็น IIT, EIT หรือ OIT")
        elif number not in TOOL_INDICATORS[Tool(tool)]:
            err(
                SHEET_INDICATORS,
                ind["row"],
                "ตัวชี้วัดที่",
                number,
                f"ตัวชี้วัดที่ {number} ไม่ใช่ตัวชี้วัดของเครื่องมือ {tool}",
            )
        if number in indicator_tools:
            err(SHEET_INDICATORS, ind["row"], "ตัวชี้วัดที่", number, "ตัวชี้วัดซ้ำ")
        if not ind["name"]:
            err(SHEET_INDICATORS, ind["row"], "ชื่อตัวชี้วัด", "", "ต้องระบุชื่อตัวชี้วัด")
        indicator_tools[number] = tool

    codes: set[str] = set()
    for item in fw.items:
        match = ITEM_CODE_RE.match(item.code)
        if not match:
            err(SHEET_ITEMS, item.row, "รหัสข้อ", item.code, "รหัสข้อต้องเป็นรูปแบบ i1, e5 หรือ o27")
        elif item.tool in Tool.values and match.group(1) != TOOL_ITEM_PREFIX[Tool(item.tool)]:
            err(SHEET_ITEMS, item.row, "รหัสข้อ", item.code, f"รหัสข้อไม่ตรงกับเครื่องมือ {item.tool}")
        if item.tool not in Tool.values:
            err(SHEET_ITEMS, item.row, "เครื่องมือ", item.tool, "ต้องเป็น IIT, EIT หรือ OIT")
        if item.code in codes:
            err(SHEET_ITEMS, item.row, "รหัสข้อ", item.code, "รหัสข้อซ้ำ")
        codes.add(item.code)
        if not item.text:
            err(SHEET_ITEMS, item.row, "ข้อความ", "", "ต้องระบุข้อความของข้อ (ห้ามเว้นว่าง)")
        for code in item.predecessors:
            if not ITEM_CODE_RE.match(code):
                err(
                    SHEET_ITEMS,
                    item.row,
                    LINEAGE_COLUMN,
                    code,
                    "รหัสข้อที่สืบต่อต้องเป็นรูปแบบ i1, e5 หรือ o27 (คั่นหลายข้อด้วยจุลภาค)",
                )
        if len(item.low_score_advice) > 2000:
            err(
                SHEET_ITEMS,
                item.row,
                ADVICE_COLUMN,
                f"{len(item.low_score_advice):,} ตัวอักษร",
                "คำแนะนำยาวเกิน 2,000 ตัวอักษร",
            )
        if len(item.lineage_note) > 500:
            err(SHEET_ITEMS, item.row, LINEAGE_NOTE_COLUMN, "", "ที่มาของการสืบต่อยาวเกิน 500 ตัวอักษร")
        for criterion in item.criteria:
            if item.tool != Tool.OIT:
                err(
                    SHEET_CRITERIA,
                    criterion["row"],
                    "รหัสข้อ",
                    item.code,
                    "กำหนดเกณฑ์ได้เฉพาะข้อของ OIT",
                )
            if not criterion["text"]:
                err(
                    SHEET_CRITERIA,
                    criterion["row"],
                    "เกณฑ์",
                    "",
                    f"ข้อ {item.code}: ต้องระบุข้อความเกณฑ์",
                )
        if item.indicator is not None:
            if item.indicator not in indicator_tools:
                err(SHEET_ITEMS, item.row, "ตัวชี้วัดที่", item.indicator, "ไม่พบตัวชี้วัดนี้ในกรอบการประเมิน")
            elif indicator_tools[item.indicator] != item.tool:
                err(
                    SHEET_ITEMS,
                    item.row,
                    "ตัวชี้วัดที่",
                    item.indicator,
                    f"ตัวชี้วัดนี้เป็นของเครื่องมือ {indicator_tools[item.indicator]} ไม่ใช่ {item.tool}",
                )

    area_numbers: set[int] = set()
    for area in fw.areas:
        if area["number"] < 1 or area["number"] in area_numbers:
            err(SHEET_AREAS, area["row"], "ประเด็นที่", area["number"], "เลขประเด็นต้องไม่ซ้ำและมากกว่า 0")
        area_numbers.add(area["number"])
        if not area["name"]:
            err(SHEET_AREAS, area["row"], "ชื่อประเด็น", "", "ต้องระบุชื่อประเด็น")
        for code in area["items"]:
            if code not in codes:
                err(SHEET_AREAS, area["row"], "ข้อการประเมิน", code, "ไม่พบข้อนี้ในกรอบการประเมิน")
    if fw.survey:
        _validate_survey(fw.survey, err)
    if errors:
        raise CatalogueError(errors)


def _validate_survey(survey: dict[str, Any], err) -> None:
    labels = {name: str(SurveySettings._meta.get_field(name).verbose_name) for name in survey}
    for name in ("iit_link_pattern", "eit_link_pattern"):
        message = survey_pattern_error(survey[name])
        if message or len(survey[name]) > 500:
            err(SURVEY_SHEET, None, labels[name], survey[name], message or "ยาวเกิน 500 ตัวอักษร")
    for name in ("iit_min_respondents", "eit_min_respondents"):
        value = survey[name]
        if value is not None and not 1 <= value <= MAX_SURVEY_RESPONSES:
            err(SURVEY_SHEET, None, labels[name], value, f"ต้องอยู่ระหว่าง 1–{MAX_SURVEY_RESPONSES:,}")
    if survey["opens_on"] and survey["closes_on"] and survey["opens_on"] > survey["closes_on"]:
        err(SURVEY_SHEET, None, labels["closes_on"], survey["closes_on"], "ต้องไม่ก่อนวันเปิดให้ตอบ")
    if len(survey["source"]) > 2000 or len(survey["confidence"]) > 255:
        err(SURVEY_SHEET, None, labels["source"], "", "แหล่งที่มาหรือความเชื่อมั่นยาวเกินกำหนด")


# ---------------------------------------------------------------- writing


def _apply(obj, values: dict[str, Any], update: bool, stats: SaveStats) -> None:
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed and update:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=[*changed] + (["updated_at"] if hasattr(obj, "updated_at") else []))
        stats.updated += 1
    else:
        stats.unchanged += 1


@transaction.atomic
def framework_save(*, data: FrameworkData, update: bool = False) -> tuple[Framework, SaveStats]:
    """Create what is missing; with `update`, also overwrite what differs.

    Without `update` (the setup's default) an admin's corrections in the admin survive every
    re-run. Rows the data does not mention are never deleted: retire items instead.
    """
    validate(data)
    stats = SaveStats()
    year, _ = FiscalYear.objects.get_or_create(year=data.fiscal_year)
    fw_values = {
        "name": data.name,
        "weight_iit": data.weights["IIT"],
        "weight_eit": data.weights["EIT"],
        "weight_oit": data.weights["OIT"],
        "grading_kind": data.grading_kind,
        "pass_mark": data.pass_mark,
        "source_note": data.source_note,
    }
    # Dates absent from the data never clear what an admin entered.
    if data.oit_opens_on:
        fw_values["oit_opens_on"] = data.oit_opens_on
    if data.oit_deadline:
        fw_values["oit_deadline"] = data.oit_deadline
    framework = Framework.objects.filter(fiscal_year=year, variant=data.variant).first()
    if framework is not None and framework.is_provisional:
        # The official catalogue replaces the provisional one: each provisional item becomes
        # the official item that continues the same requirement (its links follow it).
        provisional_replace(framework=framework, data=data)
        fw_values["is_provisional"] = False
        update = True
    if framework is None:
        framework = Framework.objects.create(fiscal_year=year, variant=data.variant, **fw_values)
        stats.created += 1
    else:
        _apply(framework, fw_values, update, stats)

    bands = {b.label: b for b in framework.bands.all()}
    if update and [b["label"] for b in data.bands] != [
        b.label for b in sorted(bands.values(), key=lambda b: b.order)
    ]:
        # The rule changed shape: replace it wholesale (order is unique per framework).
        framework.bands.all().delete()
        bands = {}
    for band in data.bands:
        values = {
            "order": band["order"],
            "min_total": band["min_total"],
            "min_each_tool": band["min_each_tool"],
            "is_pass": band["is_pass"],
        }
        if band["label"] in bands:
            _apply(bands[band["label"]], values, update, stats)
        elif not bands or update:
            GradeBand.objects.create(framework=framework, label=band["label"], **values)
            stats.created += 1

    indicators = {i.number: i for i in framework.indicators.all()}
    for ind in data.indicators:
        values = {"name": ind["name"], "tool": ind["tool"]}
        if ind["number"] in indicators:
            _apply(indicators[ind["number"]], values, update, stats)
        else:
            indicators[ind["number"]] = Indicator.objects.create(
                framework=framework, number=ind["number"], **values
            )
            stats.created += 1

    items = {i.code: i for i in framework.items.all()}
    for item in data.items:
        values = {
            "text": item.text,
            "tool": item.tool,
            "indicator": indicators.get(item.indicator) if item.indicator else None,
            "order": item.order,
            "source": item.source,
            "confidence": item.confidence,
            "is_retired": item.is_retired,
        }
        if item.code in items:
            _apply(items[item.code], values, update, stats)
            existing = items[item.code]
            # Shipped advice fills an empty field on every run; an admin's own text is kept
            # unless `update` asks to overwrite.
            if (
                item.low_score_advice
                and (update or not existing.low_score_advice)
                and existing.low_score_advice != item.low_score_advice
            ):
                existing.low_score_advice = item.low_score_advice
                existing.save(update_fields=["low_score_advice"])
        else:
            items[item.code] = Item.objects.create(
                framework=framework,
                code=item.code,
                low_score_advice=item.low_score_advice,
                **values,
            )
            stats.created += 1
        if item.criteria:
            _save_criteria(items[item.code], item.criteria, update, stats)
    _save_lineage(framework, data, items, update, stats)

    areas = {a.number: a for a in framework.analysis_areas.prefetch_related("items")}
    for area in data.areas:
        wanted = {items[c].pk for c in area["items"]}
        if area["number"] in areas:
            obj = areas[area["number"]]
            current = {i.pk for i in obj.items.all()}
            if update and (obj.name != area["name"] or current != wanted):
                obj.name = area["name"]
                obj.save(update_fields=["name"])
                obj.items.set(wanted)
                stats.updated += 1
            else:
                stats.unchanged += 1
        else:
            obj = AnalysisArea.objects.create(
                framework=framework, number=area["number"], name=area["name"]
            )
            obj.items.set(wanted)
            stats.created += 1
    if data.survey is not None:
        _save_survey(framework, data.survey, update, stats)
    return framework, stats


def _save_survey(framework: Framework, survey: dict[str, Any], update: bool, stats) -> None:
    """Create the year's survey settings when missing; with `update`, overwrite what differs.
    A value the data leaves empty (an unknown minimum, no window) never clears an admin's."""
    values = {k: v for k, v in survey.items() if v not in (None, "")}
    existing = SurveySettings.objects.filter(framework=framework).first()
    if existing is None:
        SurveySettings.objects.create(framework=framework, **values)
        stats.created += 1
    else:
        _apply(existing, values, update, stats)


def _same_text(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def _save_lineage(framework, data: FrameworkData, items: dict, update: bool, stats) -> None:
    """Link each item to the previous year's items it continues; a code found in none of the
    previous year's frameworks is refused with its row (the whole save is rolled back).

    A code names the item of last year's framework of the same group of agencies (or the
    general one when the group had none). The same code in another group's framework is linked
    too only where its text is the same requirement (the same words): 2568 อปท. numbers some
    items differently from the general list (CORRECTIONS.md §3), and a code alone must not
    decide. A code that only another group had (2568 อปท. o27) is linked there.
    """
    wanted = [item for item in data.items if item.predecessors]
    if not wanted:
        return
    earlier: dict[str, list[Item]] = {}
    for previous in Item.objects.filter(
        framework__fiscal_year__year=data.fiscal_year - 1
    ).select_related("framework"):
        earlier.setdefault(previous.code, []).append(previous)
    own = previous_framework(data.fiscal_year, data.variant)
    errors = []
    for item in wanted:
        missing = [code for code in item.predecessors if code not in earlier]
        if not earlier:
            message = f"ยังไม่มีกรอบการประเมินปี {data.fiscal_year - 1} ให้สืบต่อ"
        else:
            message = f"ไม่พบข้อนี้ในกรอบการประเมินปี {data.fiscal_year - 1}"
        if missing:
            errors.append(
                RowError(SHEET_ITEMS, item.row, LINEAGE_COLUMN, ", ".join(missing), message)
            )
    if errors:
        raise CatalogueError(errors)
    for item in wanted:
        obj = items[item.code]
        target = set()
        for code in item.predecessors:
            candidates = earlier[code]
            primary = next((p for p in candidates if own and p.framework_id == own.pk), None)
            if primary is None:
                target |= {p.pk for p in candidates}
            else:
                target |= {
                    p.pk for p in candidates if p is primary or _same_text(p.text, primary.text)
                }
        current = set(obj.predecessors.values_list("pk", flat=True))
        if current == target and obj.lineage_note == item.lineage_note:
            stats.unchanged += 1
        elif update or not current:
            obj.predecessors.set(target)
            if obj.lineage_note != item.lineage_note:
                obj.lineage_note = item.lineage_note
                obj.save(update_fields=["lineage_note"])
            if current:
                stats.updated += 1
            else:
                stats.created += 1
        else:
            stats.unchanged += 1


def previous_framework(year: int, variant: str) -> Framework | None:
    """Last year's framework of the same group of agencies, else last year's general one."""
    candidates = list(
        Framework.objects.filter(fiscal_year__year=year - 1, variant__in={variant, ""})
    )
    return min(candidates, key=lambda f: f.variant != variant, default=None)


def _save_criteria(item: Item, criteria: list[dict[str, Any]], update: bool, stats: SaveStats):
    """Criteria by position: missing ones are added; with `update`, texts are overwritten.

    Criteria the data does not mention are kept (an admin may have added them)."""
    existing = {c.order: c for c in item.criteria.all()}
    for order, criterion in enumerate(criteria, start=1):
        values = {
            "text": criterion["text"],
            "source": criterion["source"],
            "confidence": criterion["confidence"],
        }
        if order in existing:
            _apply(existing[order], values, update, stats)
        else:
            ItemCriterion.objects.create(item=item, order=order, **values)
            stats.created += 1


def framework_load_directory(
    *, directory: Path, update: bool = False
) -> list[tuple[Framework, SaveStats]]:
    """Load every `framework-*.json` in `directory`, all or nothing."""
    parsed = [load_json_file(path) for path in sorted(directory.glob("framework-*.json"))]
    with transaction.atomic():
        return [framework_save(data=fw, update=update) for fw in parsed]


# ---------------------------------------------------------------- xlsx export / import

FRAMEWORK_FIELDS = [
    ("ปีงบประมาณ", "fiscal_year"),
    ("กลุ่มหน่วยงาน", "variant"),
    ("ชื่อกรอบการประเมิน", "name"),
    ("น้ำหนัก IIT", "IIT"),
    ("น้ำหนัก EIT", "EIT"),
    ("น้ำหนัก OIT", "OIT"),
    ("รูปแบบการจัดระดับ", "grading_kind"),
    ("คะแนนผ่านเกณฑ์", "pass_mark"),
    ("แหล่งที่มา", "source_note"),
    ("เริ่มเปิดรับข้อมูล OIT ในระบบ ITAS (วว/ดด/ปปปป พ.ศ.)", "oit_opens_on"),
    ("กำหนดส่งข้อมูล OIT ในระบบ ITAS (วว/ดด/ปปปป พ.ศ.)", "oit_deadline"),
]
OIT_OPENS_LABEL = FRAMEWORK_FIELDS[-2][0]
OIT_DEADLINE_LABEL = FRAMEWORK_FIELDS[-1][0]
CRITERION_COLUMNS = ["รหัสข้อ", "ลำดับ", "เกณฑ์", "แหล่งที่มา", "ความเชื่อมั่น"]
BAND_COLUMNS = ["ลำดับ", "ระดับ", "คะแนนรวมขั้นต่ำ", "คะแนนขั้นต่ำของทุกเครื่องมือ", "ผ่านเกณฑ์"]
INDICATOR_COLUMNS = ["ตัวชี้วัดที่", "ชื่อตัวชี้วัด", "เครื่องมือ"]
ITEM_COLUMNS = [
    "รหัสข้อ",
    "เครื่องมือ",
    "ตัวชี้วัดที่",
    "ข้อความ",
    "ลำดับ",
    "แหล่งที่มา",
    "ความเชื่อมั่น",
    "เลิกใช้",
]
AREA_COLUMNS = ["ประเด็นที่", "ชื่อประเด็น", "ข้อการประเมิน"]
# Optional columns of the items sheet (workbooks made before lineage have neither).
LINEAGE_COLUMN = "สืบต่อจากข้อ (ปีก่อน)"
LINEAGE_NOTE_COLUMN = "ที่มาของการสืบต่อ"
#: optional: the advice library (Item.low_score_advice), "ดังนั้น หน่วยงานควร…"
ADVICE_COLUMN = "คำแนะนำเมื่อคะแนนต่ำ (ต่อจาก “หน่วยงานควร”)"


def framework_export_xlsx(framework: Framework) -> bytes:
    """The framework as a workbook that `framework_import_xlsx` reads back unchanged."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_FRAMEWORK
    values = {
        "fiscal_year": framework.fiscal_year.year,
        "variant": framework.variant,
        "name": framework.name,
        "IIT": float(framework.weight_iit),
        "EIT": float(framework.weight_eit),
        "OIT": float(framework.weight_oit),
        "grading_kind": framework.grading_kind,
        "pass_mark": float(framework.pass_mark),
        "source_note": framework.source_note,
        "oit_opens_on": format_date_numeric(framework.oit_opens_on)
        if framework.oit_opens_on
        else "",
        "oit_deadline": format_date_numeric(framework.oit_deadline)
        if framework.oit_deadline
        else "",
    }
    ws.append(["หัวข้อ", "ค่า"])
    for label, key in FRAMEWORK_FIELDS:
        ws.append([label, values[key]])

    def sheet(title: str, columns: list[str], rows: list[list[Any]]) -> None:
        sh = wb.create_sheet(title)
        sh.append(columns)
        for row in rows:
            sh.append(row)

    sheet(
        SHEET_BANDS,
        BAND_COLUMNS,
        [
            [
                b.order,
                b.label,
                float(b.min_total),
                None if b.min_each_tool is None else float(b.min_each_tool),
                "ใช่" if b.is_pass else "",
            ]
            for b in framework.bands.order_by("order")
        ],
    )
    sheet(
        SHEET_INDICATORS,
        INDICATOR_COLUMNS,
        [[i.number, i.name, i.tool] for i in framework.indicators.order_by("number")],
    )
    sheet(
        SHEET_ITEMS,
        [*ITEM_COLUMNS, LINEAGE_COLUMN, LINEAGE_NOTE_COLUMN, ADVICE_COLUMN],
        [
            [
                i.code,
                i.tool,
                i.indicator.number if i.indicator else None,
                i.text,
                i.order,
                i.source,
                i.confidence,
                "ใช่" if i.is_retired else "",
                ", ".join(p.code for p in sorted(i.predecessors.all(), key=_item_sort)),
                i.lineage_note,
                i.low_score_advice,
            ]
            for i in framework.items.select_related("indicator")
            .prefetch_related("predecessors")
            .order_by("order", "code")
        ],
    )
    sheet(
        SHEET_AREAS,
        AREA_COLUMNS,
        [
            [a.number, a.name, ", ".join(i.code for i in sorted(a.items.all(), key=_item_sort))]
            for a in framework.analysis_areas.prefetch_related("items").order_by("number")
        ],
    )
    sheet(
        SHEET_CRITERIA,
        CRITERION_COLUMNS,
        [
            [c.item.code, c.order, c.text, c.source, c.confidence]
            for c in sorted(
                ItemCriterion.objects.filter(item__framework=framework).select_related("item"),
                key=lambda c: (_item_sort(c.item), c.order),
            )
        ],
    )
    for sh in wb.worksheets:
        for cell in sh[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _item_sort(item: Item) -> tuple[str, int]:
    return ("ieo".index(item.code[0]), item.number)


def _read_rows(
    book, title: str, columns: list[str], errors: list[RowError], optional: tuple[str, ...] = ()
) -> list[tuple[int, dict]]:
    if title not in book.sheet_names:
        errors.append(RowError(title, None, "", "", "ไม่พบแผ่นงานนี้ในไฟล์"))
        return []
    rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    if not rows:
        return []
    header = [str(h).strip() for h in rows[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        errors.append(RowError(title, 1, ", ".join(missing), "", "ไม่พบคอลัมน์ที่ต้องมี"))
        return []
    out = []
    present = [*columns, *(c for c in optional if c in header)]
    for number, row in enumerate(rows[1:], start=2):
        record = {c: row[header.index(c)] if header.index(c) < len(row) else "" for c in present}
        if all(v in ("", None) for v in record.values()):
            continue
        out.append((number, record))
    return out


def _date_field(head: dict, label: str, errors: list[RowError]) -> date | None:
    if label not in head:
        return None
    number, value = head[label]
    try:
        return _optional_date(value)
    except ThaiDateError as exc:
        errors.append(RowError(SHEET_FRAMEWORK, number, label, value, str(exc)))
        return None


def parse_xlsx(content: bytes) -> FrameworkData:
    """Read a framework workbook (the export's layout); raise CatalogueError naming rows."""
    from python_calamine import CalamineWorkbook

    errors: list[RowError] = []
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # calamine raises several types for a non-workbook
        raise CatalogueError(
            [RowError("ไฟล์", None, "", "", "อ่านไฟล์ไม่ได้ ต้องเป็นไฟล์ .xlsx หรือ .ods")]
        ) from exc

    head: dict[str, Any] = {}
    for number, rec in _read_rows(book, SHEET_FRAMEWORK, ["หัวข้อ", "ค่า"], errors):
        head[str(rec["หัวข้อ"]).strip()] = (number, rec["ค่า"])

    def field_value(label: str, convert, default=None):
        if label not in head:
            if default is not None:
                return default
            errors.append(RowError(SHEET_FRAMEWORK, None, label, "", "ไม่พบหัวข้อนี้"))
            return None
        number, value = head[label]
        try:
            return convert(value)
        except (ValueError, InvalidOperation, TypeError):
            errors.append(RowError(SHEET_FRAMEWORK, number, label, value, "ค่าไม่ถูกต้อง"))
            return None

    fiscal_year = field_value("ปีงบประมาณ", _int)
    weights = {t: field_value(f"น้ำหนัก {t}", _decimal) for t in ("IIT", "EIT", "OIT")}
    fw = FrameworkData(
        fiscal_year=fiscal_year or 0,
        variant=field_value("กลุ่มหน่วยงาน", lambda v: str(v or "").strip(), ""),
        name=field_value("ชื่อกรอบการประเมิน", lambda v: str(v or "").strip()) or "",
        weights={t: w if w is not None else Decimal(0) for t, w in weights.items()},
        grading_kind=field_value("รูปแบบการจัดระดับ", lambda v: str(v).strip()) or "",
        pass_mark=field_value("คะแนนผ่านเกณฑ์", _decimal) or Decimal(0),
        source_note=field_value("แหล่งที่มา", lambda v: str(v or ""), ""),
        oit_opens_on=_date_field(head, OIT_OPENS_LABEL, errors),
        oit_deadline=_date_field(head, OIT_DEADLINE_LABEL, errors),
    )

    def cell(sheet: str, number: int, column: str, value: Any, convert, required=True):
        if value in ("", None):
            if required:
                errors.append(RowError(sheet, number, column, "", "ต้องระบุค่า"))
            return None
        try:
            return convert(value)
        except (ValueError, InvalidOperation, TypeError):
            errors.append(RowError(sheet, number, column, value, "ค่าไม่ถูกต้อง"))
            return None

    def text(v):
        return str(v).strip()

    for number, rec in _read_rows(book, SHEET_BANDS, BAND_COLUMNS, errors):
        fw.bands.append(
            {
                "order": cell(SHEET_BANDS, number, "ลำดับ", rec["ลำดับ"], _int) or 0,
                "label": cell(SHEET_BANDS, number, "ระดับ", rec["ระดับ"], text) or "",
                "min_total": cell(
                    SHEET_BANDS, number, "คะแนนรวมขั้นต่ำ", rec["คะแนนรวมขั้นต่ำ"], _decimal
                )
                or Decimal(0),
                "min_each_tool": cell(
                    SHEET_BANDS,
                    number,
                    "คะแนนขั้นต่ำของทุกเครื่องมือ",
                    rec["คะแนนขั้นต่ำของทุกเครื่องมือ"],
                    _decimal,
                    required=False,
                ),
                "is_pass": _bool(rec["ผ่านเกณฑ์"]),
                "row": number,
            }
        )
    fw.bands.sort(key=lambda b: b["order"])
    for number, rec in _read_rows(book, SHEET_INDICATORS, INDICATOR_COLUMNS, errors):
        fw.indicators.append(
            {
                "number": cell(SHEET_INDICATORS, number, "ตัวชี้วัดที่", rec["ตัวชี้วัดที่"], _int) or 0,
                "name": cell(SHEET_INDICATORS, number, "ชื่อตัวชี้วัด", rec["ชื่อตัวชี้วัด"], text) or "",
                "tool": (
                    cell(SHEET_INDICATORS, number, "เครื่องมือ", rec["เครื่องมือ"], text) or ""
                ).upper(),
                "row": number,
            }
        )
    optional_columns = (LINEAGE_COLUMN, LINEAGE_NOTE_COLUMN, ADVICE_COLUMN)
    for number, rec in _read_rows(book, SHEET_ITEMS, ITEM_COLUMNS, errors, optional_columns):
        fw.items.append(
            ItemData(
                code=(cell(SHEET_ITEMS, number, "รหัสข้อ", rec["รหัสข้อ"], text) or "").lower(),
                tool=(cell(SHEET_ITEMS, number, "เครื่องมือ", rec["เครื่องมือ"], text) or "").upper(),
                indicator=cell(SHEET_ITEMS, number, "ตัวชี้วัดที่", rec["ตัวชี้วัดที่"], _int, required=False),
                text=cell(SHEET_ITEMS, number, "ข้อความ", rec["ข้อความ"], text) or "",
                order=cell(SHEET_ITEMS, number, "ลำดับ", rec["ลำดับ"], _int, required=False)
                or number,
                source=str(rec["แหล่งที่มา"] or ""),
                confidence=str(rec["ความเชื่อมั่น"] or ""),
                is_retired=_bool(rec["เลิกใช้"]),
                row=number,
                predecessors=[
                    code
                    for code in re.split(r"[,\s]+", str(rec.get(LINEAGE_COLUMN) or "").lower())
                    if code
                ],
                lineage_note=str(rec.get(LINEAGE_NOTE_COLUMN) or "").strip(),
                low_score_advice=str(rec.get(ADVICE_COLUMN) or "").strip(),
            )
        )
    by_code = {item.code: item for item in fw.items}
    # Older workbooks have no criteria sheet: that is not an error.
    if SHEET_CRITERIA in book.sheet_names:
        for number, rec in _read_rows(book, SHEET_CRITERIA, CRITERION_COLUMNS, errors):
            code = str(rec["รหัสข้อ"] or "").strip().lower()
            item = by_code.get(code)
            if item is None:
                errors.append(
                    RowError(SHEET_CRITERIA, number, "รหัสข้อ", code, "ไม่พบข้อนี้ในแผ่นงานข้อการประเมิน")
                )
                continue
            item.criteria.append(
                {
                    "order": cell(SHEET_CRITERIA, number, "ลำดับ", rec["ลำดับ"], _int, required=False)
                    or len(item.criteria) + 1,
                    "text": str(rec["เกณฑ์"] or "").strip(),
                    "source": str(rec["แหล่งที่มา"] or ""),
                    "confidence": str(rec["ความเชื่อมั่น"] or ""),
                    "row": number,
                }
            )
        for item in fw.items:
            item.criteria.sort(key=lambda c: c["order"])
    for number, rec in _read_rows(book, SHEET_AREAS, AREA_COLUMNS, errors):
        codes = re.split(r"[,\s]+", str(rec["ข้อการประเมิน"] or "").strip().lower())
        fw.areas.append(
            {
                "number": cell(SHEET_AREAS, number, "ประเด็นที่", rec["ประเด็นที่"], _int) or 0,
                "name": cell(SHEET_AREAS, number, "ชื่อประเด็น", rec["ชื่อประเด็น"], text) or "",
                "items": [c for c in codes if c],
                "row": number,
            }
        )
    try:
        validate(fw)
    except CatalogueError as exc:
        errors.extend(exc.errors)
    if errors:
        # One message per cell: a missing value would otherwise be reported twice.
        seen: set[tuple] = set()
        unique = []
        for error in errors:
            key = (error.sheet, error.row, error.column)
            if key not in seen:
                seen.add(key)
                unique.append(error)
        raise CatalogueError(unique)
    return fw


def framework_import_xlsx(*, content: bytes, update: bool = True) -> tuple[Framework, SaveStats]:
    """Validate the whole workbook first, then write it in one transaction (or nothing)."""
    return framework_save(data=parse_xlsx(content), update=update)
