"""OIT readiness: each OIT item of the year, its evidence, its criteria, and where it is public.

An item's evidence is any mix of a portal document (published by its own memo), an uploaded file
(published by a memo, then frozen as a copy) and a URL on the agency's own website. The board
(`oit_board`) derives every item's state from the evidence in a constant number of queries.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch, TextChoices
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Framework, Item, ItemCriterion, Score, ScoreKind, Tool
from assessments.selectors import framework_for_organisation
from ita_portal.public_cache import bump_public_version
from measures.services import clean_link
from organisations.access import Action, can
from organisations.models import Organisation, Unit

from .models import (
    EvidenceKind,
    LinkStatus,
    Memo,
    MemoAttachment,
    MemoStatus,
    OitCriterionCheck,
    OitEntry,
    OitEvidence,
    Publication,
)

OIT_FILE_KIND = "oit-file"
MEASURE_QUARTERS = [2, 3]
# Portal documents that can answer an OIT item (o27 มาตรการ…, o28 รายงานผล…, the analysis).
DOCUMENT_TITLES = {
    "measure-plan": "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
    "measure-results": "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
    "progress": "รายงานความก้าวหน้าการดำเนินการตามมาตรการ รอบ 6 เดือน",
    "analysis": "การวิเคราะห์ผลการประเมิน ITA",
}
MAX_URL_LENGTH = 1000


class OitError(Exception):
    """A refused action, with a Thai message for the user."""


class ItemState(TextChoices):
    MISSING = "missing", "ยังไม่มีหลักฐาน"
    DRAFT = "draft", "ร่าง (ยังไม่เสนอ)"
    AWAITING = "awaiting", "รออนุมัติ"
    PUBLISHED = "published", "เผยแพร่แล้ว"


STATE_ORDER = [ItemState.MISSING, ItemState.DRAFT, ItemState.AWAITING, ItemState.PUBLISHED]


# ---------------------------------------------------------------- reading


def oit_framework(organisation: Organisation, year: int) -> Framework | None:
    return framework_for_organisation(organisation, year)


def oit_items(framework: Framework) -> list[Item]:
    """The framework's OIT items in order, each with its criteria."""
    return list(
        framework.items.filter(tool=Tool.OIT, is_retired=False)
        .prefetch_related(Prefetch("criteria", queryset=ItemCriterion.objects.order_by("order")))
        .order_by("order", "code")
    )


def oit_item(framework: Framework, code: str) -> Item | None:
    return next((i for i in oit_items(framework) if i.code == code.lower()), None)


@dataclass
class EvidenceView:
    evidence: OitEvidence
    state: str
    public_path: str = ""  # a path on this site, or the external URL itself
    external: bool = False
    problem: str = ""  # a broken link, an unpublished portal document...

    @property
    def state_label(self) -> str:
        return ItemState(self.state).label


@dataclass
class BoardRow:
    item: Item
    entry: OitEntry | None
    evidence: list[EvidenceView] = field(default_factory=list)
    criteria_total: int = 0
    criteria_met: int = 0
    checks: dict[int, OitCriterionCheck] = field(default_factory=dict)
    score: Decimal | None = None
    last_year_score: Decimal | None = None
    last_year_code: str = ""

    @property
    def state(self) -> str:
        states = {e.state for e in self.evidence}
        for state in reversed(STATE_ORDER):
            if state in states:
                return state
        return ItemState.MISSING

    @property
    def state_label(self) -> str:
        return ItemState(self.state).label

    @property
    def public(self) -> list[EvidenceView]:
        return [e for e in self.evidence if e.state == ItemState.PUBLISHED]

    @property
    def problems(self) -> list[EvidenceView]:
        return [e for e in self.evidence if e.problem]

    @property
    def pending(self) -> list[EvidenceView]:
        """Evidence that can go into a memo now (draft files and unpublished portal documents)."""
        return [
            e
            for e in self.evidence
            if e.state == ItemState.DRAFT and e.evidence.kind != EvidenceKind.URL
        ]

    @property
    def below_full_score(self) -> bool:
        return self.score is not None and self.score < 100

    @property
    def unit(self) -> Unit | None:
        return self.entry.responsible_unit if self.entry else None


@dataclass
class Board:
    organisation: Organisation
    year: int
    framework: Framework | None
    rows: list[BoardRow]
    has_scores: bool = False
    last_year: int | None = None

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.count(s)) for s in reversed(STATE_ORDER)]

    @property
    def published_share(self) -> int:
        return round(100 * self.count(ItemState.PUBLISHED) / len(self.rows)) if self.rows else 0

    @property
    def broken(self) -> int:
        return sum(len(r.problems) for r in self.rows)

    @property
    def deadline(self) -> date | None:
        return self.framework.oit_deadline if self.framework else None

    @property
    def days_left(self) -> int | None:
        if self.deadline is None:
            return None
        return (self.deadline - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        return max(0, -(self.days_left or 0))


def public_item_path(organisation: Organisation, year: int, item: Item) -> str:
    return reverse("public:oit_item", args=[organisation.code, year, item.code])


def _evidence_view(
    evidence: OitEvidence,
    organisation: Organisation,
    year: int,
    item: Item,
    live_documents: set[tuple[int, str]],
    awaiting_documents: set[tuple[int, str]],
) -> EvidenceView:
    if evidence.kind == EvidenceKind.URL:
        view = EvidenceView(evidence, ItemState.PUBLISHED, evidence.url, external=True)
        if evidence.link_status == LinkStatus.BROKEN:
            view.problem = evidence.link_message or "ลิงก์ใช้งานไม่ได้"
        return view
    if evidence.kind == EvidenceKind.DOCUMENT:
        key = (evidence.document_year, evidence.document_kind)
        if key in live_documents:
            path = reverse(
                "public:document",
                kwargs={
                    "code": organisation.code,
                    "year": evidence.document_year,
                    "kind": evidence.document_kind,
                },
            )
            return EvidenceView(evidence, ItemState.PUBLISHED, path)
        if key in awaiting_documents:
            return EvidenceView(evidence, ItemState.AWAITING)
        view = EvidenceView(evidence, ItemState.DRAFT)
        if evidence.link_checked_at:  # the checker found the listed document not published
            view.problem = evidence.link_message
        return view
    if evidence.published_at and not evidence.withdrawn_at:
        path = reverse("public:oit_file", args=[organisation.code, year, item.code, evidence.pk])
        return EvidenceView(evidence, ItemState.PUBLISHED, path)
    if evidence.memo_id and evidence.memo.status == MemoStatus.IN_REVIEW:
        return EvidenceView(evidence, ItemState.AWAITING)
    return EvidenceView(evidence, ItemState.DRAFT)


def _document_states(organisation: Organisation) -> tuple[set, set]:
    live = set(
        Publication.objects.filter(organisation=organisation, withdrawn_at__isnull=True)
        .values_list("fiscal_year", "kind")
        .distinct()
    )
    awaiting = set(
        MemoAttachment.objects.filter(
            memo__organisation=organisation, memo__status=MemoStatus.IN_REVIEW
        ).values_list("fiscal_year", "kind")
    )
    return live, awaiting


def _item_scores(organisation: Organisation, year: int) -> dict[str, Decimal]:
    return dict(
        Score.objects.filter(
            assessment__organisation=organisation,
            assessment__fiscal_year__year=year,
            kind=ScoreKind.ITEM,
            code__startswith="o",
        ).values_list("code", "score")
    )


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _last_year_scores(organisation: Organisation, year: int) -> tuple[int | None, dict]:
    """Last year's OIT scores keyed by item text: codes move between years, texts rarely do."""
    previous = (
        Assessment.objects.filter(organisation=organisation, fiscal_year__year__lt=year)
        .select_related("fiscal_year")
        .order_by("-fiscal_year__year")
        .first()
    )
    if previous is None:
        return None, {}
    scores = _item_scores(organisation, previous.fiscal_year.year)
    by_text = {}
    for item in previous.framework.items.filter(tool=Tool.OIT).only("code", "text"):
        if item.code in scores:
            by_text[_normalise(item.text)] = (item.code, scores[item.code])
    return previous.fiscal_year.year, by_text


def oit_board(
    organisation: Organisation, year: int, *, unit: Unit | None = None, public: bool = False
) -> Board:
    """Every OIT item of the year with its evidence and state (a constant number of queries).

    With `public`, only what the public may see is kept (drafts and awaiting evidence dropped).
    """
    framework = oit_framework(organisation, year)
    if framework is None:
        return Board(organisation, year, None, [])
    items = oit_items(framework)
    entries = {
        e.item_id: e
        for e in OitEntry.objects.filter(organisation=organisation, fiscal_year=year)
        .select_related("responsible_unit")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=OitEvidence.objects.filter(withdrawn_at__isnull=True)
                .select_related("memo")
                .order_by("created_at", "pk"),
            ),
            "checks",
        )
    }
    live, awaiting = _document_states(organisation)
    scores = {} if public else _item_scores(organisation, year)
    last_year, last_scores = (None, {}) if public else _last_year_scores(organisation, year)
    rows = []
    for item in items:
        entry = entries.get(item.pk)
        if unit is not None and (entry is None or entry.responsible_unit_id != unit.pk):
            continue
        row = BoardRow(item=item, entry=entry)
        criteria = list(item.criteria.all())
        row.criteria_total = len(criteria)
        if entry is not None:
            row.evidence = [
                _evidence_view(e, organisation, year, item, live, awaiting)
                for e in entry.evidence.all()
            ]
            row.checks = {c.criterion_id: c for c in entry.checks.all()}
            row.criteria_met = sum(
                1 for c in criteria if row.checks.get(c.pk) and row.checks[c.pk].met
            )
        if public:
            row.evidence = row.public
        row.score = scores.get(item.code)
        previous = last_scores.get(_normalise(item.text))
        if previous:
            row.last_year_code, row.last_year_score = previous
        rows.append(row)
    return Board(organisation, year, framework, rows, has_scores=bool(scores), last_year=last_year)


def board_row(organisation: Organisation, year: int, item: Item) -> BoardRow:
    """One item's row of the board (the item page and its actions)."""
    return next(r for r in oit_board(organisation, year).rows if r.item.pk == item.pk)


def in_oit_window(framework: Framework | None, today: date | None = None) -> bool:
    if framework is None or framework.oit_deadline is None:
        return False
    today = today or timezone.localdate()
    opens = framework.oit_opens_on or framework.oit_deadline
    return opens <= today <= framework.oit_deadline


# ---------------------------------------------------------------- writing


def _require_edit(user, organisation: Organisation) -> None:
    if not can(user, organisation, Action.EDIT):
        raise PermissionDenied("ท่านไม่มีสิทธิ์แก้ไขข้อมูล OIT ของหน่วยงานนี้")


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
    if document_kind not in DOCUMENT_TITLES:
        raise ValidationError({"document_kind": f"เอกสาร “{document_kind}” ไม่ใช่เอกสารของระบบ"})
    document_year = document_year or entry.fiscal_year
    if not entry.fiscal_year - 1 <= document_year <= entry.fiscal_year:
        raise ValidationError(
            {"document_year": f"ปีของเอกสารต้องเป็นปี {entry.fiscal_year} หรือ {entry.fiscal_year - 1}"}
        )
    duplicate = entry.evidence.filter(
        kind=EvidenceKind.DOCUMENT,
        document_kind=document_kind,
        document_year=document_year,
        withdrawn_at__isnull=True,
    ).exists()
    if duplicate:
        raise ValidationError({"document_kind": "เพิ่มเอกสารนี้เป็นหลักฐานของข้อนี้แล้ว"})
    return OitEvidence.objects.create(
        entry=entry,
        kind=EvidenceKind.DOCUMENT,
        title=f"{DOCUMENT_TITLES[document_kind]} ประจำปีงบประมาณ พ.ศ. {document_year}",
        document_kind=document_kind,
        document_year=document_year,
        created_by=user,
    )


@transaction.atomic
def evidence_add_file(*, entry: OitEntry, user, upload, title: str = "") -> OitEvidence:
    from measures.services import check_evidence_file

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
    if entry.evidence.filter(kind=EvidenceKind.URL, url=url, withdrawn_at__isnull=True).exists():
        raise ValidationError({"url": "เพิ่มลิงก์นี้เป็นหลักฐานของข้อนี้แล้ว"})
    evidence = OitEvidence.objects.create(
        entry=entry,
        kind=EvidenceKind.URL,
        title=(title.strip() or url)[:500],
        url=url,
        created_by=user,
    )
    bump_public_version()  # a URL is public at once: it is already on the agency's site
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
        bump_public_version()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def evidence_withdraw(*, evidence: OitEvidence, user, reason: str) -> OitEvidence:
    evidence = _lock_evidence(evidence)
    if not can(user, evidence.entry.organisation, Action.MANAGE):
        raise PermissionDenied("การถอนการเผยแพร่ต้องทำโดยผู้ดูแลหน่วยงาน")
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
    bump_public_version()
    return evidence


# ---------------------------------------------------------------- sign-off and publication


def memo_texts(*, organisation: Organisation, year: int, rows: Iterable[BoardRow]) -> dict:
    """The memo's texts as for any document (reports.memos), naming the items in its facts."""
    from .memos import memo_draft_texts

    texts = memo_draft_texts(organisation=organisation, fiscal_year=year, kind="oit")
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
    from . import memos

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
    memo = memos.memo_create(
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


def publish_file(*, memo: Memo, evidence_id: int, written: list) -> OitEvidence | None:
    """Freeze an approved OIT file: a checksummed public copy (the upload stays private)."""
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


# ---------------------------------------------------------------- feedback from the result


def measure_from_item(*, organisation: Organisation, year: int, item: Item, user, score: Decimal):
    """A measure linked to an OIT item that scored below 100 (staff then edit it), drafted like
    the analysis areas' measures: the item linked, the first unit responsible, quarters 2–3."""
    from measures.models import TimeframeKind
    from measures.services import measure_create

    _require_edit(user, organisation)
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


def site_url(path: str) -> str:
    """An absolute address on the public site (SITE_URL), whatever host staff reach us by."""
    return settings.SITE_URL + path
