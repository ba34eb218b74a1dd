"""The oversight dashboard as a workbook: one row per agency, every column, numbers as numbers."""

from __future__ import annotations

import datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from assessments.workbooks import cell_text, spooled
from documents.registry import KINDS
from ita_portal.thai import dates as thai

from .models import FrameworkState
from .selectors import READINESS_BANDS, TYPE_LABELS, Filters

HEADER = [
    "รหัสหน่วยงาน",
    "หน่วยงาน",
    "ประเภท",
    "อำเภอ",
    "จังหวัด",
    "กรอบการประเมิน",
    "มาตรการ",
    "รายงานรอบ 6 เดือน (มาตรการ)",
    "รายงานรอบ 6 เดือน (%)",
    "รายงานรอบ 12 เดือน (มาตรการ)",
    "รายงานรอบ 12 เดือน (%)",
    "เอกสารที่เผยแพร่",
    "ความพร้อม OIT (%)",
    "ข้อ OIT ที่เผยแพร่",
    "ข้อ OIT ทั้งหมด",
    "ลิงก์ที่ใช้งานไม่ได้",
    "บันทึกข้อความที่รอพิจารณา",
    "รอนานเกิน {days} วัน",
    "ปีของผลการประเมิน",
    "คะแนน ITA",
    "ระดับ",
    "เปลี่ยนจากปีก่อน",
    "ผู้ตอบ IIT",
    "ขั้นต่ำ IIT",
    "ผู้ตอบ EIT",
    "ขั้นต่ำ EIT",
]


def _number(value):
    return None if value is None else float(value)


#: Column widths (characters) of the status sheet, in HEADER's order.
WIDTHS = [12, 40, 22, 16, 16, 16, 10, 12, 12, 12, 12, 48, 12, 12, 12, 12, 14, 14, 12, 10, 24, 12]
WIDTHS += [10] * (len(HEADER) - len(WIDTHS))


def header(filters: Filters) -> list[str]:
    return [h.format(days=filters.waiting_days) for h in HEADER]


def _thai_day(iso: str) -> str:
    return thai.format_date_short(datetime.date.fromisoformat(iso))


def dashboard_xlsx(organisations, filters: Filters, today: datetime.date, *, scope: str = ""):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"สถานะ {filters.year}")
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADER))}1"
    ws.append(header(filters))
    late = (today - datetime.timedelta(days=filters.waiting_days)).isoformat()
    states = dict(FrameworkState.choices)
    for org in organisations.iterator(chunk_size=2000):
        published = org.s_published or {}
        documents = ", ".join(
            f"{KINDS[k].label if k in KINDS else k} ({_thai_day(v)})"
            for k, v in sorted(published.items())
        )
        planned = org.s_measures_planned or 0
        waiting = org.s_memos_waiting or []
        ws.append(
            [
                cell_text(org.code),
                cell_text(org.name),
                TYPE_LABELS.get(org.type, org.type),
                cell_text(org.district),
                cell_text(org.province),
                states.get(org.s_framework_state, "ยังไม่มีข้อมูล"),
                org.s_measures_planned,
                # Shares of no measures are empty, not 0 % (as on the page: "-").
                org.s_round6_reported if planned else None,
                org.s_round6_share if planned else None,
                org.s_round12_reported if planned else None,
                org.s_round12_share if planned else None,
                cell_text(documents),
                org.s_oit_share,
                org.s_oit_published,
                org.s_oit_items,
                org.s_oit_broken,
                len(waiting),
                sum(1 for d in waiting if d <= late),
                org.s_score_year,
                _number(org.s_total),
                cell_text(org.s_level or ""),
                _number(org.s_total_change),
                org.s_iit_responses,
                org.s_iit_minimum,
                org.s_eit_responses,
                org.s_eit_minimum,
            ]
        )
    about = wb.create_sheet("เกี่ยวกับไฟล์นี้")
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 60
    now = timezone.localtime()
    readiness = {key: label for key, label, _q in READINESS_BANDS}
    levels = {"-": "ยังไม่มีผลการประเมิน", "": "ทุกระดับ"}
    for label, value in (
        ("ส่งออกเมื่อ", f"{thai.format_date(now.date())} เวลา {now:%H:%M} น."),
        ("ปีงบประมาณ", filters.year),
        ("ขอบเขต", scope),
        ("ค้นหา", filters.query or "ไม่ได้ค้นหา"),
        ("ประเภท", TYPE_LABELS.get(filters.type, "ทุกประเภท")),
        ("จังหวัด", filters.province or "ทุกจังหวัดในขอบเขต"),
        ("อำเภอ", filters.district or "ทุกอำเภอในขอบเขต"),
        ("ระดับล่าสุด", levels.get(filters.level, filters.level)),
        ("ความพร้อม OIT", readiness.get(filters.readiness, "ทั้งหมด")),
        ("บันทึกรอนานเกิน (วัน)", filters.waiting_days),
    ):
        about.append([label, cell_text(str(value))])
    return spooled(wb)


SURVEY_HEADER = ["รหัสหน่วยงาน", "จำนวนผู้ตอบ IIT", "จำนวนผู้ตอบ EIT", "ชื่อหน่วยงาน (ไม่ต้องแก้)"]


def survey_counts_xlsx(organisations):
    """The survey-counts file to fill: one row per agency, counts left empty."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("จำนวนผู้ตอบ")
    ws.append(SURVEY_HEADER)
    for code, name in organisations.values_list("code", "name").iterator(chunk_size=2000):
        ws.append([cell_text(code), None, None, cell_text(name)])
    return spooled(wb)
