"""Memos up the sign-off chain, document numbers, and publication.

Every transition locks the memo row first and checks the state inside the transaction, so two
clicks at once (or a stale page) give exactly one transition.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from ita_portal.public_cache import bump_public_version
from ita_portal.thai import dates as thai
from organisations.access import Action, can
from organisations.models import Organisation, Role, Unit

from . import oit
from .models import (
    ApprovalStep,
    ChainTemplate,
    ChainTemplateStep,
    Decision,
    DocumentNumber,
    Memo,
    MemoAttachment,
    MemoStatus,
    Publication,
)

logger = logging.getLogger(__name__)

PUBLISHABLE_KINDS = ("measure-plan", "measure-results", "progress", "analysis")


class MemoError(Exception):
    """A refused transition, with a Thai message for the user."""


class PublicationFailed(MemoError):
    """The final approval could not produce its files; nothing of it was kept."""


# ---------------------------------------------------------------- document numbers


def document_number_next(*, organisation: Organisation, unit: Unit | None, fiscal_year: int) -> int:
    """The next number of the unit's sequence for the year; never reused, even concurrently.

    The UPDATE takes the row's write lock (a row lock on PostgreSQL, the database's on SQLite)
    until the surrounding transaction ends, so concurrent callers are serialised.
    """
    scope = {"organisation": organisation, "unit": unit, "fiscal_year": fiscal_year}
    with transaction.atomic():
        if not DocumentNumber.objects.filter(**scope).exists():
            try:
                with transaction.atomic():
                    DocumentNumber.objects.create(**scope)
            except IntegrityError:
                pass  # created by a concurrent caller
        DocumentNumber.objects.filter(**scope).update(last_number=F("last_number") + 1)
        return DocumentNumber.objects.get(**scope).last_number


# ---------------------------------------------------------------- chain templates


@transaction.atomic
def chain_template_save(
    *,
    organisation: Organisation,
    name: str,
    steps: Sequence[tuple[str, Any]],
    is_default: bool = True,
) -> ChainTemplate:
    """Create or replace a chain template: steps are (position title, user) in order."""
    errors = []
    if not name.strip():
        errors.append("กรุณาระบุชื่อลำดับการเสนอ")
    if not steps:
        errors.append("ลำดับการเสนอต้องมีอย่างน้อย 1 ขั้น")
    members = {
        m.user_id: m for m in organisation.memberships.filter(is_active=True).select_related("user")
    }
    for number, (title, user) in enumerate(steps, start=1):
        if not title.strip():
            errors.append(f"ขั้นที่ {number}: กรุณาระบุตำแหน่ง")
        if user is None or user.pk not in members:
            errors.append(f"ขั้นที่ {number}: ผู้ดำรงตำแหน่งต้องเป็นสมาชิกของหน่วยงาน")
    if errors:
        raise ValidationError(errors)
    if is_default:
        organisation.chain_templates.update(is_default=False)
    template, _ = ChainTemplate.objects.update_or_create(
        organisation=organisation, name=name.strip(), defaults={"is_default": is_default}
    )
    template.steps.all().delete()
    for order, (title, user) in enumerate(steps, start=1):
        ChainTemplateStep.objects.create(
            template=template, order=order, position_title=title.strip(), user=user
        )
    return template


# ---------------------------------------------------------------- memos


def memo_draft_texts(
    *, organisation: Organisation, fiscal_year: int, kind: str, round_name: str = ""
) -> dict:
    """Texts pre-filled from the attached report, as in seeds 002 and 003 (staff edit them)."""
    year = fiscal_year
    org = organisation.name
    round_text = f" {round_name}" if round_name else ""
    titles = {
        "measure-results": f"รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน{round_text} ประจำปีงบประมาณ พ.ศ. {year}",
        "progress": f"รายงานความก้าวหน้าการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน{round_text} ประจำปีงบประมาณ พ.ศ. {year}",
        "measure-plan": f"มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. {year}",
        "analysis": f"การวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ ประจำปีงบประมาณ พ.ศ. {year}",
        "oit": f"ข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. {year}",
    }
    subject = titles.get(kind, "ขออนุมัติเผยแพร่เอกสาร")
    head = org.replace("องค์การบริหารส่วนตำบล", "นายกองค์การบริหารส่วนตำบล", 1)
    if head == org:
        head = f"ผู้บริหาร{org}"
    return {
        "subject": f"ขออนุมัติเผยแพร่{subject}",
        "to": head,
        "background": (
            f"สำนักงาน ป.ป.ช. ได้ดำเนินการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ "
            f"(Integrity and Transparency Assessment : ITA) ประจำปีงบประมาณ พ.ศ. {year} "
            f"โดยกำหนดให้หน่วยงานเปิดเผยข้อมูลสาธารณะ (OIT) บนเว็บไซต์ของหน่วยงาน"
        ),
        "facts": f"{org} ได้จัดทำ{subject} เป็นที่เรียบร้อยแล้ว รายละเอียดตามเอกสารที่แนบ",
        "proposal": (
            "จึงเรียนมาเพื่อโปรดพิจารณา หากเห็นชอบโปรดอนุมัติให้เผยแพร่เอกสารดังกล่าว"
            "บนเว็บไซต์ของหน่วยงาน เพื่อเป็นหลักฐานประกอบการประเมิน"
        ),
        "title": subject,
    }


def _validate_memo(fields: dict, organisation: Organisation) -> None:
    errors = {}
    for name, label in (
        ("subject", "เรื่อง"),
        ("to", "เรียน"),
        ("background", "เรื่องเดิม"),
        ("facts", "ข้อเท็จจริง"),
        ("proposal", "ข้อพิจารณา/ข้อเสนอ"),
    ):
        if name in fields and not str(fields[name] or "").strip():
            errors[name] = f"กรุณาระบุ{label}"
    unit = fields.get("unit")
    if unit is not None and unit.organisation_id != organisation.pk:
        errors["unit"] = "ส่วนราชการต้องเป็นของหน่วยงานนี้"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def memo_create(
    *,
    organisation: Organisation,
    user,
    fiscal_year: int,
    unit: Unit,
    subject: str,
    to: str,
    background: str,
    facts: str,
    proposal: str,
    attachments: Sequence[dict] = (),
    publish_memo: bool = True,
) -> Memo:
    fields = {
        "subject": subject,
        "to": to,
        "background": background,
        "facts": facts,
        "proposal": proposal,
        "unit": unit,
    }
    _validate_memo(fields, organisation)
    if not attachments:
        raise ValidationError({"attachments": "ต้องแนบเอกสารอย่างน้อย 1 ฉบับ"})
    for attachment in attachments:
        if attachment["kind"] == oit.OIT_FILE_KIND:
            oit.validate_file_attachment(organisation, attachment.get("options", {}))
        elif attachment["kind"] not in PUBLISHABLE_KINDS:
            raise ValidationError({"attachments": f"แนบเอกสารประเภท {attachment['kind']} ไม่ได้"})
    memo = Memo.objects.create(
        organisation=organisation,
        fiscal_year=fiscal_year,
        author=user,
        publish_memo=publish_memo,
        **{k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()},
    )
    for attachment in attachments:
        MemoAttachment.objects.create(
            memo=memo,
            kind=attachment["kind"],
            fiscal_year=attachment.get("fiscal_year", fiscal_year),
            options=attachment.get("options", {}),
            title=attachment.get("title") or attachment["kind"],
        )
    return memo


@transaction.atomic
def memo_update(*, memo: Memo, user, **fields) -> Memo:
    memo = _lock(memo.pk)
    if memo.status not in (MemoStatus.DRAFT, MemoStatus.RETURNED):
        raise MemoError("แก้ไขได้เฉพาะบันทึกที่เป็นร่างหรือถูกส่งกลับแก้ไข")
    allowed = {"subject", "to", "background", "facts", "proposal", "unit", "publish_memo"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    _validate_memo(fields, memo.organisation)
    for name, value in fields.items():
        setattr(memo, name, value.strip() if isinstance(value, str) else value)
    memo.save()
    return memo


def _lock(memo_pk: int) -> Memo:
    # The no-op UPDATE takes the write lock first (SQLite has no row locks); select_for_update
    # then reads the current state on PostgreSQL.
    Memo.objects.filter(pk=memo_pk).update(updated_at=timezone.now())
    return Memo.objects.select_for_update().select_related("organisation").get(pk=memo_pk)


def current_step(memo: Memo) -> ApprovalStep | None:
    if memo.status != MemoStatus.IN_REVIEW:
        return None
    return (
        memo.steps.filter(cycle=memo.cycle, decision=Decision.PENDING)
        .select_related("assignee")
        .order_by("order")
        .first()
    )


def _notify(user, subject: str, memo: Memo, text: str) -> None:
    if not user.email:
        return
    link = settings.SITE_URL + reverse(
        "reports:memo_detail", args=[memo.organisation.code, memo.pk]
    )
    send_mail(
        subject=f"[ITA Portal] {subject}",
        message=f"{text}\n\nเรื่อง: {memo.subject}\nหน่วยงาน: {memo.organisation.name}\n\n{link}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=True,
    )


@transaction.atomic
def memo_submit(*, memo: Memo, user, template: ChainTemplate) -> Memo:
    """Number the memo (once), copy the chain, and send it to the first signer."""
    memo = _lock(memo.pk)
    if memo.status not in (MemoStatus.DRAFT, MemoStatus.RETURNED):
        raise MemoError("บันทึกนี้เสนอไปแล้ว")
    if template.organisation_id != memo.organisation_id:
        raise MemoError("ลำดับการเสนอต้องเป็นของหน่วยงานเดียวกัน")
    if not memo.attachments.exists():
        raise MemoError("บันทึกนี้ไม่มีเอกสารแนบแล้ว (หลักฐานถูกลบ) จึงเสนอไม่ได้")
    steps = list(template.steps.select_related("user").order_by("order"))
    if not steps:
        raise MemoError("ลำดับการเสนอยังไม่มีผู้ลงนาม")
    if not memo.number:
        # One sequence per organisation and year: the number carries the organisation's prefix
        # only, so per-unit sequences would issue the same number twice.
        sequence = document_number_next(
            organisation=memo.organisation, unit=None, fiscal_year=memo.fiscal_year
        )
        memo.number = f"{memo.organisation.document_prefix}{sequence}"
    memo.date = timezone.localdate()
    memo.cycle += 1
    memo.status = MemoStatus.IN_REVIEW
    memo.save()
    for index, step in enumerate(steps):
        ApprovalStep.objects.create(
            memo=memo,
            cycle=memo.cycle,
            order=step.order,
            is_final=index == len(steps) - 1,
            position_title=step.position_title,
            assignee=step.user,
        )
    first = current_step(memo)
    transaction.on_commit(
        lambda: _notify(first.assignee, "มีบันทึกข้อความรอท่านพิจารณา", memo, "มีบันทึกข้อความรอท่านพิจารณา")
    )
    return memo


def can_stand_in(user, step: ApprovalStep) -> bool:
    """รักษาราชการแทน: another approver of the same organisation."""
    if user.pk == step.assignee_id:
        return False
    membership = step.memo.organisation.memberships.filter(user=user, is_active=True).first()
    return membership is not None and membership.role == Role.APPROVER


@transaction.atomic
def memo_step_act(
    *, memo: Memo, step_id: int, user, decision: str, comment: str = ""
) -> ApprovalStep:
    memo = _lock(memo.pk)
    if memo.status != MemoStatus.IN_REVIEW:
        raise MemoError("บันทึกนี้ไม่ได้อยู่ระหว่างเสนอ (อาจมีผู้พิจารณาไปแล้ว)")
    step = current_step(memo)
    if step is None or step.pk != step_id:
        raise MemoError("ขั้นนี้ไม่ใช่ขั้นที่รอพิจารณาอยู่ (อาจมีผู้พิจารณาไปแล้ว)")
    if user.pk != step.assignee_id and not can_stand_in(user, step):
        raise PermissionDenied("ท่านไม่ใช่ผู้ลงนามในขั้นนี้")
    if decision not in (Decision.APPROVED, Decision.ACKNOWLEDGED, Decision.RETURNED):
        raise MemoError("ผลการพิจารณาไม่ถูกต้อง")
    if decision == Decision.RETURNED and not comment.strip():
        raise ValidationError({"comment": "กรุณาระบุเหตุผลที่ส่งกลับแก้ไข"})
    if decision == Decision.ACKNOWLEDGED and step.is_final:
        raise MemoError("ขั้นสุดท้ายต้องอนุมัติหรือส่งกลับแก้ไข")
    step.decision = decision
    step.comment = comment.strip()
    step.acted_at = timezone.now()
    step.acted_by = user if user.pk != step.assignee_id else None
    step.save()
    if decision == Decision.RETURNED:
        memo.status = MemoStatus.RETURNED
        memo.save()
        transaction.on_commit(
            lambda: _notify(memo.author, "บันทึกข้อความถูกส่งกลับแก้ไข", memo, f"ความเห็น: {step.comment}")
        )
    elif step.is_final:
        memo.status = MemoStatus.APPROVED
        memo.save()
        try:
            publish_memo_documents(memo=memo)
        except Exception as exc:
            # Raising rolls the whole approval back: the step stays pending, nothing is published.
            logger.exception("publication of memo %s failed", memo.pk)
            raise PublicationFailed(
                "สร้างไฟล์เอกสารเพื่อเผยแพร่ไม่สำเร็จ จึงยังไม่ได้บันทึกการอนุมัติ "
                "บันทึกข้อความยังรอท่านพิจารณาในขั้นนี้ กรุณาลองอีกครั้งหรือแจ้งผู้ดูแลระบบ"
            ) from exc
        transaction.on_commit(
            lambda: _notify(memo.author, "บันทึกข้อความได้รับอนุมัติแล้ว", memo, "เอกสารได้รับการเผยแพร่แล้ว")
        )
    else:
        following = current_step(memo)
        transaction.on_commit(
            lambda: _notify(
                following.assignee, "มีบันทึกข้อความรอท่านพิจารณา", memo, "มีบันทึกข้อความรอท่านพิจารณา"
            )
        )
    return step


# ---------------------------------------------------------------- publication


def approval_record(memo: Memo) -> list[dict]:
    steps = (
        memo.steps.filter(cycle=memo.cycle).select_related("assignee", "acted_by").order_by("order")
    )
    return [
        {
            "position": s.position_title,
            "name": s.assignee.get_full_name() or s.assignee.username,
            "acted_by": (s.acted_by.get_full_name() or s.acted_by.username) if s.acted_by else "",
            "decision": s.decision_label,
            "comment": s.comment,
            "date": thai.format_date(timezone.localtime(s.acted_at).date()) if s.acted_at else "",
        }
        for s in steps
    ]


def _next_revision(organisation, fiscal_year, kind) -> int:
    last = (
        Publication.objects.filter(organisation=organisation, fiscal_year=fiscal_year, kind=kind)
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
    )
    return (last or 0) + 1


def _freeze(*, memo: Memo, kind: str, fiscal_year: int, title: str, options, record) -> Publication:
    from .documents import document_render_all

    rendered = document_render_all(
        kind=kind, organisation=memo.organisation, fiscal_year=fiscal_year, options=options
    )
    html, pdf = rendered["html"], rendered["pdf"]
    publication = Publication(
        organisation=memo.organisation,
        fiscal_year=fiscal_year,
        kind=kind,
        revision=_next_revision(memo.organisation, fiscal_year, kind),
        title=title,
        memo=memo,
        html_sha256=hashlib.sha256(html.content).hexdigest(),
        pdf_sha256=hashlib.sha256(pdf.content).hexdigest(),
        approval_record=record,
        published_at=timezone.now(),
    )
    publication.html.save(".html", ContentFile(html.content), save=False)
    publication.pdf.save(".pdf", ContentFile(pdf.content), save=False)
    publication.save()
    return publication


def publish_memo_documents(*, memo: Memo) -> list[Publication]:
    """Freeze every attached document (and the memo, if asked) as a new revision.

    If any document fails, the files already written are removed and the error is re-raised
    (the caller's transaction then removes the rows): never a publication without its files.
    """
    published: list[Publication] = []
    written: list = []  # frozen OIT files
    try:
        result = _publish(memo, published, written)
        bump_public_version()
        return result
    except Exception:
        for publication in published:
            written.extend((publication.html, publication.pdf))
        for field in written:
            if field.name:
                field.storage.delete(field.name)
        raise


def _publish(memo: Memo, published: list[Publication], written: list) -> list[Publication]:
    from .rendering import DocumentOptions

    record = approval_record(memo)
    for attachment in memo.attachments.all():
        if attachment.kind == oit.OIT_FILE_KIND:
            oit.publish_file(
                memo=memo, evidence_id=attachment.options.get("evidence_id"), written=written
            )
            continue
        options = DocumentOptions.from_dict(attachment.options)
        published.append(
            _freeze(
                memo=memo,
                kind=attachment.kind,
                fiscal_year=attachment.fiscal_year,
                title=attachment.title,
                options=options,
                record=record,
            )
        )
    if memo.publish_memo:
        published.append(
            _freeze(
                memo=memo,
                kind="memo",
                fiscal_year=memo.fiscal_year,
                title=f"บันทึกข้อความ ที่ {memo.number} เรื่อง {memo.subject}",
                options=DocumentOptions(memo_id=memo.pk),
                record=record,
            )
        )
    return published


@transaction.atomic
def publication_withdraw(*, publication: Publication, user, reason: str) -> Publication:
    if not can(user, publication.organisation, Action.MANAGE):
        raise PermissionDenied("การถอนการเผยแพร่ต้องทำโดยผู้ดูแลหน่วยงาน")
    if not reason.strip():
        raise ValidationError({"reason": "กรุณาระบุเหตุผลที่ถอนการเผยแพร่"})
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.withdrawn_at:
        raise MemoError("เอกสารนี้ถูกถอนการเผยแพร่ไปแล้ว")
    publication.withdrawn_at = timezone.now()
    publication.withdrawn_by = user
    publication.withdraw_reason = reason.strip()
    publication.save()
    bump_public_version()
    return publication


def waiting_for(user):
    """Steps that are current and assigned to `user` (the "waiting for me" list)."""
    if not user.is_authenticated:
        return ApprovalStep.objects.none()
    earlier_pending = ApprovalStep.objects.filter(
        memo=OuterRef("memo"),
        cycle=OuterRef("cycle"),
        order__lt=OuterRef("order"),
        decision=Decision.PENDING,
    )
    return (
        ApprovalStep.objects.filter(
            assignee=user,
            decision=Decision.PENDING,
            memo__status=MemoStatus.IN_REVIEW,
            cycle=F("memo__cycle"),
        )
        .filter(~Exists(earlier_pending))
        .select_related("memo__organisation")
        .order_by("memo__created_at")
    )
