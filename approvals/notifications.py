"""E-mails about memos: a step waits for someone, a memo came back, a memo was approved.

Sent after the transaction commits (callers use `transaction.on_commit`), so nobody is told of a
decision that was rolled back. Links are built on SITE_URL, never on the request's host.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from .models import ApprovalStep, Decision, Memo, MemoStatus
from .selectors import current_step

WAITING = "มีบันทึกข้อความรอท่านพิจารณา"


def _send(user, subject: str, memo: Memo, text: str) -> None:
    if not user.email:
        return
    link = settings.SITE_URL + reverse(
        "approvals:memo_detail", args=[memo.organisation.code, memo.pk]
    )
    send_mail(
        subject=f"[ITA Portal] {subject}",
        message=f"{text}\n\nเรื่อง: {memo.subject}\nหน่วยงาน: {memo.organisation.name}\n\n{link}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=True,
    )


def memo_notify_submitted(*, memo: Memo, step: ApprovalStep) -> None:
    """The first signer of a new submission."""
    _send(step.assignee, WAITING, memo, WAITING)


def memo_notify_decision(*, step: ApprovalStep) -> None:
    """After a decision: the author (returned, approved) or the next signer."""
    memo = step.memo
    if step.decision == Decision.RETURNED:
        _send(memo.author, "บันทึกข้อความถูกส่งกลับแก้ไข", memo, f"ความเห็น: {step.comment}")
    elif memo.status == MemoStatus.APPROVED:
        _send(memo.author, "บันทึกข้อความได้รับอนุมัติแล้ว", memo, "เอกสารได้รับการเผยแพร่แล้ว")
    else:
        following = current_step(memo)
        if following is not None:
            _send(following.assignee, WAITING, memo, WAITING)
