"""Notices about memos: a step waits for someone, a memo came back, a memo was approved and
published (or its publication failed), a delegation came into force.

Each goes through `notify.services.notify_user`, which sends it by e-mail and on LINE as the
user chose and logs it. A notice carries a title, the organisation and a link, never the memo's
subject or a comment (PDPA): the reader signs in to see them. Sent after the transaction commits
(callers use `transaction.on_commit`), so nobody is told of a decision that was rolled back.
Links are built on SITE_URL, never on the request's host.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ita_portal.thai import dates as thai
from notify.messages import title_for
from notify.models import Event
from notify.services import notify_user
from organisations.models import Membership, Role

from .models import ApprovalStep, Decision, Delegation, Memo, PublicationState
from .selectors import current_step, delegates_of


def memo_link(memo: Memo) -> str:
    return settings.SITE_URL + reverse(
        "approvals:memo_detail", args=[memo.organisation.code, memo.pk]
    )


def _send(user, event: str, memo: Memo, dedupe_key: str, **values) -> None:
    notify_user(
        user=user,
        event=event,
        title=title_for(event, **values),
        organisation_name=memo.organisation.name,
        organisation_id=memo.organisation_id,
        link=memo_link(memo),
        dedupe_key=dedupe_key,
    )


def acting_text(assignee) -> str:
    return f" (ในฐานะผู้ปฏิบัติหน้าที่แทน {assignee.get_full_name() or assignee.username})"


def step_deciders(memo: Memo, step: ApprovalStep, on) -> list[tuple[object, str]]:
    """(user, acting text) of who may decide `step` on `on`: the assignee, and whoever stands in
    for them under a delegation in force (never the memo's author)."""
    deciders = [(step.assignee, "")]
    for delegate in delegates_of(step.assignee, memo.organisation, on):
        if delegate.pk != memo.author_id:
            deciders.append((delegate, acting_text(step.assignee)))
    return deciders


def _tell_deciders(memo: Memo, step: ApprovalStep) -> None:
    """The step's assignee, and whoever stands in for them today under a delegation."""
    for user, acting in step_deciders(memo, step, timezone.localdate()):
        _send(user, Event.MEMO_WAITING, memo, f"memo-waiting:{step.pk}", acting=acting)


def memo_notify_submitted(*, memo: Memo, step: ApprovalStep) -> None:
    """The first signer of a new submission (the step a resubmission resumes at)."""
    if step is not None:
        _tell_deciders(memo, step)


def memo_notify_decision(*, step: ApprovalStep) -> None:
    """After a decision: the author (returned) or the next signer."""
    memo = step.memo
    if step.decision == Decision.RETURNED:
        _send(memo.author, Event.MEMO_RETURNED, memo, f"memo-returned:{step.pk}")
    else:
        following = current_step(memo)
        if following is not None:
            _tell_deciders(memo, following)


def memo_notify_published(*, memo: Memo) -> None:
    """After the approval's publication run: the author; on failure the org admins too, since
    only they may retry it."""
    if memo.publication_state == PublicationState.PUBLISHED:
        _send(memo.author, Event.MEMO_PUBLISHED, memo, f"memo-published:{memo.pk}")
        return
    # Each request to publish that fails is told once (a retry that fails again is news).
    requested = memo.publication_requested_at
    key = f"memo-publication-failed:{memo.pk}:{requested.timestamp() if requested else 0:.0f}"
    admins = {
        m.user
        for m in Membership.objects.filter(
            organisation=memo.organisation, role=Role.ORG_ADMIN, is_active=True
        ).select_related("user")
    }
    for user in {memo.author, *admins}:
        _send(user, Event.MEMO_PUBLICATION_FAILED, memo, key)


def delegation_notify_started(*, delegation: Delegation) -> None:
    """The delegate, when their delegation is in force (once)."""
    delegator = delegation.delegator.get_full_name() or delegation.delegator.username
    notify_user(
        user=delegation.delegate,
        event=Event.DELEGATION_STARTED,
        title=title_for(
            Event.DELEGATION_STARTED,
            kind=delegation.get_kind_display(),
            delegator=delegator,
            starts=thai.format_date(delegation.starts_on),
            ends=thai.format_date(delegation.ends_on),
            order=f"คำสั่งที่ {delegation.order_number}",
        ),
        organisation_name=delegation.organisation.name,
        organisation_id=delegation.organisation_id,
        link=settings.SITE_URL + reverse("waiting"),
        dedupe_key=f"delegation-started:{delegation.pk}",
    )
