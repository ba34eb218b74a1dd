"""The sign-off chain: every transition and refusal, numbering, concurrency, publication."""

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection

from approvals import selectors as approval_selectors
from approvals import services as memos
from approvals.models import ApprovalStep, Decision, DocumentNumber, Memo, MemoStatus
from measures.services import progress_entry_record
from publication import services as publication_services
from publication.models import Publication
from tests.memo_helpers import act, new_memo, run_concurrently, setup_chain
from tests.pdftools import norm, pdftotext

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org, staff, org_admin, approver):
    return setup_chain(org, staff, org_admin, approver)


@pytest.fixture
def memo(org, staff, chain):
    unit, rounds, *_ = chain
    return new_memo(org, staff, unit, rounds)


def test_submit_numbers_copies_chain_and_notifies(
    memo, staff, chain, mailoutbox, django_capture_on_commit_callbacks
):
    template = chain[3]
    staff.email = "staff@example.invalid"
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        memo = memos.memo_submit(memo=memo, user=staff, template=template)
    assert memo.number == "นม 93501/1" and memo.status == MemoStatus.IN_REVIEW and memo.date
    # The author submits and is not a step, though the template lists them (ผู้รายงาน).
    assert [s.position_title for s in memo.steps.order_by("order")] == [
        "หัวหน้าสำนักปลัด",
        "ปลัด",
        "นายก",
    ]
    assert memo.steps.get(order=4).is_final
    assert mail.outbox and "มีบันทึกข้อความรอท่านพิจารณา" in mail.outbox[0].subject
    # Later edits to the template do not change a submitted memo.
    template.steps.filter(order=4).update(position_title="นายก (ใหม่)")
    assert memo.steps.get(order=4).position_title == "นายก"


def test_full_chain_with_return_then_publication(
    memo, org, staff, org_admin, approver, chain, tmp_path
):
    template, mayor = chain[3], chain[4]
    memos.memo_submit(memo=memo, user=staff, template=template)
    with pytest.raises(ValidationError, match="กรุณาระบุเหตุผลที่ส่งกลับแก้ไข"):
        act(memo, org_admin, Decision.RETURNED, "")
    act(memo, org_admin, Decision.RETURNED, "แก้ข้อเท็จจริง")
    memo.refresh_from_db()
    assert memo.status == MemoStatus.RETURNED
    with pytest.raises(memos.MemoError):
        act_step = ApprovalStep.objects.filter(memo=memo, decision=Decision.PENDING).first()
        memos.memo_step_act(
            memo=memo, step_id=act_step.pk, user=approver, decision=Decision.APPROVED
        )
    memos.memo_update(memo=memo, user=staff, facts="ข้อเท็จจริงที่แก้ไขแล้ว")
    memos.memo_submit(memo=memo, user=staff, template=template)
    memo.refresh_from_db()
    assert memo.cycle == 2 and memo.number == "นม 93501/1"  # the number is kept
    act(memo, org_admin, Decision.ACKNOWLEDGED)
    act(memo, approver, Decision.APPROVED, "เห็นชอบ")
    act(memo, mayor, Decision.APPROVED, "อนุมัติ")
    memo.refresh_from_db()
    assert memo.status == MemoStatus.APPROVED
    kinds = sorted(Publication.objects.values_list("kind", flat=True))
    assert kinds == ["measure-results", "memo"]
    pub = Publication.objects.get(kind="measure-results")
    assert [r["decision"] for r in pub.approval_record] == ["ทราบ", "เห็นชอบ", "อนุมัติ"]
    memo_pdf = Publication.objects.get(kind="memo").pdf.read()
    text = norm(pdftotext(memo_pdf, tmp_path))
    assert (
        "บันทึกข้อความ" in text
        and "ที่ นม 93501/1" in text
        and "อนุมัติ" in text
        and "ข้อเท็จจริงที่แก้ไขแล้ว" in text
    )


def test_refusals(memo, org, staff, org_admin, approver, outsider, chain):
    template, mayor = chain[3], chain[4]
    with pytest.raises(memos.MemoError, match="ไม่ได้อยู่ระหว่างเสนอ"):
        memos.memo_step_act(memo=memo, step_id=0, user=staff, decision=Decision.APPROVED)
    memos.memo_submit(memo=memo, user=staff, template=template)
    with pytest.raises(memos.MemoError, match="เสนอไปแล้ว"):
        memos.memo_submit(memo=memo, user=staff, template=template)
    memo.refresh_from_db()
    first, second = memo.steps.order_by("order")[:2]
    from tests.factories import MembershipFactory

    colleague = MembershipFactory(organisation=org, role="staff").user
    with pytest.raises(PermissionDenied, match="ขั้นนี้เป็นของ .* ท่านพิจารณาแทนได้เฉพาะเมื่อมีคำสั่ง"):
        memos.memo_step_act(
            memo=memo, step_id=first.pk, user=colleague, decision=Decision.APPROVED
        )  # wrong user
    with pytest.raises(PermissionDenied, match="พิจารณาบันทึกของตนเองไม่ได้"):
        memos.memo_step_act(
            memo=memo, step_id=first.pk, user=staff, decision=Decision.APPROVED
        )  # the author
    with pytest.raises(PermissionDenied):
        memos.memo_step_act(memo=memo, step_id=first.pk, user=outsider, decision=Decision.APPROVED)
    with pytest.raises(memos.MemoError, match="ไม่ใช่ขั้นที่รอพิจารณา"):
        memos.memo_step_act(
            memo=memo, step_id=second.pk, user=approver, decision=Decision.APPROVED
        )  # wrong step
    act(memo, org_admin, Decision.APPROVED)
    with pytest.raises(memos.MemoError, match="ไม่ใช่ขั้นที่รอพิจารณา"):
        memos.memo_step_act(
            memo=memo, step_id=first.pk, user=org_admin, decision=Decision.APPROVED
        )  # already decided
    with pytest.raises(memos.MemoError, match="แก้ไขได้เฉพาะ"):
        memos.memo_update(memo=memo, user=staff, subject="แก้ระหว่างเสนอ")
    act(memo, approver, Decision.APPROVED)
    # Separation of duties: the ปลัด, having decided step 3, may not take the นายก's step.
    with pytest.raises(PermissionDenied, match="ผู้หนึ่งพิจารณาได้ขั้นเดียว"):
        act(memo, approver, Decision.APPROVED)
    with pytest.raises(memos.MemoError, match="ขั้นสุดท้ายต้องอนุมัติหรือส่งกลับแก้ไข"):
        act(memo, mayor, Decision.ACKNOWLEDGED)
    assert Publication.objects.count() == 0


def test_transitions_are_in_the_audit_trail(memo, staff, org_admin, chain):
    from auditlog.context import set_actor

    with set_actor(staff):
        memos.memo_submit(memo=memo, user=staff, template=chain[3])
    with set_actor(org_admin):
        act(memo, org_admin, Decision.APPROVED)
    step = memo.steps.get(order=2)
    entry = LogEntry.objects.get_for_object(step).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == org_admin and entry.changes_dict["decision"] == ["pending", "approved"]


def test_published_revision_is_frozen_after_later_edits(
    memo, org, staff, org_admin, approver, chain
):
    template, mayor = chain[3], chain[4]
    memos.memo_submit(memo=memo, user=staff, template=template)
    for user in (org_admin, approver, mayor):
        act(memo, user, Decision.APPROVED)
    pub = Publication.objects.get(kind="measure-results")
    html_before, pdf_before = pub.html.read(), pub.pdf.read()
    measure, rounds = chain[2], chain[1]
    progress_entry_record(
        measure=measure,
        round=rounds[0],
        user=staff,
        status="done",
        output="แก้ไขหลังเผยแพร่",
        reported_on=measure.fiscal_year.start.replace(year=2025, month=3, day=21),
    )
    pub.refresh_from_db()
    assert pub.html.open("rb").read() == html_before and pub.pdf.open("rb").read() == pdf_before
    assert "แก้ไขหลังเผยแพร่" not in html_before.decode()
    # The next memo publishes revision 2; revision 1 stays reachable.
    second = new_memo(org, staff, chain[0], rounds)
    memos.memo_submit(memo=second, user=staff, template=template)
    for user in (org_admin, approver, mayor):
        act(second, user, Decision.APPROVED)
    revisions = list(
        Publication.objects.filter(kind="measure-results")
        .order_by("revision")
        .values_list("revision", flat=True)
    )
    assert revisions == [1, 2]
    assert (
        "แก้ไขหลังเผยแพร่"
        in Publication.objects.get(kind="measure-results", revision=2).html.read().decode()
    )


def test_withdraw_needs_org_admin_and_reason(memo, org, staff, org_admin, approver, chain):
    memos.memo_submit(memo=memo, user=staff, template=chain[3])
    for user in (org_admin, approver, chain[4]):
        act(memo, user, Decision.APPROVED)
    pub = Publication.objects.get(kind="measure-results")
    with pytest.raises(PermissionDenied):
        publication_services.publication_withdraw(publication=pub, user=staff, reason="ผิด")
    with pytest.raises(ValidationError, match="กรุณาระบุเหตุผล"):
        publication_services.publication_withdraw(publication=pub, user=org_admin, reason=" ")
    publication_services.publication_withdraw(publication=pub, user=org_admin, reason="ข้อมูลผิดพลาด")
    pub.refresh_from_db()
    assert pub.withdrawn_at and pub.withdrawn_by == org_admin


def test_document_numbers_per_unit_and_year(org, chain):
    unit = chain[0]
    assert [
        memos.document_number_next(organisation=org, unit=unit, fiscal_year=2568) for _ in range(3)
    ] == [1, 2, 3]
    assert (
        memos.document_number_next(organisation=org, unit=unit, fiscal_year=2569) == 1
    )  # restarts each year
    assert (
        memos.document_number_next(organisation=org, unit=None, fiscal_year=2568) == 1
    )  # per unit


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_approve_gives_exactly_one_transition(org, staff, org_admin, approver):
    unit, rounds, _, template, _ = setup_chain(org, staff, org_admin, approver)
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)
    step_id = memo.steps.get(order=2).pk
    results = run_concurrently(
        lambda: memos.memo_step_act(
            memo=Memo.objects.get(pk=memo.pk),
            step_id=step_id,
            user=org_admin,
            decision=Decision.APPROVED,
        )
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, memos.MemoError | OperationalError), error
    assert ApprovalStep.objects.filter(memo=memo, decision=Decision.APPROVED).count() == 1
    assert memo.steps.get(order=3).decision == Decision.PENDING


@pytest.mark.django_db(transaction=True)
def test_concurrent_numbering_never_reuses(org, staff, org_admin, approver):
    unit = setup_chain(org, staff, org_admin, approver)[0]
    results = run_concurrently(
        lambda: memos.document_number_next(organisation=org, unit=unit, fiscal_year=2568), count=4
    )
    numbers = sorted(value for kind, value in results if kind == "ok")
    if connection.vendor == "postgresql":
        assert numbers == [1, 2, 3, 4]
    else:  # SQLite may refuse a writer with "database is locked" instead of queueing it
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 1
    assert DocumentNumber.objects.get(unit=unit, fiscal_year=2568).last_number == len(numbers)


def test_waiting_for_me(memo, staff, org_admin, chain):
    approver = chain[4]  # the นายก, last in the chain
    assert approval_selectors.waiting_for(org_admin).count() == 0
    memos.memo_submit(memo=memo, user=staff, template=chain[3])
    # The author is not a step: the first decider is the head of office.
    assert approval_selectors.waiting_for(staff).count() == 0
    assert [s.order for s in approval_selectors.waiting_for(org_admin)] == [2]
    assert approval_selectors.waiting_for(approver).count() == 0
    act(memo, org_admin, Decision.APPROVED)
    assert approval_selectors.waiting_for(org_admin).count() == 0


def test_a_chain_names_each_person_once(org, staff, org_admin, approver, chain):
    with pytest.raises(ValidationError) as exc:
        memos.chain_template_save(
            organisation=org,
            user=org_admin,
            name="ซ้ำ",
            steps=[("ปลัด", approver), ("รักษาราชการแทนนายก", approver)],
        )
    assert "ขั้นที่ 2: ผู้ดำรงตำแหน่งซ้ำกับขั้นที่ 1" in " ".join(exc.value.messages)


def test_a_chain_of_the_author_alone_cannot_be_submitted(memo, org, staff, org_admin, chain):
    alone = memos.chain_template_save(
        organisation=org, user=org_admin, name="ผู้รายงานเท่านั้น", steps=[("ผู้รายงาน", staff)]
    )
    with pytest.raises(memos.MemoError, match="ต้องมีผู้ลงนามอื่นนอกจากผู้เสนอ"):
        memos.memo_submit(memo=memo, user=staff, template=alone)
    memo.refresh_from_db()
    assert memo.status == MemoStatus.DRAFT and not memo.steps.exists()


def test_nobody_decides_two_steps_even_standing_in(memo, org, staff, org_admin, approver, chain):
    """The ปลัด decides step 3; the นายก's step then needs the นายก (or someone else)."""
    template, mayor = chain[3], chain[4]
    memos.memo_submit(memo=memo, user=staff, template=template)
    act(memo, org_admin, Decision.APPROVED)
    act(memo, approver, Decision.APPROVED)
    memo.refresh_from_db()
    final = approval_selectors.current_step(memo)
    with pytest.raises(PermissionDenied, match="ท่านพิจารณาบันทึกนี้ไปแล้วในขั้นที่ 3"):
        memos.memo_step_act(memo=memo, step_id=final.pk, user=approver, decision="approved")
    assert approval_selectors.current_step(memo).pk == final.pk  # nothing was recorded
    act(memo, mayor, Decision.APPROVED)
    memo.refresh_from_db()
    assert memo.status == MemoStatus.APPROVED


def test_one_register_per_year_of_issue_whatever_the_documents_year(
    org, staff, org_admin, approver, chain, time_machine
):
    """A 2568 report and a 2570 plan sent on the same day take the next two numbers of the
    2570 register (the year of issue); the register starts again on 1 October."""
    unit, rounds, _, template, _ = chain
    time_machine.move_to("2026-12-06 09:00+07:00", tick=False)  # fiscal year 2570
    old_report = memos.memo_submit(
        memo=new_memo(org, staff, unit, rounds), user=staff, template=template
    )
    plan = new_memo(org, staff, unit, rounds, fiscal_year=2570)
    plan = memos.memo_submit(memo=plan, user=staff, template=template)
    assert (old_report.number, old_report.number_year) == ("นม 93501/1", 2570)
    assert (plan.number, plan.number_year) == ("นม 93501/2", 2570)
    time_machine.move_to("2027-10-01 09:00+07:00", tick=False)  # fiscal year 2571
    later = memos.memo_submit(
        memo=new_memo(org, staff, unit, rounds), user=staff, template=template
    )
    assert (later.number, later.number_year) == ("นม 93501/1", 2571)
