"""OIT readiness, written: responsibility, criteria ticks, evidence, and sign-off of files.

Files go up the memo chain like any document: `oit_memo_create` drafts the memo, and the OIT file
kind (`OIT_FILE_KIND`, registered with the publication registry at start-up) freezes each
approved file as a checksummed public copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from approvals.models import Memo, MemoStatus
from approvals.services import memo_create, memo_draft_texts
from assessments.models import Item, Tool
from documents.registry import attachable_kinds, get_kind
from ita_portal.public_cache import bump_organisations
from measures.services import check_evidence_file, clean_link
from organisations.access import Action, check
from organisations.models import Organisation, Unit
from publication.services import PublicationError

from .models import EvidenceKind, OitCriterionCheck, OitEntry, OitEvidence
from .selectors import BoardRow, oit_board, oit_framework

OIT_FILE_KIND = "oit-file"
MAX_URL_LENGTH = 1000


class OitError(PublicationError):
    """A refused action, with a Thai message for the user (a publication refusal when raised
    while publishing: shown on the memo as the reason, and not run again)."""


def _require_edit(user, organisation: Organisation) -> None:
    check(user, organisation, Action.EDIT, "ท่านไม่มีสิทธิ์แก้ไขข้อมูล OIT ของหน่วยงานนี้")


def entry_for(*, organisation: Organisation, item: Item, year: int) -> OitEntry:
    framework = oit_framework(organisation, year)
    if framework is None or item.framework_id != framework.pk or item.tool != Tool.OIT:
        raise ValidationError(f"ข้อ {item.code} ไม่ใช่ข้อ OIT ของกรอบการประเมินปี {year} ของหน่วยงานนี้")
    entry, _ = OitEntry.objects.get_or_create(
        organisation=organisation, item=item, defaults={"fiscal_year": year}
    )
    return entry


@transaction.atomic
def entry_update(*, entry: OitEntry, user, responsible_unit: Unit | None, note: str) -> OitEntry:
    _require_edit(user, entry.organisation)
    if responsible_unit is not None and responsible_unit.organisation_id != entry.organisation_id:
        raise ValidationError({"responsible_unit": "หน่วยงานย่อยต้องเป็นของหน่วยงานนี้"})
    entry.responsible_unit = responsible_unit
    entry.note = note.strip()
    entry.save()
    return entry


@transaction.atomic
def criteria_save(*, entry: OitEntry, user, ticks: dict[int, tuple[bool, str]]) -> int:
    """Save the ticks {criterion id: (met, note)}; returns how many criteria are met."""
    _require_edit(user, entry.organisation)
    criteria = {c.pk: c for c in entry.item.criteria.all()}
    unknown = set(ticks) - set(criteria)
    if unknown:
        raise ValidationError("เกณฑ์ที่ส่งมาไม่ใช่เกณฑ์ของข้อนี้")
    existing = {c.criterion_id: c for c in entry.checks.all()}
    for criterion_id, (met, note) in ticks.items():
        note = note.strip()
        if len(note) > 500:
            raise ValidationError(
                f"หมายเหตุของเกณฑ์ที่ {criteria[criterion_id].order} ยาวเกิน 500 ตัวอักษร"
            )
        check = existing.get(criterion_id)
        if check is None:
            OitCriterionCheck.objects.create(
                entry=entry, criterion_id=criterion_id, met=met, note=note, checked_by=user
            )
        elif (check.met, check.note) != (met, note):
            check.met, check.note, check.checked_by = met, note, user
            check.save()
    return sum(1 for met, _ in ticks.values() if met)


@transaction.atomic
def evidence_add_document(
    *, entry: OitEntry, user, document_kind: str, document_year: int | None = None
) -> OitEvidence:
    _require_edit(user, entry.organisation)
    if document_kind not in {k.name for k in attachable_kinds()}:
        raise ValidationError({"document_kind": f"เอกสาร “{document_kind}” ไม่ใช่เอกสารของระบบ"})
    document_year = document_year or entry.fiscal_year
    if not entry.fiscal_year - 1 <= document_year <= entry.fiscal_year:
        raise ValidationError(
            {"document_year": f"ปีของเอกสารต้องเป็นปี {entry.fiscal_year} หรือ {entry.fiscal_year - 1}"}
        )
    duplicate = (
        entry.evidence.live()
        .filter(
            kind=EvidenceKind.DOCUMENT,
            document_kind=document_kind,
            document_year=document_year,
        )
        .exists()
    )
    if duplicate:
        raise ValidationError({"document_kind": "เพิ่มเอกสารนี้เป็นหลักฐานของข้อนี้แล้ว"})
    return OitEvidence.objects.create(
        entry=entry,
        kind=EvidenceKind.DOCUMENT,
        title=f"{get_kind(document_kind).label} ประจำปีงบประมาณ พ.ศ. {document_year}",
        document_kind=document_kind,
        document_year=document_year,
        created_by=user,
    )


@transaction.atomic
def evidence_add_file(*, entry: OitEntry, user, upload, title: str = "") -> OitEvidence:
    _require_edit(user, entry.organisation)
    detected = check_evidence_file(upload)
    upload.seek(0)
    data = upload.read()
    evidence = OitEvidence(
        entry=entry,
        kind=EvidenceKind.FILE,
        title=(title.strip() or upload.name)[:500],
        file_name=upload.name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        content_type=detected.content_type,
        created_by=user,
    )
    evidence.file.save(f"upload{detected.extension}", ContentFile(data), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_add_url(*, entry: OitEntry, user, url: str, title: str = "") -> OitEvidence:
    _require_edit(user, entry.organisation)
    url = clean_link(url, max_length=MAX_URL_LENGTH)
    if entry.evidence.live().filter(kind=EvidenceKind.URL, url=url).exists():
        raise ValidationError({"url": "เพิ่มลิงก์นี้เป็นหลักฐานของข้อนี้แล้ว"})
    evidence = OitEvidence.objects.create(
        entry=entry,
        kind=EvidenceKind.URL,
        title=(title.strip() or url)[:500],
        url=url,
        created_by=user,
    )
    # A URL is public at once: it is already on the agency's site.
    bump_organisations([entry.organisation.code], warm=False)
    return evidence


def _lock_evidence(evidence: OitEvidence) -> OitEvidence:
    # `of`: PostgreSQL cannot lock the nullable side (the memo) of the outer join.
    return (
        OitEvidence.objects.select_for_update(of=("self",))
        .select_related("entry__organisation", "entry__item", "memo")
        .get(pk=evidence.pk)
    )


@transaction.atomic
def evidence_delete(*, evidence: OitEvidence, user) -> None:
    """Remove evidence that is not public and not awaiting approval."""
    evidence = _lock_evidence(evidence)
    _require_edit(user, evidence.entry.organisation)
    if evidence.kind == EvidenceKind.FILE and evidence.published_at:
        raise OitError("ไฟล์นี้เผยแพร่แล้ว ลบไม่ได้ ผู้ดูแลหน่วยงานถอนการเผยแพร่ได้")
    if evidence.memo_id and evidence.memo.status == MemoStatus.IN_REVIEW:
        raise OitError("หลักฐานนี้อยู่ในบันทึกข้อความที่กำลังเสนอ ลบไม่ได้จนกว่าจะพิจารณาเสร็จ")
    if evidence.memo_id:
        # A draft or returned memo no longer carries what was deleted.
        for attachment in evidence.memo.attachments.filter(kind=OIT_FILE_KIND):
            if attachment.options.get("evidence_id") == evidence.pk:
                attachment.delete()
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage
    was_url = evidence.kind == EvidenceKind.URL
    evidence.memo = None
    evidence.delete()
    if was_url:
        bump_organisations([evidence.entry.organisation.code], warm=False)
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def evidence_withdraw(*, evidence: OitEvidence, user, reason: str) -> OitEvidence:
    evidence = _lock_evidence(evidence)
    check(user, evidence.entry.organisation, Action.MANAGE, "การถอนการเผยแพร่ต้องทำโดยผู้ดูแลหน่วยงาน")
    if not reason.strip():
        raise ValidationError({"reason": "กรุณาระบุเหตุผลที่ถอนการเผยแพร่"})
    if evidence.kind == EvidenceKind.DOCUMENT:
        raise OitError("เอกสารของระบบถอนได้ที่หน้าบันทึกข้อความ (เอกสารที่เผยแพร่)")
    if evidence.withdrawn_at:
        raise OitError("หลักฐานนี้ถูกถอนไปแล้ว")
    if evidence.kind == EvidenceKind.FILE and not evidence.published_at:
        raise OitError("ไฟล์นี้ยังไม่ได้เผยแพร่ ลบได้โดยไม่ต้องถอน")
    evidence.withdrawn_at = timezone.now()
    evidence.withdraw_reason = reason.strip()
    evidence.save()
    bump_organisations([evidence.entry.organisation.code], warm=False)
    return evidence


# ---------------------------------------------------------------- sign-off and publication


def memo_texts(*, organisation: Organisation, year: int, rows: Iterable[BoardRow]) -> dict:
    """The memo's texts as for any document (reports.memos), naming the items in its facts."""
    texts = memo_draft_texts(
        organisation=organisation,
        fiscal_year=year,
        title=f"ข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. {year}",
    )
    items = ", ".join(sorted({r.item.code for r in rows}, key=lambda c: int(c[1:])))
    texts["facts"] = (
        f"{organisation.name} ได้จัดทำข้อมูลเพื่อเปิดเผยตามแบบ OIT ข้อ {items} "
        f"เป็นที่เรียบร้อยแล้ว รายละเอียดตามเอกสารที่แนบ"
    )
    return {k: texts[k] for k in ("subject", "to", "background", "facts", "proposal")}


@transaction.atomic
def oit_memo_create(
    *, organisation: Organisation, user, year: int, evidence_ids: Iterable[int], unit: Unit
) -> Memo:
    """A memo asking to publish the chosen evidence: files and unpublished portal documents."""
    _require_edit(user, organisation)
    wanted = set(evidence_ids)
    if not wanted:
        raise ValidationError("กรุณาเลือกหลักฐานที่จะเสนอขออนุมัติอย่างน้อย 1 รายการ")
    board = oit_board(organisation, year)
    chosen = [
        (row, view) for row in board.rows for view in row.pending if view.evidence.pk in wanted
    ]
    found = {view.evidence.pk for _, view in chosen}
    if found != wanted:
        raise ValidationError(
            "หลักฐานบางรายการเสนอไม่ได้ (อาจเผยแพร่แล้ว อยู่ระหว่างเสนอ หรือไม่ใช่ของหน่วยงานนี้)"
        )
    attachments, seen_documents = [], set()
    for row, view in chosen:
        evidence = view.evidence
        if evidence.kind == EvidenceKind.DOCUMENT:
            key = (evidence.document_kind, evidence.document_year)
            if key in seen_documents:
                continue
            seen_documents.add(key)
            attachments.append(
                {
                    "kind": evidence.document_kind,
                    "fiscal_year": evidence.document_year,
                    "options": {},
                    "title": evidence.title,
                }
            )
        else:
            attachments.append(
                {
                    "kind": OIT_FILE_KIND,
                    "fiscal_year": year,
                    "options": {"evidence_id": evidence.pk},
                    "title": f"หลักฐานข้อ {row.item.code}: {evidence.title}",
                }
            )
    texts = memo_texts(organisation=organisation, year=year, rows=[r for r, _ in chosen])
    memo = memo_create(
        organisation=organisation,
        user=user,
        fiscal_year=year,
        unit=unit,
        attachments=attachments,
        **texts,
    )
    OitEvidence.objects.filter(
        pk__in=[v.evidence.pk for _, v in chosen if v.evidence.kind == EvidenceKind.FILE]
    ).update(memo=memo)
    return memo


def validate_file_attachment(organisation: Organisation, options: dict) -> None:
    """A memo may carry an OIT file only of its own organisation, not yet published."""
    evidence = (
        OitEvidence.objects.filter(
            pk=options.get("evidence_id"),
            kind=EvidenceKind.FILE,
            entry__organisation=organisation,
        )
        .only("pk", "published_at")
        .first()
    )
    if evidence is None:
        raise ValidationError({"attachments": "ไม่พบไฟล์หลักฐาน OIT ที่แนบ"})
    if evidence.published_at:
        raise ValidationError({"attachments": f"ไฟล์หลักฐาน “{evidence.pk}” เผยแพร่แล้ว"})


def publish_file(*, memo: Memo, options: dict, written: list) -> OitEvidence | None:
    """Freeze an approved OIT file: a checksummed public copy (the upload stays private).

    The publication registry calls it for each `oit-file` attachment of an approved memo.
    """
    evidence_id = options.get("evidence_id")
    evidence = (
        OitEvidence.objects.select_for_update()
        .select_related("entry__organisation", "entry__item")
        .filter(pk=evidence_id, entry__organisation=memo.organisation, kind=EvidenceKind.FILE)
        .first()
    )
    if evidence is None or evidence.published_at:
        return None
    with evidence.file.open("rb") as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != evidence.file_sha256:
        raise OitError(f"ไฟล์หลักฐาน “{evidence.title}” ไม่ตรงกับที่เสนอ (checksum ไม่ตรง)")
    extension = evidence.file.name[evidence.file.name.rfind(".") :]
    evidence.published_file.save(extension, ContentFile(data), save=False)
    written.append(evidence.published_file)
    evidence.published_at = timezone.now()
    evidence.memo = memo
    evidence.save()
    return evidence


# ---------------------------------------------------------------- when the catalogue changes


@transaction.atomic
def oit_entries_move(*, source: Item, target: Item) -> None:
    """Each organisation's answer to `source` becomes its answer to `target` (items merged when
    the official catalogue replaced a provisional one). Where the organisation already answered
    `target`, the evidence joins that answer; the ticks of `source`'s criteria go with it."""
    for entry in OitEntry.objects.filter(item=source):
        other = OitEntry.objects.filter(organisation=entry.organisation_id, item=target).first()
        if other is None:
            entry.item = target
            entry.save(update_fields=["item", "updated_at"])
            continue
        for evidence in entry.evidence.all():
            evidence.entry = other
            evidence.save(update_fields=["entry"])
        entry.delete()
