"""Demo sign-off: the 6-month measure-results report goes up a four-step chain, is returned
once for revision, then approved and published (idempotent)."""

from django.contrib.auth import get_user_model

from measures.models import ReportingRound
from organisations.demo import DEMO_ORG_CODE
from organisations.models import Organisation

from . import services as memos
from .models import Decision, Memo
from .selectors import current_step

DEMO_YEAR = 2568


def load_memos_demo() -> str:
    organisation = Organisation.objects.get(code=DEMO_ORG_CODE)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["staff", "orgadmin", "approver", "mayor"]
        )
    }
    template = memos.chain_template_save(
        organisation=organisation,
        user=users["orgadmin"],
        name="เสนอรายงานผลการดำเนินการ",
        steps=[
            ("ผู้รายงาน (นักวิเคราะห์นโยบายและแผน)", users["staff"]),
            ("หัวหน้าสำนักปลัด", users["orgadmin"]),
            ("ปลัดองค์การบริหารส่วนตำบล", users["approver"]),
            ("นายกองค์การบริหารส่วนตำบล", users["mayor"]),
        ],
    )
    round_6 = ReportingRound.objects.get(
        organisation=organisation, fiscal_year__year=DEMO_YEAR, name="รอบ 6 เดือน"
    )
    texts = memos.memo_draft_texts(
        organisation=organisation,
        fiscal_year=DEMO_YEAR,
        kind="measure-results",
        round_name=round_6.name,
    )
    summary = (
        f"บันทึกข้อความตัวอย่าง: รายงานผลรอบ 6 เดือนผ่านการอนุมัติ 4 ขั้น (ส่งกลับแก้ไข 1 ครั้ง) "
        f"เผยแพร่ที่ /p/{organisation.code}/{DEMO_YEAR}/measure-results/"
    )
    if Memo.objects.filter(organisation=organisation, subject=texts["subject"]).exists():
        return summary
    memo = memos.memo_create(
        organisation=organisation,
        user=users["staff"],
        fiscal_year=DEMO_YEAR,
        unit=organisation.units.get(name="สำนักปลัด"),
        subject=texts["subject"],
        to=texts["to"],
        background=texts["background"],
        facts=texts["facts"],
        proposal=texts["proposal"],
        attachments=[
            {
                "kind": "measure-results",
                "fiscal_year": DEMO_YEAR,
                "options": {"round_id": round_6.pk, "layout": "a", "thai_digits": True},
                "title": texts["title"],
            }
        ],
    )

    def act(username: str, decision: str, comment: str = "") -> None:
        memo.refresh_from_db()
        step = current_step(memo)
        memos.memo_step_act(
            memo=memo, step_id=step.pk, user=users[username], decision=decision, comment=comment
        )

    memos.memo_submit(memo=memo, user=users["staff"], template=template)
    act("staff", Decision.APPROVED)
    act("orgadmin", Decision.RETURNED, "กรุณาระบุช่วงเวลาของรอบรายงานในข้อเท็จจริงให้ชัดเจน")
    memo.refresh_from_db()
    memos.memo_update(
        memo=memo,
        user=users["staff"],
        facts=texts["facts"] + f" ครอบคลุมการดำเนินการระหว่าง {round_6.span}",
    )
    memos.memo_submit(memo=memo, user=users["staff"], template=template)
    act("staff", Decision.APPROVED)
    act("orgadmin", Decision.APPROVED, "เห็นควรเผยแพร่")
    act("approver", Decision.APPROVED, "เห็นชอบ")
    act("mayor", Decision.APPROVED, "อนุมัติ")
    return summary
