"""Reads of memos and their steps: the pending step, the "waiting for me" list, the record."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from ita_portal.thai import dates as thai
from organisations.models import Membership, formal_name

from .models import ApprovalStep, Decision, Delegation, Memo, MemoStatus, PublicationState

#: a publication still "กำลังเผยแพร่" after this long lost its worker: the org admin may retry it
PUBLISH_STALL_SECONDS = 15 * 60

DECIDED = [Decision.APPROVED, Decision.ACKNOWLEDGED, Decision.RETURNED]


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
    """Each signer of the memo's latest submission, as the documents print it.

    A step decided under a delegation names both people, the kind of stand-in and the order:
    "นาย ข (acted_by) รักษาราชการแทน (acting) นายก… (position)", "ตามคำสั่ง… ที่ … ลงวันที่ …".
    """
    steps = list(
        memo.steps.filter(cycle=memo.cycle)
        .select_related("assignee", "acted_by", "delegation__organisation")
        .order_by("order")
    )
    people = signing_names(
        memo.organisation_id,
        [s.assignee_id for s in steps] + [s.acted_by_id for s in steps if s.acted_by_id],
    )
    record = []
    for index, s in enumerate(steps):
        name, position = people.get(s.assignee_id, (formal_name(s.assignee), ""))
        acted_name, acted_position = (
            people.get(s.acted_by_id, (formal_name(s.acted_by), "")) if s.acted_by else ("", "")
        )
        # The office's own form of the position (the member's), else the chain's label.
        position = position or s.position_title
        comment = s.comment.strip()
        record.append(
            {
                "position": position,
                "name": name,
                "acted_by": acted_name,
                "acted_by_position": acted_position if s.acted_by else "",
                "acting": s.delegation.get_kind_display() if s.delegation else "",
                "order": s.delegation.order_text if s.delegation else "",
                "decision": s.decision_label,
                # Said once: a comment that only repeats the decision is not printed again.
                "comment": ""
                if comment in {s.decision_label, s.get_decision_display()}
                else comment,
                "date": (
                    thai.format_date(timezone.localtime(s.acted_at).date()) if s.acted_at else ""
                ),
                # seed 003: "ความเห็นของ…" for each step, "การพิจารณาของ…" for the last one
                "heading": ("การพิจารณาของ" if index == len(steps) - 1 else "ความเห็นของ") + position,
            }
        )
    return record


def signing_names(organisation_id: int, user_ids) -> dict[int, tuple[str, str]]:
    """{user id: (name with its คำนำหน้า, position)} as the organisation's members sign."""
    rows = (
        Membership.objects.filter(organisation_id=organisation_id, user_id__in=set(user_ids))
        .select_related("user")
        .only(
            "user_id",
            "name_prefix",
            "position_title",
            "user__first_name",
            "user__last_name",
            "user__username",
        )
    )
    return {m.user_id: (m.formal_name, m.position_title) for m in rows}


def delegation_for(user, organisation, *, assignee_id: int, on) -> Delegation | None:
    """The delegation in force on `on` that lets `user` decide `assignee_id`'s steps."""
    if not user.is_authenticated:
        return None
    return (
        Delegation.objects.in_force(on)
        .filter(organisation=organisation, delegate=user, delegator_id=assignee_id)
        .select_related("organisation")
        .order_by("-starts_on", "-pk")
        .first()
    )


def delegations_of(organisation):
    """The organisation's delegations, newest first, with their people."""
    return Delegation.objects.filter(organisation=organisation).select_related(
        "delegator", "delegate", "created_by", "cancelled_by"
    )


def delegates_of(user, organisation, on) -> list:
    """Who may decide `user`'s steps on `on` (to tell them a step waits)."""
    return [
        d.delegate
        for d in Delegation.objects.in_force(on)
        .filter(organisation=organisation, delegator=user)
        .select_related("delegate")
    ]


def waiting_for(user):
    """Steps that are current and that `user` may decide: assigned to them, or to someone they
    stand in for today under a delegation (annotated `as_delegate`). Memos they wrote, and memos
    where they already decided a step, are left out: nobody decides two steps of one memo."""
    if not user.is_authenticated:
        return ApprovalStep.objects.none()
    today = timezone.localdate()
    earlier_pending = ApprovalStep.objects.filter(
        memo=OuterRef("memo"),
        cycle=OuterRef("cycle"),
        order__lt=OuterRef("order"),
        decision=Decision.PENDING,
    )
    last_decided = (
        ApprovalStep.objects.filter(
            memo=OuterRef("memo"), cycle=OuterRef("cycle"), order__lt=OuterRef("order")
        )
        .order_by("-acted_at")
        .values("acted_at")[:1]
    )
    standing_in = Delegation.objects.in_force(today).filter(
        delegate=user, delegator=OuterRef("assignee"), organisation=OuterRef("memo__organisation")
    )
    decided_by_user = ApprovalStep.objects.filter(
        memo=OuterRef("memo"), cycle=OuterRef("cycle"), decision__in=DECIDED
    ).filter(Q(acted_by=user) | Q(assignee=user, acted_by__isnull=True))
    return (
        ApprovalStep.objects.filter(
            decision=Decision.PENDING,
            memo__status=MemoStatus.IN_REVIEW,
            cycle=F("memo__cycle"),
        )
        .annotate(as_delegate=Exists(standing_in))
        .filter(Q(assignee=user) | Q(as_delegate=True))
        .exclude(memo__author=user)
        .filter(~Exists(earlier_pending), ~Exists(decided_by_user))
        # Waiting since the step before was decided (or since the memo was submitted).
        .annotate(previous_decided_at=Subquery(last_decided))
        .select_related("memo__organisation", "memo__author", "assignee")
        .prefetch_related("memo__attachments")
        .order_by("memo__date", "memo__created_at")
    )


def days_waiting(step: ApprovalStep, today) -> int:
    since = step.previous_decided_at
    start = timezone.localtime(since).date() if since else (step.memo.date or today)
    return max(0, (today - start).days)


def memos_of_author(user, organisation) -> dict[str, list[Memo]]:
    """The author's own memos of the organisation by state, returned ones first on the page:
    {"returned": [...], "in_review": [...], "draft": [...]}; memos in review carry `current`."""
    if not user.is_authenticated:
        return {"returned": [], "in_review": [], "draft": []}
    memos = list(
        Memo.objects.filter(
            organisation=organisation,
            author=user,
            status__in=[MemoStatus.RETURNED, MemoStatus.IN_REVIEW, MemoStatus.DRAFT],
        )
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=ApprovalStep.objects.select_related("assignee").order_by("cycle", "order"),
            )
        )
        .order_by("-updated_at")
    )
    grouped: dict[str, list[Memo]] = {"returned": [], "in_review": [], "draft": []}
    for memo in memos:
        steps = [s for s in memo.steps.all() if s.cycle == memo.cycle]
        memo.current = next((s for s in steps if s.decision == Decision.PENDING), None)
        memo.return_comment = next(
            (s.comment for s in reversed(steps) if s.decision == Decision.RETURNED), ""
        )
        grouped[memo.status].append(memo)
    return grouped


def delegations_in_force(organisation, on) -> list[Delegation]:
    return list(
        Delegation.objects.in_force(on)
        .filter(organisation=organisation)
        .select_related("delegator", "delegate")
        .order_by("ends_on")
    )


def publication_stalled(memo: Memo, now=None) -> bool:
    """Still "กำลังเผยแพร่" long after it was asked for: its worker is gone."""
    if memo.publication_state != PublicationState.PENDING or memo.publication_requested_at is None:
        return False
    waited = (now or timezone.now()) - memo.publication_requested_at
    return waited.total_seconds() > PUBLISH_STALL_SECONDS


def publications_to_retry(organisation, now=None) -> list[Memo]:
    """Approved memos whose publication failed, or stalled: the org admin's to ask again."""
    stalled_before = (now or timezone.now()) - timezone.timedelta(seconds=PUBLISH_STALL_SECONDS)
    return list(
        Memo.objects.filter(organisation=organisation, status=MemoStatus.APPROVED)
        .filter(
            Q(publication_state=PublicationState.FAILED)
            | Q(
                publication_state=PublicationState.PENDING,
                publication_requested_at__lt=stalled_before,
            )
        )
        .order_by("publication_requested_at")
    )


def memo_counts(organisation) -> list[tuple[str, str, int]]:
    """(status, Thai label, count) of the organisation's memos, every status listed."""
    counts = dict(
        Memo.objects.filter(organisation=organisation)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [(status.value, status.label, counts.get(status.value, 0)) for status in MemoStatus]


def steps_pending():
    """Every step whose turn it is, in every organisation, with `previous_decided_at` (what
    `days_waiting` reads): the daily reminders of steps waiting long."""
    earlier_pending = ApprovalStep.objects.filter(
        memo=OuterRef("memo"),
        cycle=OuterRef("cycle"),
        order__lt=OuterRef("order"),
        decision=Decision.PENDING,
    )
    last_decided = (
        ApprovalStep.objects.filter(
            memo=OuterRef("memo"), cycle=OuterRef("cycle"), order__lt=OuterRef("order")
        )
        .order_by("-acted_at")
        .values("acted_at")[:1]
    )
    return (
        ApprovalStep.objects.filter(
            decision=Decision.PENDING,
            memo__status=MemoStatus.IN_REVIEW,
            memo__organisation__is_active=True,
            cycle=F("memo__cycle"),
        )
        .filter(~Exists(earlier_pending))
        .annotate(previous_decided_at=Subquery(last_decided))
        .select_related("memo__organisation", "memo__author", "assignee")
        .order_by("memo__date", "pk")
    )
