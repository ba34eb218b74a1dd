"""Test data built through the services, as the screens do."""

import io
from datetime import date

from openpyxl import Workbook

from measures.models import TimeframeKind
from measures.services import measure_create
from tests.factories import member

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "หลักฐาน"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def new_measure(org, units, framework, user=None, *, title="จัดทำแผนการจัดซื้อจัดจ้างและเผยแพร่", **extra):
    values = {
        "organisation": org,
        "year": 2568,
        "user": user or member(org),
        "title": title,
        "responsible_units": [units[0]],
        "steps": ["จัดทำคำสั่งมอบหมาย", "เผยแพร่บนเว็บไซต์"],
        "items": list(framework.items.filter(code__in=["i7", "o12"])),
        "timeframe_kind": TimeframeKind.QUARTERS,
        "quarters": [2],
    }
    values.update(extra)
    return measure_create(**values)


def valid_post(units, framework, **overrides):
    data = {
        "title": "เผยแพร่แผนการใช้จ่ายงบประมาณประจำปี",
        "problem": "ตัวชี้วัดที่ 2 การใช้งบประมาณ IIT i7",
        "goal": "",
        "items": [str(framework.items.get(code="i7").pk)],
        "responsible_units": [str(units[1].pk)],
        "monitoring": "รายงานผู้บริหารทุกไตรมาส",
        "timeframe_kind": "deadline",
        "start_date": "",
        "end_date": "",
        "deadline": "31/03/2568",
        "expected_output": "",
        "expected_outcome": "",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-text": "จัดทำแผนการใช้จ่ายงบประมาณ",
        "steps-1-text": "ประชาสัมพันธ์ผ่านเว็บไซต์และกลุ่มไลน์",
    }
    data.update(overrides)
    return data


REPORTED = date(2025, 3, 20)
