"""Reads of memos and their steps: the pending step, the "waiting for me" list, the record."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from ita_portal.thai import dates as thai

from .models import ApprovalStep, Decision, Memo, MemoStatus


def current_step(memo: Memo) -> ApprovalStep | None:
    if memo.status != MemoStatus.IN_REVIEW:
        return None
    return (
        memo.steps.filter(cycle=memo.cycle, decision=Decision.PENDING)
        .select_related("assignee")
        .order_by("order")
        .first()
    )


def approval_record(memo: Memo) -> list[dict]:
    """Each signer of the memo's latest submission, as the documents print it."""
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


def returned_to(user, organisation):
    """The user's own memos of the organisation that came back for revision (newest first)."""
    if not user.is_authenticated:
        return Memo.objects.none()
    return Memo.objects.filter(
        organisation=organisation, author=user, status=MemoStatus.RETURNED
    ).order_by("-updated_at")
