"""The memo's signature area as the office form has it (issue 17, seeds 002 and 003): the
reporter signs once, each decider under "ความเห็นของ…" / "การพิจารณาของ…", with a signing line,
the name with its คำนำหน้า in parentheses and the office's form of the position; a comment that
repeats the decision is not printed twice; no number on page 1, "- 2 -" at the top of page 2."""

import pytest
from django.contrib.auth import get_user_model

from approvals import services as memos
from approvals.models import Decision
from documents.registry import document_render
from documents.rendering import DocumentOptions
from organisations.models import Membership
from tests.memo_helpers import YEAR, act, new_memo, setup_chain
from tests.pdftools import norm, page_texts, pdftotext

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

PEOPLE = {
    # username: (first, last, prefix, position in the office's form)
    "staff": ("วรินทร", "ธงทอง", "นางสาว", "นักวิเคราะห์นโยบายและแผนชำนาญการ"),
    "orgadmin": ("โสภา", "พรหมกสิกร", "นาง", "หัวหน้าสำนักปลัด"),
    "approver": ("พลทัต", "คูสกุลภัทรพงศ์", "นาย", "ปลัดองค์การบริหารส่วนตำบลขามสมบูรณ์"),
    "mayor": ("ณรงค์", "พลล้ำ", "นาย", "นายกองค์การบริหารส่วนตำบลขามสมบูรณ์"),
}


@pytest.fixture
def signed(org, staff, org_admin, approver):
    unit, rounds, _, template, mayor = setup_chain(org, staff, org_admin, approver)
    for username, (first, last, prefix, position) in PEOPLE.items():
        user = get_user_model().objects.get(username=username)
        user.first_name, user.last_name = first, last
        user.save()
        Membership.objects.filter(user=user, organisation=org).update(
            name_prefix=prefix, position_title=position
        )
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)
    act(memo, org_admin, Decision.APPROVED)
    act(memo, approver, Decision.APPROVED, comment="เห็นควรอนุมัติให้เผยแพร่")
    act(memo, mayor, Decision.APPROVED, comment="อนุมัติ")
    memo.refresh_from_db()
    return memo


def _pdf(org, memo, **options) -> bytes:
    return document_render(
        kind="memo",
        organisation=org,
        fiscal_year=YEAR,
        output="pdf",
        options=DocumentOptions(memo_id=memo.pk, **options),
    ).content


def test_each_person_signs_once_in_the_offices_form(org, signed, tmp_path):
    text = norm(pdftotext(_pdf(org, signed), tmp_path))
    flat = "".join(text.split())
    # Four people, four signing lines; the reporter's block is printed once.
    assert flat.count("(ลงชื่อ)") == 4
    assert flat.count("(นางสาววรินทรธงทอง)") == 1
    # The reporter's own position, not the chain's label ("ผู้รายงาน (…)").
    assert "ผู้รายงาน(นางสาววรินทรธงทอง)นักวิเคราะห์นโยบายและแผนชำนาญการ" in flat
    for heading in (
        "ความเห็นของหัวหน้าสำนักปลัด",
        "ความเห็นของปลัดองค์การบริหารส่วนตำบลขามสมบูรณ์",
        "การพิจารณาของนายกองค์การบริหารส่วนตำบลขามสมบูรณ์",
    ):
        assert heading in flat, heading
    for name in ("(นางโสภาพรหมกสิกร)", "(นายพลทัตคูสกุลภัทรพงศ์)", "(นายณรงค์พลล้ำ)"):
        assert flat.count(name) == 1, name
    assert "เห็นควรอนุมัติให้เผยแพร่" in flat
    # The นายก's "อนุมัติ" comment repeats the decision: printed once, not "ความเห็น: อนุมัติ".
    mayor_block = flat.split("การพิจารณาของนายก")[1]
    assert mayor_block.count("อนุมัติ") == 1 and "ความเห็น:" not in flat


def test_pages_are_numbered_at_the_top_from_page_two(org, signed, tmp_path):
    pages = page_texts(_pdf(org, signed), tmp_path)
    assert len(pages) >= 2
    # (pdftotext lists the page's top line after its body.)
    assert "หน้า 1" not in pages[0] and "- 1 -" not in pages[0]
    assert "- 2 -" in norm(pages[1]) and "หน้า 2" not in pages[1]
    thai = page_texts(_pdf(org, signed, thai_digits=True), tmp_path)
    assert "- ๒ -" in norm(thai[1])


def test_a_stand_in_signs_with_both_positions_and_the_order(org, staff, org_admin, approver):
    from datetime import date

    unit, rounds, _, template, mayor = setup_chain(org, staff, org_admin, approver)
    Membership.objects.filter(user=mayor, organisation=org).update(
        name_prefix="นาย", position_title="นายกองค์การบริหารส่วนตำบลขามสมบูรณ์"
    )
    from tests.factories import MembershipFactory

    deputy = MembershipFactory(
        organisation=org,
        role="approver",
        user__username="deputy",
        user__first_name="วีระ",
        user__last_name="ชัยมงคล",
        name_prefix="นาย",
        position_title="รองนายกองค์การบริหารส่วนตำบลขามสมบูรณ์",
    ).user
    memos.delegation_create(
        organisation=org,
        user=org_admin,
        delegator=mayor,
        delegate=deputy,
        kind="on_behalf",
        starts_on=date(2024, 1, 1),
        ends_on=date(2099, 12, 31),
        order_number="45/2569",
        order_date=date(2026, 12, 4),
    )
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)
    act(memo, org_admin, Decision.APPROVED)
    act(memo, approver, Decision.APPROVED)
    act(memo, deputy, Decision.APPROVED)
    memo.refresh_from_db()
    html = document_render(
        kind="memo",
        organisation=org,
        fiscal_year=YEAR,
        output="html",
        options=DocumentOptions(memo_id=memo.pk),
    ).content.decode()
    block = html.split("การพิจารณาของนายกองค์การบริหารส่วนตำบลขามสมบูรณ์")[1]
    assert "(นายวีระ ชัยมงคล)" in block
    assert "รองนายกองค์การบริหารส่วนตำบลขามสมบูรณ์" in block
    assert "ปฏิบัติราชการแทน นายกองค์การบริหารส่วนตำบลขามสมบูรณ์" in block
    assert "ที่ 45/2569" in block
