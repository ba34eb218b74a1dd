"""The memo (บันทึกข้อความ) as a document: the form, the body, and every signer's block."""

from __future__ import annotations

from typing import Any

from documents.registry import DocumentError, DocumentKind, register
from documents.rendering import MEMO_PAGE
from organisations.models import formal_name

from .models import Memo
from .selectors import approval_record, signing_names


def _build_memo(*, organisation, fiscal_year, options) -> dict[str, Any]:
    memo = (
        Memo.objects.filter(pk=options.memo_id, organisation=organisation)
        .select_related("unit", "organisation", "author")
        .prefetch_related("attachments")
        .first()
    )
    if memo is None:
        raise DocumentError("ไม่พบบันทึกข้อความนี้ในหน่วยงาน")
    return {
        "title": f"บันทึกข้อความ เรื่อง {memo.subject}",
        "memo": {
            "unit": f"{memo.unit.name} {organisation.name}",
            "phone": memo.unit.phone,
            "number": memo.number or "(ยังไม่ออกเลข)",
            "date": memo.date,
            "subject": memo.subject,
            "to": memo.to,
        },
        "sections": [
            {
                "title": "เรื่องเดิม",
                "paragraphs": [p for p in memo.background.split("\n") if p.strip()],
            },
            {"title": "ข้อเท็จจริง", "paragraphs": [p for p in memo.facts.split("\n") if p.strip()]},
            {
                "title": "ข้อพิจารณา/ข้อเสนอ",
                "paragraphs": [p for p in memo.proposal.split("\n") if p.strip()],
            },
        ],
        "attachments": list(memo.attachments.all()),
        # The reporter signs once, with the name and position the organisation knows them by.
        "author": signing_names(organisation.pk, [memo.author_id]).get(
            memo.author_id, (formal_name(memo.author), "")
        ),
        "signatures": approval_record(memo) if memo.cycle else [],
    }


register(
    DocumentKind(
        name="memo",
        order=5,
        title="บันทึกข้อความ",
        short_title="บันทึกข้อความที่อนุมัติการเผยแพร่",
        template="approvals/memo_document.html",
        build=_build_memo,
        page=MEMO_PAGE,
        publishable=True,
    )
)
