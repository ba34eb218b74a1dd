"""The survey poster: an A4 page asking people to answer the agency's IIT and EIT surveys, with
the two links as QR codes and in text. Printed by staff and pinned where staff and the public
pass (the agencies made these by hand)."""

from __future__ import annotations

from typing import Any

from assessments.selectors import survey_progress
from documents.registry import DocumentKind, register
from documents.rendering import PageSetup
from documents.typography import sarabun_pt
from ita_portal.qr import qr_png_data_uri

#: one page, margins narrow enough for two large codes side by side
POSTER_PAGE = PageSetup(top=1.5, right=1.5, bottom=1.5, left=1.5)

WHO = {
    "IIT": ("แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)", "สำหรับบุคลากรในหน่วยงาน"),
    "EIT": ("แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT)", "สำหรับผู้รับบริการ/ผู้มาติดต่อ"),
}


def _build_poster(*, organisation, fiscal_year, options) -> dict[str, Any]:
    progress = survey_progress(organisation, fiscal_year)
    tools = []
    for tool in progress.tools:
        name, who = WHO[tool.label]
        tools.append(
            {
                "label": tool.label,
                "name": name,
                "who": who,
                "url": tool.url,
                "qr": qr_png_data_uri(tool.url) if tool.url else "",
            }
        )
    return {
        "title": f"ร่วมประเมิน ITA ของ{organisation.name} ปีงบประมาณ {fiscal_year}",
        "organisation": organisation,
        "year": fiscal_year,
        "tools": tools,
        "window": progress.settings,
        "sizes": {
            "headline": sarabun_pt(36),
            "subhead": sarabun_pt(22),
            "tool": sarabun_pt(24),
            "who": sarabun_pt(20),
            "body": sarabun_pt(16),
        },
    }


register(
    DocumentKind(
        name="survey-poster",
        title="โปสเตอร์ชวนตอบแบบวัด IIT/EIT",
        short_title="โปสเตอร์ชวนตอบแบบวัด IIT/EIT",
        template="documents/survey_poster.html",
        build=_build_poster,
        page=POSTER_PAGE,
        order=90,
    )
)
