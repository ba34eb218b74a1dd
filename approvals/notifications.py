"""E-mails about memos: a step waits for someone, a memo came back, a memo was approved and
published (or its publication failed).

Sent after the transaction commits (callers use `transaction.on_commit`), so nobody is told of a
decision that was rolled back. Links are built on SITE_URL, never on the request's host.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from ita_portal.thai import dates as thai
from organisations.models import Membership, Role

from .models import ApprovalStep, Decision, Delegation, Memo, PublicationState
from .selectors import current_step, delegates_of

WAITING = "มีบันทึกข้อความรอท่านพิจารณา"


def _mail(user, subject: str, body: str) -> None:
    if not user.email:
        return
    send_mail(
        subject=f"[ITA Portal] {subject}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=True,
    )


def _send(user, subject: str, memo: Memo, text: str) -> None:
    link = settings.SITE_URL + reverse(
        "approvals:memo_detail", args=[memo.organisation.code, memo.pk]
    )
    _mail(
        user,
        subject,
        f"{text}\n\nเรื่อง: {memo.subject}\nหน่วยงาน: {memo.organisation.name}\n\n{link}",
    )


def _tell_deciders(memo: Memo, step: ApprovalStep) -> None:
    """The step's assignee, and whoever stands in for them today under a delegation."""
    _send(step.assignee, WAITING, memo, WAITING)
    assignee = step.assignee.get_full_name() or step.assignee.username
    for delegate in delegates_of(step.assignee, memo.organisation, timezone.localdate()):
        if delegate.pk != memo.author_id:
            _send(delegate, WAITING, memo, f"{WAITING} (ในฐานะผู้ปฏิบัติหน้าที่แทน {assignee})")


def memo_notify_submitted(*, memo: Memo, step: ApprovalStep) -> None:
    """The first signer of a new submission (the step a resubmission resumes at)."""
    if step is not None:
        _tell_deciders(memo, step)


def memo_notify_decision(*, step: ApprovalStep) -> None:
    """After a decision: the author (returned, approved) or the next signer."""
    memo = step.memo
    if step.decision == Decision.RETURNED:
        _send(memo.author, "บันทึกข้อความถูกส่งกลับแก้ไข", memo, f"ความเห็น: {step.comment}")
    else:
        following = current_step(memo)
        if following is not None:
            _tell_deciders(memo, following)


def memo_notify_published(*, memo: Memo) -> None:
    """After the approval's publication run: the author; on failure the org admins too, since
    only they may retry it."""
    if memo.publication_state == PublicationState.PUBLISHED:
        _send(memo.author, "บันทึกข้อความได้รับอนุมัติแล้ว", memo, "เอกสารได้รับการเผยแพร่แล้ว")
        return
    text = (
        "บันทึกข้อความได้รับอนุมัติแล้ว แต่ระบบเผยแพร่เอกสารไม่สำเร็จ "
        f"({memo.publication_error}) ผู้ดูแลหน่วยงานกด “เผยแพร่อีกครั้ง” ได้ที่หน้าบันทึกข้อความ"
    )
    admins = {
        m.user
        for m in Membership.objects.filter(
            organisation=memo.organisation, role=Role.ORG_ADMIN, is_active=True
        ).select_related("user")
    }
    for user in {memo.author, *admins}:
        _send(user, "เผยแพร่เอกสารไม่สำเร็จ", memo, text)


def delegation_notify_started(*, delegation: Delegation) -> None:
    """The delegate, when their delegation is in force (once)."""
    delegator = delegation.delegator.get_full_name() or delegation.delegator.username
    link = settings.SITE_URL + reverse("waiting")
    _mail(
        delegation.delegate,
        f"ท่านได้รับมอบหมายให้{delegation.get_kind_display()} {delegator}",
        f"ท่าน{delegation.get_kind_display()} {delegator} "
        f"ตั้งแต่วันที่ {thai.format_date(delegation.starts_on)} "
        f"ถึงวันที่ {thai.format_date(delegation.ends_on)}\n"
        f"{delegation.order_text}\nหน่วยงาน: {delegation.organisation.name}\n\n"
        f"บันทึกข้อความที่รอท่านพิจารณา (รวมที่พิจารณาแทน): {link}",
    )
