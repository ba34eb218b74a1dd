"""The engine's proof: the seed documents' lines in one table, and the memo form (no data)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from documents.charts import Bar, bar_chart
from documents.registry import DocumentKind, register
from documents.rendering import MEMO_PAGE

SEED_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"


def seed_documents() -> list[dict[str, Any]]:
    """The real Thai documents in fixtures/seeds, one entry per non-empty line.

    Each line carries ASCII references (P000L0001 for its paragraph, S000L0001 for its table
    row): ASCII survives any PDF text layer, so a test can compare each line with exactly the
    text the PDF gives back for it.
    """
    seeds = []
    for number, path in enumerate(sorted(SEED_DIR.glob("*.txt"))):
        raw = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
        lines = [
            {"text": text, "ref_p": f"P{number:03d}L{i:04d}", "ref_s": f"S{number:03d}L{i:04d}"}
            for i, text in enumerate((t for t in raw if t), start=1)
        ]
        seeds.append({"name": path.stem, "lines": lines})
    return seeds


def _build_sample(*, organisation, fiscal_year, options) -> dict[str, Any]:
    seeds = seed_documents()
    rows = [
        {"ref": line["ref_s"], "text": line["text"]} for seed in seeds for line in seed["lines"]
    ]
    chart = bar_chart(
        [
            Bar("การปฏิบัติหน้าที่", 99.78),
            Bar("การใช้ทรัพย์สินของราชการ", 67.10, highlight=True),
            Bar("คุณภาพการดำเนินงาน", 92.52),
            Bar("การเปิดเผยข้อมูล", 78.50),
        ],
        title="ตัวอย่างแผนภูมิ: คะแนนรายตัวชี้วัด",
        thai_digits=options.thai_digits,
    )
    return {
        "seeds": seeds,
        "rows": rows,
        "chart": chart,
        "generated_on": timezone.localdate(),
    }


register(
    DocumentKind(
        name="sample",
        title="ตัวอย่างเอกสารภาษาไทย",
        template="documents/sample.html",
        build=_build_sample,
        needs_organisation=False,
    )
)


def _build_sample_memo(*, organisation, fiscal_year, options) -> dict[str, Any]:
    """The บันทึกข้อความ form with the texts of seed 002 (the memo issue fills it from data)."""
    return {
        "memo": {
            "unit": "งานนิติการ สำนักปลัดเทศบาล เทศบาลตำบลพรหมานนิคม",
            "phone": "042-779115",
            "number": "สน 52201/",
            "date": date(2021, 4, 6),
            "subject": "รายงานผลดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
            "to": "นายกเทศมนตรีตำบลพรหมานนิคม",
        },
        "sections": [
            {
                "title": "เรื่องเดิม",
                "paragraphs": [
                    "ด้วยการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ "
                    "ประจำปีงบประมาณ พ.ศ. 2564 ตัวชี้วัดที่ 10 เรื่องการป้องกันการทุจริต "
                    "กำหนดให้หน่วยงานต้องมีการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
                ],
            },
            {
                "title": "ข้อเท็จจริง",
                "paragraphs": [
                    "งานนิติการได้จัดทำรายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส"
                    "ภายในหน่วยงาน รอบ 6 เดือน เป็นที่เรียบร้อยแล้ว"
                ],
            },
            {
                "title": "ข้อพิจารณา",
                "paragraphs": ["จึงเรียนมาเพื่อโปรดพิจารณา หากเห็นชอบโปรดอนุมัติให้เผยแพร่บนเว็บไซต์ของหน่วยงาน"],
            },
        ],
    }


register(
    DocumentKind(
        name="sample-memo",
        title="บันทึกข้อความ (ตัวอย่างแบบฟอร์ม)",
        template="documents/sample_memo.html",
        build=_build_sample_memo,
        page=MEMO_PAGE,
        needs_organisation=False,
    )
)
