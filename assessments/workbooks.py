"""Workbooks the portal writes (openpyxl): score templates, score exports, import error reports."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font

from .models import Framework, Score, Tool

HEADER_FONT = Font(bold=True)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: a saved workbook stays in memory up to this size, then spills to a temporary file
SPOOL_BYTES = 20 * 1024 * 1024


def spooled(wb: Workbook) -> tempfile.SpooledTemporaryFile:
    """The saved workbook, rewound, for a FileResponse (which closes it after streaming)."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    wb.save(out)
    out.seek(0)
    return out


def cell_text(value):
    """Text that a spreadsheet will never run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def framework_codes(framework: Framework) -> list[tuple[str, str]]:
    """(code, Thai label) for every score column of a framework, in reading order."""
    codes = []
    for indicator in framework.indicators.order_by("number"):
        for item in indicator.items.filter(is_retired=False).order_by("order"):
            codes.append((item.code, f"{item.code} {item.text}"))
    for item in framework.items.filter(indicator__isnull=True, is_retired=False).order_by("order"):
        codes.append((item.code, f"{item.code} {item.text}"))
    for indicator in framework.indicators.order_by("number"):
        codes.append((f"ind{indicator.number}", f"ตัวชี้วัดที่ {indicator.number} {indicator.name}"))
    codes += [(t.value, t.label) for t in Tool]
    codes.append(("TOTAL", "คะแนนรวม"))
    return codes


def score_template_xlsx(framework: Framework, organisations: Iterable = ()) -> bytes:
    """A blank wide-layout workbook for one framework: a row per organisation, a column per code."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"คะแนน {framework.fiscal_year.year}"
    codes = framework_codes(framework)
    ws.append(["org_code", "org_name", "fiscal_year", *[c for c, _ in codes]])
    for cell, (_, label) in zip(ws[1][3:], codes, strict=True):
        cell.comment = Comment(label, "ITA Portal")
    for cell in ws[1]:
        cell.font = HEADER_FONT
    for organisation in organisations:
        ws.append(
            [cell_text(organisation.code), cell_text(organisation.name), framework.fiscal_year.year]
        )
    ws.freeze_panes = "D2"
    guide = wb.create_sheet("คำอธิบาย")
    guide.append(["รหัส", "ความหมาย"])
    for code, label in codes:
        guide.append([code, cell_text(label)])
    guide.append([])
    guide.append(
        [
            "",
            "กรอกคะแนน 0–100 ทศนิยมไม่เกิน 2 ตำแหน่ง (ใช้เลขไทยได้) ปีงบประมาณเป็นปี พ.ศ. เว้นคอลัมน์ที่ไม่มีคะแนนได้โดยลบคอลัมน์นั้นออก",
        ]
    )
    for cell in guide[1]:
        cell.font = HEADER_FONT
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def scores_export_xlsx(
    *, year: int, province: str = "", organisations=None
) -> tempfile.SpooledTemporaryFile:
    """Every score of a year in the long layout (re-importable), streamed in bounded memory."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"คะแนน {year}")
    ws.append(["org_code", "org_name", "province", "fiscal_year", "item_code", "score"])
    scores = Score.objects.filter(assessment__fiscal_year__year=year)
    if province:
        scores = scores.filter(assessment__organisation__province=province)
    if organisations is not None:  # an oversight user's scopes
        scores = scores.filter(assessment__organisation__in=organisations)
    rows = scores.order_by("assessment__organisation__code", "kind", "code").values_list(
        "assessment__organisation__code",
        "assessment__organisation__name",
        "assessment__organisation__province",
        "code",
        "score",
    )
    for code, name, prov, item_code, score in rows.iterator(chunk_size=5000):
        ws.append(
            [cell_text(code), cell_text(name), cell_text(prov), year, item_code, float(score)]
        )
    return spooled(wb)


def errors_xlsx(errors: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "ข้อผิดพลาด"
    ws.append(["แผ่นงาน", "แถว", "คอลัมน์", "ค่า", "ข้อผิดพลาด"])
    for cell in ws[1]:
        cell.font = HEADER_FONT
    for error in errors:
        ws.append(
            [
                cell_text(error["sheet"]),
                error["row"],
                cell_text(error["column"]),
                cell_text(error["value"]),
                error["message"],
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
