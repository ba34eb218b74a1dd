"""Memos up the sign-off chain: document numbers, chain templates, drafting, submitting, deciding.

Every transition locks the memo row first and checks the state inside the transaction, so two
clicks at once (or a stale page) give exactly one transition.

A final approval records the decision and returns at once: the memo is "กำลังเผยแพร่" and a task
(`approvals.publish_memo`, on the queue; inline in the embedded default) publishes its
attachments through `publication` (which knows every kind that can be attached). The files are
stored and checksummed before the rows that make the public URLs live are committed, so nothing
is public half-written; a failed run is retried, then shown with its Thai error and a retry
button. The decision is never lost to a failed render.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from documents.errors import DocumentError
from documents.registry import KINDS
from ita_portal.thai import dates as thai
from organisations.access import Action, check, may_decide_step
from organisations.models import Organisation, Unit
from publication.models import Publication
from publication.registry import Attachment
from publication.services import PublicationError, attachment_validate, attachments_publish

from .models import (
    ApprovalStep,
    ChainTemplate,
    ChainTemplateStep,
    Decision,
    Delegation,
    DelegationKind,
    DocumentNumber,
    Memo,
    MemoAttachment,
    MemoStatus,
    PublicationState,
    ResubmitMode,
)
from .notifications import (
    delegation_notify_started,
    memo_notify_decision,
    memo_notify_published,
    memo_notify_submitted,
)
from .selectors import (
    DECIDED,
    PUBLISH_STALL_SECONDS,  # noqa: F401 (part of this module's interface)
    approval_record,
    current_step,
    delegation_for,
    publication_stalled,
)

logger = logging.getLogger(__name__)


class MemoError(Exception):
    """A refused transition, with a Thai message for the user."""


class PublicationFailed(MemoError):
    """A publication run could not produce its files; nothing of it was kept. `retryable` is
    False when another run would fail the same way (a document the data cannot make yet, a
    render over its time limit): the run is then not repeated, the error is shown at once."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


#: runs of one publication request before it is shown as failed (the first and two retries)
PUBLISH_ATTEMPTS = 3


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
    user,
    name: str,
    steps: Sequence[tuple[str, Any]],
    is_default: bool = True,
    resubmit: str = ResubmitMode.RESUME,
    template: ChainTemplate | None = None,
) -> ChainTemplate:
    """Create or replace a chain template: steps are (position title, user) in order.

    With `template`, that chain is changed (and may be renamed); otherwise the chain of that
    name is replaced, or a new one made."""
    check(user, organisation, Action.MANAGE, "ลำดับการเสนอกำหนดได้โดยผู้ดูแลหน่วยงาน")
    errors = []
    if not name.strip():
        errors.append("กรุณาระบุชื่อลำดับการเสนอ")
    if not steps:
        errors.append("ลำดับการเสนอต้องมีอย่างน้อย 1 ขั้น")
    members = {
        m.user_id: m for m in organisation.memberships.filter(is_active=True).select_related("user")
    }
    seen_holders: dict[int, int] = {}
    for number, (title, holder) in enumerate(steps, start=1):
        if not title.strip():
            errors.append(f"ขั้นที่ {number}: กรุณาระบุตำแหน่ง")
        if holder is not None and holder.pk in seen_holders:
            errors.append(
                f"ขั้นที่ {number}: ผู้ดำรงตำแหน่งซ้ำกับขั้นที่ {seen_holders[holder.pk]} "
                "(ผู้หนึ่งพิจารณาบันทึกข้อความได้ขั้นเดียว)"
            )
        elif holder is not None:
            seen_holders[holder.pk] = number
        if holder is None or holder.pk not in members:
            errors.append(f"ขั้นที่ {number}: ผู้ดำรงตำแหน่งต้องเป็นสมาชิกของหน่วยงาน")
    if resubmit not in ResubmitMode.values:
        errors.append("กรุณาเลือกว่าการเสนอใหม่หลังส่งกลับแก้ไขจะเริ่มที่ขั้นใด")
    if template is not None and template.organisation_id != organisation.pk:
        errors.append("ลำดับการเสนอนี้ไม่ใช่ของหน่วยงาน")
    elif (
        template is not None
        and organisation.chain_templates.filter(name=name.strip()).exclude(pk=template.pk).exists()
    ):
        errors.append(f"มีลำดับการเสนอชื่อ “{name.strip()}” อยู่แล้ว")
    if errors:
        raise ValidationError(errors)
    if template is not None:
        template.name, template.is_default, template.resubmit = name.strip(), is_default, resubmit
        template.save()
    else:
        template, _ = ChainTemplate.objects.update_or_create(
            organisation=organisation,
            name=name.strip(),
            defaults={"is_default": is_default, "resubmit": resubmit},
        )
    if is_default:  # the others stop being the default (this one's flag is not touched twice)
        for other in organisation.chain_templates.filter(is_default=True).exclude(pk=template.pk):
            other.is_default = False
            other.save(update_fields=["is_default"])
    # Steps are changed in place, so the audit trail shows what changed, not a delete-and-add.
    existing = {step.order: step for step in template.steps.all()}
    for order, (title, holder) in enumerate(steps, start=1):
        step = existing.pop(order, None)
        if step is None:
            ChainTemplateStep.objects.create(
                template=template, order=order, position_title=title.strip(), user=holder
            )
        elif (step.position_title, step.user_id) != (title.strip(), holder.pk):
            step.position_title, step.user = title.strip(), holder
            step.save()
    for step in existing.values():
        step.delete()
    return template


@transaction.atomic
def chain_template_delete(*, template: ChainTemplate, user) -> None:
    """Remove a chain. Memos already submitted keep their copied steps; a memo returned on it
    starts again from the first step of whichever chain it is resubmitted on."""
    check(user, template.organisation, Action.MANAGE, "ลำดับการเสนอกำหนดได้โดยผู้ดูแลหน่วยงาน")
    template = ChainTemplate.objects.select_for_update().get(pk=template.pk)
    was_default = template.is_default
    organisation = template.organisation
    template.delete()
    if was_default:
        # Another chain (the first by name) becomes the default, so submitting stays one click.
        following = organisation.chain_templates.order_by("name").first()
        if following is not None:
            following.is_default = True
            following.save(update_fields=["is_default"])


# ---------------------------------------------------------------- delegations


@transaction.atomic
def delegation_create(
    *,
    organisation: Organisation,
    user,
    delegator,
    delegate,
    kind: str,
    starts_on,
    ends_on,
    order_number: str,
    order_date,
) -> Delegation:
    """Record that `delegate` stands in for `delegator` between two dates, under an order."""
    check(user, organisation, Action.MANAGE, "การมอบหมายให้ปฏิบัติหน้าที่แทนบันทึกได้โดยผู้ดูแลหน่วยงาน")
    errors: dict[str, str] = {}
    members = set(organisation.memberships.filter(is_active=True).values_list("user_id", flat=True))
    if delegator is None or delegator.pk not in members:
        errors["delegator"] = "ผู้ดำรงตำแหน่งต้องเป็นสมาชิกของหน่วยงาน"
    if delegate is None or delegate.pk not in members:
        errors["delegate"] = "ผู้ปฏิบัติหน้าที่แทนต้องเป็นสมาชิกของหน่วยงาน"
    elif delegator is not None and delegate.pk == delegator.pk:
        errors["delegate"] = "ผู้ปฏิบัติหน้าที่แทนต้องเป็นคนละคนกับผู้ดำรงตำแหน่ง"
    if kind not in DelegationKind.values:
        errors["kind"] = "กรุณาเลือกลักษณะการแทน (รักษาราชการแทน หรือ ปฏิบัติราชการแทน)"
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น"
    if not (order_number or "").strip():
        errors["order_number"] = "กรุณาระบุเลขที่คำสั่ง"
    if order_date and starts_on and order_date > ends_on:
        errors["order_date"] = "คำสั่งต้องลงวันที่ไม่หลังวันสิ้นสุดการมอบหมาย"
    if not errors:
        # One stand-in per person at a time: the order being replaced is cancelled first.
        # (A no-op UPDATE takes the organisation row's write lock: two org admins adding at once
        # are serialised, and the second sees the first's order.)
        Organisation.objects.filter(pk=organisation.pk).update(code=F("code"))
        clash = (
            Delegation.objects.filter(
                organisation=organisation,
                delegator=delegator,
                cancelled_at__isnull=True,
                starts_on__lte=ends_on,
                ends_on__gte=starts_on,
            )
            .select_related("delegate")
            .first()
        )
        if clash is not None:
            errors["starts_on"] = (
                f"ช่วงวันที่ซ้อนกับคำสั่งที่ {clash.order_number} "
                f"({clash.delegate.get_full_name() or clash.delegate.username} "
                f"{clash.get_kind_display()} ตั้งแต่ {thai.format_date(clash.starts_on)} "
                f"ถึง {thai.format_date(clash.ends_on)}) กรุณายกเลิกคำสั่งเดิมก่อน"
            )
    if errors:
        raise ValidationError(errors)
    delegation = Delegation.objects.create(
        organisation=organisation,
        delegator=delegator,
        delegate=delegate,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        order_number=order_number.strip(),
        order_date=order_date,
        created_by=user,
    )
    if starts_on <= timezone.localdate() <= ends_on:
        transaction.on_commit(lambda: delegations_notify_started(pk=delegation.pk))
    return delegation


@transaction.atomic
def delegation_cancel(*, delegation: Delegation, user) -> Delegation:
    """End a delegation now; steps it already decided keep it on their record."""
    check(
        user, delegation.organisation, Action.MANAGE, "การมอบหมายให้ปฏิบัติหน้าที่แทนยกเลิกได้โดยผู้ดูแลหน่วยงาน"
    )
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.cancelled_at:
        raise MemoError("การมอบหมายนี้ถูกยกเลิกไปแล้ว")
    delegation.cancelled_at = timezone.now()
    delegation.cancelled_by = user
    delegation.save()
    return delegation


def delegations_notify_started(*, pk: int | None = None, today=None) -> int:
    """Tell each delegate, once, that their delegation is in force (the daily job and a new
    delegation starting today call this). Returns how many were told."""
    today = today or timezone.localdate()
    told = 0
    due = Delegation.objects.in_force(today).filter(notified_at__isnull=True)
    if pk is not None:
        due = due.filter(pk=pk)
    for delegation_pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Claim the row first: a concurrent run (or a re-run) sends nothing twice.
            claimed = Delegation.objects.filter(pk=delegation_pk, notified_at__isnull=True).update(
                notified_at=timezone.now()
            )
            if not claimed:
                continue
            delegation = Delegation.objects.select_related(
                "organisation", "delegator", "delegate"
            ).get(pk=delegation_pk)
            transaction.on_commit(lambda d=delegation: delegation_notify_started(delegation=d))
            told += 1
    return told


# ---------------------------------------------------------------- memos


def memo_draft_texts(
    *,
    organisation: Organisation,
    fiscal_year: int,
    kind: str = "",
    round_name: str = "",
    title: str = "",
    round_ends: date | None = None,
) -> dict:
    """Texts pre-filled from the attached report, as in seeds 002 and 003 (staff edit them).

    The subject names the document: `title` if given (an app's own attachments), else the
    registered kind's title with the round and the year. `round_ends`: the round is not over,
    so the facts say the report covers what is done so far, not that the round is complete.
    """
    year = fiscal_year
    org = organisation.name
    round_text = f" {round_name}" if round_name else ""
    if title:
        subject = title
    elif kind in KINDS:
        subject = f"{KINDS[kind].title}{round_text} ประจำปีงบประมาณ พ.ศ. {year}"
    else:
        subject = "เอกสาร"
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
        "facts": (
            f"{org} ได้จัดทำ{subject} แสดงผลการดำเนินการถึงวันที่ "
            f"{thai.format_date(timezone.localdate())} (รอบนี้สิ้นสุดวันที่ "
            f"{thai.format_date(round_ends)}) รายละเอียดตามเอกสารที่แนบ"
            if round_ends
            else f"{org} ได้จัดทำ{subject} เป็นที่เรียบร้อยแล้ว รายละเอียดตามเอกสารที่แนบ"
        ),
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
    check(user, organisation, Action.EDIT)
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
        attachment_validate(
            organisation=organisation,
            kind=attachment["kind"],
            options=attachment.get("options", {}),
            fiscal_year=attachment.get("fiscal_year", fiscal_year),
        )
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
    check(user, memo.organisation, Action.EDIT)
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


@transaction.atomic
def memo_submit(*, memo: Memo, user, template: ChainTemplate) -> Memo:
    """Number the memo (once), copy the chain, and send it to the first signer."""
    check(user, memo.organisation, Action.EDIT)
    memo = _lock(memo.pk)
    if memo.status not in (MemoStatus.DRAFT, MemoStatus.RETURNED):
        raise MemoError("บันทึกนี้เสนอไปแล้ว")
    if template.organisation_id != memo.organisation_id:
        raise MemoError("ลำดับการเสนอต้องเป็นของหน่วยงานเดียวกัน")
    if not memo.attachments.exists():
        raise MemoError("บันทึกนี้ไม่มีเอกสารแนบแล้ว (หลักฐานถูกลบ) จึงเสนอไม่ได้")
    # The author submits; the author is not a step (their name is on the memo as ผู้เสนอ).
    steps = [
        s
        for s in template.steps.select_related("user").order_by("order")
        if s.user_id != memo.author_id
    ]
    if not steps:
        raise MemoError("ลำดับการเสนอต้องมีผู้ลงนามอื่นนอกจากผู้เสนอบันทึกข้อความ")
    holders = [s.user_id for s in steps]
    if len(set(holders)) != len(holders):
        raise MemoError(
            "ลำดับการเสนอนี้มีผู้ลงนามคนเดียวกันมากกว่าหนึ่งขั้น ผู้หนึ่งพิจารณาได้ขั้นเดียว "
            "(ผู้ดูแลหน่วยงานแก้ไขได้ที่เมนู “ลำดับการเสนอ”)"
        )
    carried = _carried_decisions(memo, template, steps)
    if not memo.number:
        # One register per organisation and fiscal year of issue (today's): the number carries
        # the organisation's prefix only, so per-unit sequences would issue one number twice,
        # and a register per documents' year would give a 2568 report and a 2570 plan sent on
        # the same day the same number.
        register_year = thai.fiscal_year_of(timezone.localdate())
        sequence = document_number_next(
            organisation=memo.organisation, unit=None, fiscal_year=register_year
        )
        memo.number = f"{memo.organisation.document_prefix}{sequence}"
        memo.number_year = register_year
    memo.date = timezone.localdate()
    memo.cycle += 1
    memo.status = MemoStatus.IN_REVIEW
    memo.chain_template = template
    memo.save()
    for index, step in enumerate(steps):
        kept = carried.get(step.order)
        ApprovalStep.objects.create(
            memo=memo,
            cycle=memo.cycle,
            order=step.order,
            is_final=index == len(steps) - 1,
            position_title=step.position_title,
            assignee=step.user,
            **(
                {
                    "decision": kept.decision,
                    "comment": kept.comment,
                    "acted_at": kept.acted_at,
                    "acted_by": kept.acted_by,
                    "delegation": kept.delegation,
                    "carried": True,
                }
                if kept
                else {}
            ),
        )
    first = current_step(memo)
    transaction.on_commit(lambda: memo_notify_submitted(memo=memo, step=first))
    return memo


def _carried_decisions(memo: Memo, template: ChainTemplate, steps) -> dict[int, ApprovalStep]:
    """Decisions a resubmission keeps: {order: earlier step}.

    On a chain that resumes, a memo returned and resubmitted on the same chain keeps the
    decisions of the steps before the one that returned it, as long as those steps still name
    the same people in the same order; otherwise (or on a restarting chain) nothing is kept.
    The earlier cycle stays in the record either way.
    """
    if (
        memo.status != MemoStatus.RETURNED
        or template.resubmit != ResubmitMode.RESUME
        or memo.chain_template_id != template.pk
    ):
        return {}
    earlier = list(memo.steps.filter(cycle=memo.cycle).order_by("order"))
    returned = next((s for s in earlier if s.decision == Decision.RETURNED), None)
    if returned is None:
        return {}
    now_by_order = {s.order: s.user_id for s in steps}
    kept = {}
    for step in earlier:
        if step.order >= returned.order:
            break
        if step.decision not in DECIDED or now_by_order.get(step.order) != step.assignee_id:
            return {}
        kept[step.order] = step
    return kept


def decision_basis(user, memo: Memo, step: ApprovalStep, today=None):
    """(refusal, delegation): why `user` may not decide `step` (Thai; "" when they may), and
    the delegation they would decide under (None when they are the assignee).

    Separation of duties: nobody decides a step of a memo they wrote, nobody decides two steps
    of one memo (as the assignee or standing in), and only a delegation in force today lets
    someone decide another person's step.
    """
    today = today or timezone.localdate()
    if user.pk == memo.author_id:
        return "ผู้เสนอบันทึกข้อความพิจารณาบันทึกของตนเองไม่ได้", None
    cycle = list(memo.steps.filter(cycle=memo.cycle).order_by("order"))
    decided = [
        s for s in cycle if s.decision in DECIDED and (s.acted_by_id or s.assignee_id) == user.pk
    ]
    if decided:
        return (
            f"ท่านพิจารณาบันทึกนี้ไปแล้วในขั้นที่ {decided[0].order} ({decided[0].position_title}) "
            "ผู้หนึ่งพิจารณาได้ขั้นเดียว"
        ), None
    if user.pk == step.assignee_id:
        if not may_decide_step(user, memo.organisation, assignee_id=step.assignee_id):
            return "ท่านไม่ได้เป็นสมาชิกของหน่วยงานนี้แล้ว จึงพิจารณาไม่ได้", None
        return "", None
    assignee_name = step.assignee.get_full_name() or step.assignee.username
    delegation = delegation_for(user, memo.organisation, assignee_id=step.assignee_id, on=today)
    if delegation is None:
        if Delegation.objects.filter(
            organisation=memo.organisation, delegate=user, delegator_id=step.assignee_id
        ).exists():
            return (
                f"วันนี้ไม่อยู่ในช่วงคำสั่งที่ให้ท่านปฏิบัติหน้าที่แทน {assignee_name} "
                "(หรือคำสั่งถูกยกเลิกแล้ว) จึงพิจารณาขั้นนี้ไม่ได้"
            ), None
        return (
            f"ขั้นนี้เป็นของ {assignee_name} ท่านพิจารณาแทนได้เฉพาะเมื่อมีคำสั่งให้ปฏิบัติหน้าที่แทน"
            "ที่มีผลในวันนี้ (ผู้ดูแลหน่วยงานบันทึกได้ที่เมนู “การปฏิบัติหน้าที่แทน”)"
        ), None
    own = [s for s in cycle if s.assignee_id == user.pk and s.pk != step.pk]
    if own:
        return (
            f"ท่านเป็นผู้ลงนามในขั้นที่ {own[0].order} ({own[0].position_title}) ของบันทึกนี้ "
            "จึงพิจารณาแทนผู้อื่นในบันทึกเดียวกันไม่ได้ (ผู้หนึ่งพิจารณาได้ขั้นเดียว)"
        ), None
    if not may_decide_step(user, memo.organisation, assignee_id=step.assignee_id, delegated=True):
        return "ท่านไม่ได้เป็นสมาชิกของหน่วยงานนี้แล้ว จึงพิจารณาไม่ได้", None
    return "", delegation


def decision_refusal(user, memo: Memo, step: ApprovalStep) -> str:
    """Why `user` may not decide `step` of `memo` (Thai), or "" when they may."""
    return decision_basis(user, memo, step)[0]


@transaction.atomic
def memo_step_act(
    *, memo: Memo, step_id: int, user, decision: str, comment: str = ""
) -> ApprovalStep:
    """Decide the pending step, then (once committed) tell the next person, or on the final
    approval queue the publication. Rendering never runs here: the decision returns at once."""
    step = memo_step_decide(
        memo=memo, step_id=step_id, user=user, decision=decision, comment=comment
    )
    if step.memo.status == MemoStatus.APPROVED:
        transaction.on_commit(lambda: memo_publication_enqueue(step.memo.pk))
    else:
        transaction.on_commit(lambda: memo_notify_decision(step=step))
    return step


@transaction.atomic
def memo_step_decide(
    *, memo: Memo, step_id: int, user, decision: str, comment: str = ""
) -> ApprovalStep:
    """Record `user`'s decision on the memo's pending step and move the memo on."""
    memo = _lock(memo.pk)
    if memo.status != MemoStatus.IN_REVIEW:
        raise MemoError("บันทึกนี้ไม่ได้อยู่ระหว่างเสนอ (อาจมีผู้พิจารณาไปแล้ว)")
    step = current_step(memo)
    if step is None or step.pk != step_id:
        raise MemoError("ขั้นนี้ไม่ใช่ขั้นที่รอพิจารณาอยู่ (อาจมีผู้พิจารณาไปแล้ว)")
    step.memo = memo
    refusal, delegation = decision_basis(user, memo, step)
    if refusal:
        raise PermissionDenied(refusal)
    if decision not in (Decision.APPROVED, Decision.ACKNOWLEDGED, Decision.RETURNED):
        raise MemoError("ผลการพิจารณาไม่ถูกต้อง")
    if decision == Decision.RETURNED and not comment.strip():
        raise ValidationError({"comment": "กรุณาระบุเหตุผลที่ส่งกลับแก้ไข"})
    if decision == Decision.ACKNOWLEDGED and step.is_final:
        raise MemoError("ขั้นสุดท้ายต้องอนุมัติหรือส่งกลับแก้ไข")
    step.decision = decision
    step.comment = comment.strip()
    step.acted_at = timezone.now()
    step.acted_by = user if delegation is not None else None
    step.delegation = delegation
    step.save()
    if decision == Decision.RETURNED:
        memo.status = MemoStatus.RETURNED
        memo.save()
    elif step.is_final:
        memo.status = MemoStatus.APPROVED
        memo.publication_state = PublicationState.PENDING
        memo.publication_requested_at = step.acted_at
        memo.publication_attempts = 0
        memo.publication_error = ""
        memo.save()
    return step


def memo_publish(*, memo: Memo) -> list[Publication]:
    """Freeze every attachment of an approved memo (and the memo itself, if asked).

    Raises PublicationFailed (Thai) when any file cannot be made; the caller's transaction then
    rolls its rows back, and no file is left behind.
    """
    attachments = [
        Attachment(a.kind, a.fiscal_year, a.options, a.title) for a in memo.attachments.all()
    ]
    if memo.publish_memo:
        attachments.append(
            Attachment(
                "memo",
                memo.fiscal_year,
                {"memo_id": memo.pk},
                f"บันทึกข้อความ ที่ {memo.number} เรื่อง {memo.subject}",
            )
        )
    try:
        return attachments_publish(memo=memo, attachments=attachments, record=approval_record(memo))
    except Exception as exc:
        logger.exception("publication of memo %s failed", memo.pk)
        refused = isinstance(exc, (DocumentError, PublicationError))
        if isinstance(exc, SoftTimeLimitExceeded):
            detail, refused = "ใช้เวลาสร้างเอกสารนานเกินกำหนด เอกสารอาจยาวมาก", True
        else:
            detail = str(exc) if refused else ""
        raise PublicationFailed(
            "สร้างไฟล์เอกสารเพื่อเผยแพร่ไม่สำเร็จ" + (f": {detail}" if detail else ""),
            retryable=not refused,
        ) from exc


# ---------------------------------------------------------------- publication runs


def memo_publication_enqueue(memo_pk: int) -> None:
    """Hand the memo's publication to the queue (run inline when no broker is configured)."""
    # Imported here: the tasks module imports this one.
    from .tasks import publish_memo

    publish_memo.delay(memo_pk)


def memo_publication_run(*, memo_pk: int) -> str:
    """One run of a memo's pending publication; returns the state it leaves.

    The attempt is counted first (committed on its own, so a run that dies still counts); then,
    under the memo's row lock, the files are rendered, stored and checksummed and the rows that
    make them public committed together. A run for a memo no longer pending (a second delivery
    of the same task, a retry already done) changes nothing. Raises PublicationFailed.
    """
    Memo.objects.filter(pk=memo_pk, publication_state=PublicationState.PENDING).update(
        publication_attempts=F("publication_attempts") + 1
    )
    with transaction.atomic():
        memo = _lock(memo_pk)
        if memo.status != MemoStatus.APPROVED or memo.publication_state != PublicationState.PENDING:
            return memo.publication_state
        memo_publish(memo=memo)
        memo.publication_state = PublicationState.PUBLISHED
        memo.publication_error = ""
        memo.save(update_fields=["publication_state", "publication_error", "updated_at"])
        transaction.on_commit(lambda: memo_notify_published(memo=memo))
    return memo.publication_state


def memo_publication_failed(*, memo_pk: int, error: str) -> None:
    """Every run of the request failed: show the Thai error, with a retry, and tell the author."""
    with transaction.atomic():
        memo = _lock(memo_pk)
        if memo.publication_state != PublicationState.PENDING:
            return
        memo.publication_state = PublicationState.FAILED
        memo.publication_error = error[: Memo._meta.get_field("publication_error").max_length]
        memo.save(update_fields=["publication_state", "publication_error", "updated_at"])
        transaction.on_commit(lambda: memo_notify_published(memo=memo))


def memo_publication_retry(*, memo: Memo, user) -> Memo:
    """The org admin asks again for a failed (or stalled) publication."""
    check(user, memo.organisation, Action.MANAGE, "การเผยแพร่ใหม่ต้องทำโดยผู้ดูแลหน่วยงาน")
    with transaction.atomic():
        memo = _lock(memo.pk)
        if memo.status != MemoStatus.APPROVED or not (
            memo.publication_state == PublicationState.FAILED or publication_stalled(memo)
        ):
            raise MemoError("บันทึกข้อความนี้ไม่ได้รอเผยแพร่ใหม่ (อาจเผยแพร่แล้วหรือกำลังเผยแพร่)")
        memo.publication_state = PublicationState.PENDING
        memo.publication_requested_at = timezone.now()
        memo.publication_attempts = 0
        memo.publication_error = ""
        memo.save()
        transaction.on_commit(lambda: memo_publication_enqueue(memo.pk))
    return memo
