"""The document kinds the engine knows, and the one service that renders any of them.

A kind is a template plus a builder that gathers its context. Later issues register the measure
plan, the measure-results report, the 6-month progress report, the analysis report and the memo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from organisations.models import Organisation

from .charts import Bar, bar_chart
from .rendering import (
    MEMO_PAGE,
    REPORT_PAGE,
    DocumentOptions,
    PageSetup,
    html_to_pdf,
    render_html,
)


class DocumentError(Exception):
    """A document cannot be rendered with the given input (message in Thai)."""


@dataclass(frozen=True)
class DocumentKind:
    name: str
    title: str
    template: str
    build: Callable[..., dict[str, Any]]
    page: PageSetup = REPORT_PAGE
    needs_organisation: bool = True


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> DocumentKind:
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise DocumentError(f"ไม่รู้จักเอกสารประเภท “{name}” (ที่มี: {known})") from None


@dataclass(frozen=True)
class RenderedDocument:
    kind: str
    title: str
    content: bytes
    content_type: str
    filename: str


def document_htmls(
    *,
    kind: str,
    organisation: Organisation | None = None,
    fiscal_year: int | None = None,
    options: DocumentOptions | None = None,
    outputs: tuple[str, ...] = ("html",),
) -> tuple[DocumentKind, str, dict[str, str]]:
    """Gather a document's data once and render its template for each output.

    Returns (kind, title, {output: html}); the "pdf" HTML carries the local font files and is what
    `html_to_pdf` takes.
    """
    spec = get_kind(kind)
    for output in outputs:
        if output not in {"html", "pdf"}:
            raise DocumentError(f"รูปแบบ “{output}” ไม่รองรับ (ใช้ html หรือ pdf)")
    if spec.needs_organisation and organisation is None:
        raise DocumentError("ต้องระบุหน่วยงาน")
    options = options or DocumentOptions()
    context = spec.build(organisation=organisation, fiscal_year=fiscal_year, options=options)
    title = context.pop("title", spec.title)
    htmls = {
        output: render_html(
            spec.template,
            context,
            kind=spec.name,
            title=title,
            page=spec.page,
            options=options,
            for_pdf=output == "pdf",
        )
        for output in outputs
    }
    return spec, title, htmls


def document_render_all(
    *,
    kind: str,
    organisation: Organisation | None = None,
    fiscal_year: int | None = None,
    options: DocumentOptions | None = None,
    outputs: tuple[str, ...] = ("html", "pdf"),
) -> dict[str, RenderedDocument]:
    """A document in several outputs from one gathering of its data (publication needs both)."""
    spec, title, htmls = document_htmls(
        kind=kind,
        organisation=organisation,
        fiscal_year=fiscal_year,
        options=options,
        outputs=outputs,
    )
    stem = "-".join(
        str(p) for p in (spec.name, organisation.code if organisation else "", fiscal_year) if p
    )
    rendered = {}
    for output, html in htmls.items():
        if output == "html":
            rendered[output] = RenderedDocument(
                spec.name, title, html.encode(), "text/html; charset=utf-8", f"{stem}.html"
            )
        else:
            rendered[output] = RenderedDocument(
                spec.name, title, html_to_pdf(html), "application/pdf", f"{stem}.pdf"
            )
    return rendered


def document_render(
    *,
    kind: str,
    organisation: Organisation | None = None,
    fiscal_year: int | None = None,
    output: str = "pdf",
    options: DocumentOptions | None = None,
) -> RenderedDocument:
    """Render one document to "html" (for the screen) or "pdf"."""
    return document_render_all(
        kind=kind,
        organisation=organisation,
        fiscal_year=fiscal_year,
        options=options,
        outputs=(output,),
    )[output]


# ---------------------------------------------------------------- sample (engine proof)

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
        template="reports/documents/sample.html",
        build=_build_sample,
        needs_organisation=False,
    )
)


def _build_sample_memo(*, organisation, fiscal_year, options) -> dict[str, Any]:
    """The บันทึกข้อความ form with the texts of seed 002 (the memo issue fills it from data)."""
    from datetime import date

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
        template="reports/documents/sample_memo.html",
        build=_build_sample_memo,
        page=MEMO_PAGE,
        needs_organisation=False,
    )
)


# The measure documents register their kinds on import (measure-plan, measure-results, progress).
from . import analysis_document, measure_documents, memo_document  # noqa: E402,F401
