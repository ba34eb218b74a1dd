"""Stand-ins only through a recorded delegation; resubmission resumes or restarts per chain."""

from datetime import date, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.test import TestCase
from django.utils import timezone

from approvals import selectors as approval_selectors
from approvals import services as memos
from approvals.models import ApprovalStep, Decision, Delegation, Memo, MemoStatus, ResubmitMode
from approvals.tasks import notify_delegations_started
from publication.models import Publication
from tests.factories import MembershipFactory
from tests.memo_helpers import act, new_memo, run_concurrently, setup_chain
from tests.pdftools import norm, pdftotext

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(
        timezone.make_aware(timezone.datetime(2026, 12, 6, 10, 0)), tick=False
    ):
        yield


@pytest.fixture
def chain(org, staff, org_admin, approver):
    return setup_chain(org, staff, org_admin, approver)


@pytest.fixture
def memo(org, staff, chain):
    unit, rounds, *_ = chain
    return new_memo(org, staff, unit, rounds)


@pytest.fixture
def deputy(org):
    return MembershipFactory(
        organisation=org,
        role="approver",
        user__username="deputy",
        user__first_name="สมศักดิ์",
        user__last_name="รองนายก",
    ).user


def delegate(org, org_admin, delegator, delegate, **overrides):
    values = {
        "organisation": org,
        "user": org_admin,
        "delegator": delegator,
        "delegate": delegate,
        "kind": "acting",
        "starts_on": TODAY - timedelta(days=1),
        "ends_on": TODAY + timedelta(days=6),
        "order_number": "45/2569",
        "order_date": TODAY - timedelta(days=2),
    }
    values.update(overrides)
    return memos.delegation_create(**values)


def to_mayor(memo, staff, org_admin, approver, chain):
    memos.memo_submit(memo=memo, user=staff, template=chain[3])
    act(memo, org_admin, Decision.APPROVED)
    act(memo, approver, Decision.APPROVED)
    memo.refresh_from_db()
    return approval_selectors.current_step(memo)


def test_nobody_stands_in_without_a_delegation(
    memo, org, staff, org_admin, approver, chain, deputy
):
    final = to_mayor(memo, staff, org_admin, approver, chain)
    with pytest.raises(PermissionDenied, match="เฉพาะเมื่อมีคำสั่งให้ปฏิบัติหน้าที่แทนที่มีผลในวันนี้"):
        memos.memo_step_act(memo=memo, step_id=final.pk, user=deputy, decision="approved")
    assert not approval_selectors.waiting_for(deputy).exists()
    assert ApprovalStep.objects.get(pk=final.pk).decision == Decision.PENDING


def test_a_delegate_within_the_dates_decides_and_the_record_and_pdf_show_it(
    memo, org, staff, org_admin, approver, chain, deputy, tmp_path
):
    mayor = chain[4]
    delegation = delegate(org, org_admin, mayor, deputy)
    final = to_mayor(memo, staff, org_admin, approver, chain)
    waiting = list(approval_selectors.waiting_for(deputy))
    assert [(s.pk, s.as_delegate) for s in waiting] == [(final.pk, True)]
    with TestCase.captureOnCommitCallbacks(execute=True):  # the publication, once committed
        step = memos.memo_step_act(memo=memo, step_id=final.pk, user=deputy, decision="approved")
    assert (step.acted_by, step.assignee, step.delegation) == (deputy, mayor, delegation)
    memo.refresh_from_db()
    assert memo.status == MemoStatus.APPROVED
    record = Publication.objects.get(kind="measure-results").approval_record[-1]
    assert record["acted_by"] == "สมศักดิ์ รองนายก" and record["acting"] == "รักษาราชการแทน"
    assert "ที่ 45/2569 ลงวันที่ 4 ธันวาคม 2569" in record["order"]
    text = norm(pdftotext(Publication.objects.get(kind="memo").pdf.read(), tmp_path))
    assert "(สมศักดิ์ รองนายก)" in text
    assert "รักษาราชการแทน นายก" in text
    # (the order may wrap onto a second line: compared without spaces)
    assert "ที่45/2569ลงวันที่4ธันวาคม2569" in text.replace(" ", "")


@pytest.mark.parametrize(
    "dates",
    [
        {"starts_on": TODAY + timedelta(days=1), "ends_on": TODAY + timedelta(days=5)},  # not yet
        {"starts_on": TODAY - timedelta(days=9), "ends_on": TODAY - timedelta(days=1)},  # ended
    ],
)
def test_a_delegate_outside_the_dates_is_refused(
    memo, org, staff, org_admin, approver, chain, deputy, dates
):
    delegate(org, org_admin, chain[4], deputy, **dates)
    final = to_mayor(memo, staff, org_admin, approver, chain)
    with pytest.raises(PermissionDenied, match="วันนี้ไม่อยู่ในช่วงคำสั่ง"):
        memos.memo_step_act(memo=memo, step_id=final.pk, user=deputy, decision="approved")
    assert not approval_selectors.waiting_for(deputy).exists()


def test_a_cancelled_delegation_no_longer_counts(
    memo, org, staff, org_admin, approver, chain, deputy
):
    delegation = delegate(org, org_admin, chain[4], deputy)
    with pytest.raises(PermissionDenied):
        memos.delegation_cancel(delegation=delegation, user=staff)
    memos.delegation_cancel(delegation=delegation, user=org_admin)
    with pytest.raises(memos.MemoError, match="ยกเลิกไปแล้ว"):
        memos.delegation_cancel(delegation=delegation, user=org_admin)
    final = to_mayor(memo, staff, org_admin, approver, chain)
    with pytest.raises(PermissionDenied, match="ถูกยกเลิกแล้ว"):
        memos.memo_step_act(memo=memo, step_id=final.pk, user=deputy, decision="approved")


def test_a_delegate_for_someone_else_is_refused(
    memo, org, staff, org_admin, approver, chain, deputy
):
    delegate(org, org_admin, org_admin, deputy)  # stands in for the head of office only
    final = to_mayor(memo, staff, org_admin, approver, chain)
    with pytest.raises(PermissionDenied, match=f"ขั้นนี้เป็นของ {chain[4].get_full_name()}"):
        memos.memo_step_act(memo=memo, step_id=final.pk, user=deputy, decision="approved")


def test_separation_of_duties_holds_for_delegates(memo, org, staff, org_admin, approver, chain):
    """The ปลัด stands in for the นายก, but has decided step 3: step 4 needs someone else."""
    mayor = chain[4]
    delegate(org, org_admin, mayor, approver)
    final = to_mayor(memo, staff, org_admin, approver, chain)
    with pytest.raises(PermissionDenied, match="ท่านพิจารณาบันทึกนี้ไปแล้วในขั้นที่ 3"):
        memos.memo_step_act(memo=memo, step_id=final.pk, user=approver, decision="approved")
    assert not approval_selectors.waiting_for(approver).exists()
    # ...nor may the ปลัด decide the head of office's step 2 on a new memo, being step 3 of it.
    for_head = delegate(org, org_admin, org_admin, approver)
    second = new_memo(org, staff, chain[0], chain[1])
    second = memos.memo_submit(memo=second, user=staff, template=chain[3])
    head = approval_selectors.current_step(second)
    with pytest.raises(PermissionDenied, match="ท่านเป็นผู้ลงนามในขั้นที่ 3"):
        memos.memo_step_act(memo=second, step_id=head.pk, user=approver, decision="approved")
    # ...and the author never decides, delegation or not.
    memos.delegation_cancel(delegation=for_head, user=org_admin)
    delegate(org, org_admin, org_admin, staff, order_number="48/2569")
    with pytest.raises(PermissionDenied, match="พิจารณาบันทึกของตนเองไม่ได้"):
        memos.memo_step_act(memo=second, step_id=head.pk, user=staff, decision="approved")


def test_delegation_is_validated_in_thai(org, staff, org_admin, approver, outsider, deputy):
    with pytest.raises(PermissionDenied, match="ผู้ดูแลหน่วยงาน"):
        delegate(org, staff, approver, deputy)
    with pytest.raises(ValidationError) as exc:
        delegate(
            org,
            org_admin,
            approver,
            approver,
            ends_on=TODAY - timedelta(days=5),
            order_number=" ",
        )
    errors = exc.value.message_dict
    assert errors["delegate"] == ["ผู้ปฏิบัติหน้าที่แทนต้องเป็นคนละคนกับผู้ดำรงตำแหน่ง"]
    assert errors["ends_on"] == ["วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น"]
    assert errors["order_number"] == ["กรุณาระบุเลขที่คำสั่ง"]
    with pytest.raises(ValidationError, match="ต้องเป็นสมาชิกของหน่วยงาน"):
        delegate(org, org_admin, approver, outsider)
    assert not Delegation.objects.exists()


def test_delegations_are_in_the_audit_trail(org, org_admin, approver, deputy):
    from auditlog.context import set_actor

    with set_actor(org_admin):
        delegation = delegate(org, org_admin, approver, deputy)
        memos.delegation_cancel(delegation=delegation, user=org_admin)
    actions = list(
        LogEntry.objects.get_for_object(delegation).order_by("pk").values_list("action", "actor")
    )
    assert actions == [
        (LogEntry.Action.CREATE, org_admin.pk),
        (LogEntry.Action.UPDATE, org_admin.pk),
    ]


def test_the_delegate_is_told_once_when_the_delegation_starts(
    org, org_admin, approver, deputy, django_capture_on_commit_callbacks
):
    deputy.email = "deputy@example.invalid"
    deputy.save()
    with django_capture_on_commit_callbacks(execute=True):
        delegate(org, org_admin, approver, deputy)  # in force today: told now
    assert len(mail.outbox) == 1 and "รักษาราชการแทน" in mail.outbox[0].subject
    assert "45/2569" in mail.outbox[0].body and "/waiting/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        delegate(
            org,
            org_admin,
            approver,
            deputy,
            starts_on=TODAY + timedelta(days=7),
            ends_on=TODAY + timedelta(days=12),
            order_number="46/2569",
        )
    assert len(mail.outbox) == 1  # starts later: the daily job tells them then
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_delegations_started() == 0
    with time_machine.travel(
        timezone.make_aware(timezone.datetime(2026, 12, 13, 8, 0)), tick=False
    ):
        with django_capture_on_commit_callbacks(execute=True):
            assert notify_delegations_started() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert notify_delegations_started() == 0  # a re-run sends nothing twice
    assert len(mail.outbox) == 2 and "46/2569" in mail.outbox[1].body


def test_the_delegate_is_told_a_step_waits(memo, org, staff, org_admin, approver, chain, deputy):
    deputy.email = "deputy@example.invalid"
    deputy.save()
    delegate(org, org_admin, chain[4], deputy)
    mail.outbox.clear()
    memos.memo_submit(memo=memo, user=staff, template=chain[3])
    act(memo, org_admin, Decision.APPROVED)
    act(memo, approver, Decision.APPROVED)  # the notices run as the decision commits
    to_deputy = [m for m in mail.outbox if m.to == ["deputy@example.invalid"]]
    assert (
        len(to_deputy) == 1
        and f"ในฐานะผู้ปฏิบัติหน้าที่แทน {chain[4].get_full_name()}" in to_deputy[0].body
    )


# ---------------------------------------------------------------- resubmission


def test_resubmission_resumes_at_the_returning_step_by_default(
    memo, staff, org_admin, approver, chain
):
    template = chain[3]
    assert template.resubmit == ResubmitMode.RESUME
    memos.memo_submit(memo=memo, user=staff, template=template)
    act(memo, org_admin, Decision.APPROVED, "เห็นควรเสนอ")
    act(memo, approver, Decision.RETURNED, "แก้ไขข้อเท็จจริง")
    first_decision = memo.steps.get(cycle=1, order=2)
    memos.memo_submit(memo=memo, user=staff, template=template)
    memo.refresh_from_db()
    kept = memo.steps.get(cycle=2, order=2)
    assert (kept.decision, kept.comment, kept.acted_at, kept.carried) == (
        Decision.APPROVED,
        "เห็นควรเสนอ",
        first_decision.acted_at,
        True,
    )
    assert approval_selectors.current_step(memo).order == 3  # the ปลัด who returned it
    # Every cycle's decisions stay in the record.
    assert memo.steps.filter(cycle=1).count() == 3
    assert memo.steps.get(cycle=1, order=3).decision == Decision.RETURNED
    # The head of office may not decide again: their kept decision counts as theirs.
    assert not approval_selectors.waiting_for(org_admin).exists()
    act(memo, approver, Decision.APPROVED)
    act(memo, chain[4], Decision.APPROVED)
    record = Publication.objects.get(kind="measure-results").approval_record
    assert [r["decision"] for r in record] == ["เห็นชอบ", "เห็นชอบ", "อนุมัติ"]


def test_a_restarting_chain_starts_again_at_the_first_step(
    memo, org, staff, org_admin, approver, chain
):
    template = chain[3]
    template.resubmit = ResubmitMode.RESTART
    template.save()
    memos.memo_submit(memo=memo, user=staff, template=template)
    act(memo, org_admin, Decision.APPROVED)
    act(memo, approver, Decision.RETURNED, "แก้ไข")
    memos.memo_submit(memo=memo, user=staff, template=template)
    memo.refresh_from_db()
    assert set(memo.steps.filter(cycle=2).values_list("decision", flat=True)) == {"pending"}
    assert approval_selectors.current_step(memo).order == 2


def test_a_changed_chain_restarts_even_when_resuming(memo, org, staff, org_admin, approver, chain):
    template, mayor = chain[3], chain[4]
    memos.memo_submit(memo=memo, user=staff, template=template)
    act(memo, org_admin, Decision.APPROVED)
    act(memo, approver, Decision.RETURNED, "แก้ไข")
    # The head of office's step now has another holder: the kept decision would not be theirs.
    new_head = MembershipFactory(organisation=org, role="approver").user
    memos.chain_template_save(
        organisation=org,
        user=org_admin,
        name=template.name,
        steps=[("ผู้รายงาน", staff), ("หัวหน้าสำนักปลัด", new_head), ("ปลัด", approver), ("นายก", mayor)],
    )
    memos.memo_submit(memo=memo, user=staff, template=template)
    memo.refresh_from_db()
    assert approval_selectors.current_step(memo).assignee == new_head
    assert not memo.steps.filter(cycle=2, carried=True).exists()


def test_chain_template_delete_keeps_submitted_memos(memo, org, staff, org_admin, approver, chain):
    template = chain[3]
    other = memos.chain_template_save(
        organisation=org, user=org_admin, name="สั้น", steps=[("ปลัด", approver)], is_default=False
    )
    memos.memo_submit(memo=memo, user=staff, template=template)
    with pytest.raises(PermissionDenied):
        memos.chain_template_delete(template=template, user=staff)
    memos.chain_template_delete(template=template, user=org_admin)
    memo.refresh_from_db()
    assert memo.chain_template is None and memo.steps.count() == 3
    other.refresh_from_db()
    assert other.is_default  # the remaining chain becomes the default
    act(memo, org_admin, Decision.APPROVED)  # the copied steps still run


# ---------------------------------------------------------------- races


@pytest.mark.django_db(transaction=True)
def test_the_assignee_and_their_delegate_racing_give_one_decision(org, staff, org_admin, approver):
    unit, rounds, _, template, mayor = setup_chain(org, staff, org_admin, approver)
    deputy = MembershipFactory(organisation=org, role="approver").user
    delegate(org, org_admin, org_admin, deputy)
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)
    step_id = memo.steps.get(order=2).pk
    users = iter([org_admin, deputy])
    chosen = [next(users), next(users)]
    results = run_concurrently(
        lambda: memos.memo_step_act(
            memo=Memo.objects.get(pk=memo.pk),
            step_id=step_id,
            user=chosen.pop(),
            decision=Decision.APPROVED,
        )
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, memos.MemoError | OperationalError), error
    assert ApprovalStep.objects.filter(memo=memo, decision=Decision.APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_person_racing_on_two_steps_decides_one(org, staff, org_admin, approver):
    """The ปลัด, delegate of the head of office, clicks step 2 (as delegate) twice at once."""
    unit, rounds, _, template, mayor = setup_chain(org, staff, org_admin, approver)
    deputy = MembershipFactory(organisation=org, role="approver").user
    delegate(org, org_admin, org_admin, deputy)
    delegate(org, org_admin, approver, deputy, order_number="47/2569")
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)

    def decide_current():
        fresh = Memo.objects.get(pk=memo.pk)
        step = approval_selectors.current_step(fresh)
        return memos.memo_step_act(memo=fresh, step_id=step.pk, user=deputy, decision="approved")

    run_concurrently(decide_current)
    decided = ApprovalStep.objects.filter(memo=memo, acted_by=deputy)
    assert decided.count() == 1  # never steps 2 and 3 both, whatever the interleaving


def test_one_stand_in_per_person_at_a_time(org, org_admin, approver, deputy, staff):
    delegate(org, org_admin, approver, deputy)
    with pytest.raises(ValidationError, match="ช่วงวันที่ซ้อนกับคำสั่งที่ 45/2569"):
        delegate(
            org,
            org_admin,
            approver,
            staff,
            starts_on=TODAY + timedelta(days=3),
            ends_on=TODAY + timedelta(days=20),
            order_number="50/2569",
        )
    # After the period, or once the first order is cancelled, another may stand in.
    delegate(
        org,
        org_admin,
        approver,
        staff,
        starts_on=TODAY + timedelta(days=7),
        ends_on=TODAY + timedelta(days=20),
        order_number="51/2569",
    )
    assert Delegation.objects.filter(delegator=approver).count() == 2


def test_both_sides_of_a_delegation_see_it_on_their_home_page(
    client, org, org_admin, approver, deputy, staff
):
    from django.urls import reverse

    delegate(org, org_admin, approver, deputy)
    approver.first_name, approver.last_name = "สมชาย", "ประเสริฐผล"
    approver.save()
    client.force_login(deputy)
    page = client.get(reverse("dashboard")).content.decode()
    assert (
        "ท่าน<strong>รักษาราชการแทน</strong> สมชาย ประเสริฐผล ตั้งแต่ 5 ธ.ค. 69 ถึง 12 ธ.ค. 69 "
        "(คำสั่งที่ 45/2569): ขั้นของผู้นั้นที่รอพิจารณา ท่านพิจารณาแทนได้" in page
    )
    client.force_login(approver)
    page = client.get(reverse("dashboard")).content.decode()
    assert "สมศักดิ์ รองนายก <strong>รักษาราชการแทน</strong>ท่าน ตั้งแต่ 5 ธ.ค. 69" in page
    client.force_login(staff)  # not a side of it
    assert "data-delegation=" not in client.get(reverse("dashboard")).content.decode()
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 13, 10, 0))):
        client.force_login(deputy)
        assert "data-delegation=" not in client.get(reverse("dashboard")).content.decode()
