"""Everyone sees their work on the dashboard (issue 15, the dashboard part): what waits for
each decider with its kind, author and days waiting; the author's memos by state, returned
first; the org admin's memos by state. Cards show data or an empty state computed from data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals import selectors as approval_selectors
from approvals import services as memos
from approvals.models import Decision
from tests.factories import MembershipFactory
from tests.memo_helpers import act, new_memo, setup_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org, staff, org_admin, approver):
    return setup_chain(org, staff, org_admin, approver)


def _dashboard(login, user) -> str:
    return login(user).get(reverse("dashboard")).content.decode()


def test_each_decider_sees_the_memo_waiting_for_them(
    org, staff, org_admin, approver, chain, login, time_machine
):
    unit, rounds, _, template, mayor = chain
    time_machine.move_to("2025-03-03 09:00+07:00", tick=False)
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)
    time_machine.move_to("2025-03-06 09:00+07:00", tick=False)
    page = _dashboard(login, org_admin)
    assert 'id="waiting-list"' in page and memo.subject[:40] in page
    assert "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส" in page  # the kind
    assert "รอ 3 วัน" in page and f"ผู้เสนอ {staff.get_full_name()}" in page
    for other in (approver, mayor):
        assert memo.subject[:40] not in _dashboard(login, other)
    act(memo, org_admin, Decision.APPROVED)
    page = _dashboard(login, approver)
    assert 'id="waiting-list"' in page and memo.subject[:40] in page
    assert "รอตั้งแต่วันนี้" in page  # the step before was decided today


def test_the_author_sees_returned_memos_first_then_those_in_review_and_drafts(
    org, staff, org_admin, chain, login
):
    unit, rounds, _, template, _ = chain
    returned = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=returned, user=staff, template=template)
    act(returned, org_admin, Decision.RETURNED, "กรุณาแนบภาพกิจกรรม")
    in_review = new_memo(org, staff, unit, rounds, subject="รายงานที่กำลังเสนอ")
    memos.memo_submit(memo=in_review, user=staff, template=template)
    new_memo(org, staff, unit, rounds, subject="ร่างที่ยังไม่เสนอ")
    page = _dashboard(login, staff)
    assert page.index('id="returned-memos"') < page.index('id="memos-in-review"')
    assert page.index('id="memos-in-review"') < page.index('id="memo-drafts"')
    assert 'ความเห็น: <span translate="no">กรุณาแนบภาพกิจกรรม</span>' in page
    in_review.refresh_from_db()
    waiting_at = approval_selectors.current_step(in_review)
    assert f"รอ {waiting_at.position_title}" in page  # the step the memo in review waits at
    assert "ร่างที่ยังไม่เสนอ" in page


def test_the_org_admin_sees_the_organisations_memos_by_state(org, staff, org_admin, chain, login):
    unit, rounds, _, template, _ = chain
    memos.memo_submit(memo=new_memo(org, staff, unit, rounds), user=staff, template=template)
    new_memo(org, staff, unit, rounds, subject="ร่าง")
    page = _dashboard(login, org_admin)
    counts = page[page.index('id="memo-counts"') :]
    counts = counts[: counts.index("</section>")]
    assert "ร่าง <span" in counts and "อยู่ระหว่างเสนอ <span" in counts
    assert (
        '?status=in_review">อยู่ระหว่างเสนอ <span class="badge text-bg-secondary">1</span>' in counts
    )
    assert '?status=draft">ร่าง <span class="badge text-bg-secondary">1</span>' in counts


def test_nothing_waiting_is_said_from_the_data(org, approver, chain, login):
    page = _dashboard(login, approver)
    assert "ไม่มีบันทึกข้อความที่รอการพิจารณาในขณะนี้" in page
    assert 'id="own-memos"' not in page


def test_a_delegate_sees_what_waits_for_the_person_they_stand_in_for(
    org, staff, org_admin, approver, chain, login
):
    """The org admin sees the delegation in force; its delegate (a staff member here) sees the
    นายก's step on their own dashboard, marked as standing in."""
    unit, rounds, _, template, mayor = chain
    page = _dashboard(login, org_admin)
    assert "ไม่มี ผู้ลงนามแต่ละขั้นพิจารณาขั้นของตนเอง" in page
    deputy = MembershipFactory(organisation=org, role="staff").user
    today = timezone.localdate()
    memos.delegation_create(
        organisation=org,
        user=org_admin,
        delegator=mayor,
        delegate=deputy,
        kind="acting",
        starts_on=today,
        ends_on=today + timedelta(days=3),
        order_number="45/2569",
        order_date=today,
    )
    page = _dashboard(login, org_admin)
    in_force = page[page.index('id="delegations-in-force"') :]
    assert f"{deputy.get_full_name()} รักษาราชการแทน {mayor.get_full_name()}" in in_force
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)
    assert 'id="waiting-list"' not in _dashboard(login, deputy)
    act(memo, org_admin, Decision.APPROVED)
    act(memo, approver, Decision.APPROVED)
    page = _dashboard(login, deputy)
    assert 'id="waiting-list"' in page and memo.subject[:40] in page
    assert f"ท่านพิจารณาแทน {mayor.get_full_name()} (นายก)" in page
