"""Demo sign-off: the 6-month measure-results report goes up a four-step chain, is returned
once for revision, then approved and published (idempotent)."""

from datetime import timedelta
from html import escape

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.selectors import years_for
from documents.rendering import htmls_to_pdf, sarabun_css_for_pdf
from ita_portal.thai.dates import be_year
from measures import services as measure_services
from measures.models import EvidenceKind, ProgressEntry, ReportingRound
from organisations.demo import DEMO_ORG_CODE
from organisations.models import Organisation

from . import services as memos
from .models import Decision, Delegation, DelegationKind, Memo, MemoStatus
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
        f"บันทึกข้อความตัวอย่าง: รายงานผลรอบ 6 เดือนผ่านการอนุมัติ 3 ขั้น (ส่งกลับแก้ไข 1 ครั้ง) "
        f"เผยแพร่ที่ /p/{organisation.code}/{DEMO_YEAR}/measure-results/round-6/"
    )
    if Memo.objects.filter(organisation=organisation, subject=texts["subject"]).exists():
        return summary
    _demo_evidence_file(organisation, round_6, users["staff"])
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
        demo_step_act(
            memo=memo, step_id=step.pk, user=users[username], decision=decision, comment=comment
        )

    memos.memo_submit(memo=memo, user=users["staff"], template=template)
    act("orgadmin", Decision.RETURNED, "กรุณาระบุช่วงเวลาของรอบรายงานในข้อเท็จจริงให้ชัดเจน")
    memo.refresh_from_db()
    memos.memo_update(
        memo=memo,
        user=users["staff"],
        facts=texts["facts"] + f" ครอบคลุมการดำเนินการระหว่าง {round_6.span}",
    )
    memos.memo_submit(memo=memo, user=users["staff"], template=template)
    act("orgadmin", Decision.APPROVED, "เห็นควรเผยแพร่")
    act("approver", Decision.APPROVED, "เห็นชอบ")
    act("mayor", Decision.APPROVED, "อนุมัติ")
    return summary


def load_planning_year_memos(today=None) -> str:
    """This year's memos, relative to the date: the measure plan waiting for the ปลัด (the
    reporter and the head of office have agreed), and the analysis report returned to its
    author for revision. Idempotent."""
    organisation = Organisation.objects.get(code=DEMO_ORG_CODE)
    years = years_for(organisation, today)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["staff", "orgadmin", "approver"])
    }
    template = organisation.chain_templates.filter(is_default=True).first()
    unit = organisation.units.filter(name="สำนักปลัด").first() or organisation.units.first()
    if template is None or unit is None:
        return ""
    plan = memos.memo_draft_texts(
        organisation=organisation, fiscal_year=years.planning, kind="measure-plan"
    )
    if not Memo.objects.filter(organisation=organisation, subject=plan["subject"]).exists():
        memo = _memo(organisation, users["staff"], years.planning, unit, plan, "measure-plan")
        memos.memo_submit(memo=memo, user=users["staff"], template=template)
        _decide(memo, users["orgadmin"], Decision.APPROVED, "เห็นควรเสนอ")
    if years.latest_results:
        analysis = memos.memo_draft_texts(
            organisation=organisation, fiscal_year=years.latest_results, kind="analysis"
        )
        if not Memo.objects.filter(organisation=organisation, subject=analysis["subject"]).exists():
            memo = _memo(
                organisation, users["staff"], years.latest_results, unit, analysis, "analysis"
            )
            memos.memo_submit(memo=memo, user=users["staff"], template=template)
            _decide(
                memo,
                users["orgadmin"],
                Decision.RETURNED,
                "กรุณาเพิ่มแนวทางการนำผลการวิเคราะห์ไปสู่การปฏิบัติให้ครบทุกประเด็นก่อนเสนอ",
            )
    _demo_delegation(organisation, today)
    # The same line on every run (the memos' state, whoever made them).
    states = [
        f"“{m.subject}” {m.get_status_display()}"
        for m in Memo.objects.filter(
            organisation=organisation, fiscal_year__in={years.planning, years.latest_results}
        )
        .exclude(subject__startswith="ขออนุมัติเผยแพร่ข้อมูลสาธารณะ")
        .filter(status__in=[MemoStatus.IN_REVIEW, MemoStatus.RETURNED])
        .order_by("pk")
    ]
    return "บันทึกข้อความที่รอดำเนินการ: " + "; ".join(states) if states else ""


def _memo(organisation, author, year, unit, texts, kind) -> Memo:
    return memos.memo_create(
        organisation=organisation,
        user=author,
        fiscal_year=year,
        unit=unit,
        subject=texts["subject"],
        to=texts["to"],
        background=texts["background"],
        facts=texts["facts"],
        proposal=texts["proposal"],
        attachments=[{"kind": kind, "fiscal_year": year, "options": {}, "title": texts["title"]}],
    )


def _decide(memo: Memo, user, decision: str, comment: str = "") -> None:
    memo.refresh_from_db()
    step = current_step(memo)
    demo_step_act(memo=memo, step_id=step.pk, user=user, decision=decision, comment=comment)


def demo_step_act(*, memo: Memo, step_id: int, user, decision: str, comment: str = "") -> None:
    """A decision as the web request makes it; a final approval's publication then runs at once
    (the queued run that follows the commit finds it done and changes nothing), so the demo's
    public pages exist however the demo is loaded."""
    step = memos.memo_step_act(
        memo=memo, step_id=step_id, user=user, decision=decision, comment=comment
    )
    if step.memo.status == MemoStatus.APPROVED:
        memos.memo_publication_run(memo_pk=step.memo.pk)


def _demo_delegation(organisation, today=None) -> None:
    """The รองนายก stands in for the นายก this fortnight, under an order (idempotent): once the
    ปลัด agrees to the plan, the นายก's step waits for the นายก and for the รองนายก."""
    today = today or timezone.localdate()
    people = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["mayor", "deputy", "orgadmin"])
    }
    if len(people) < 3:
        return
    if (
        Delegation.objects.in_force(today)
        .filter(organisation=organisation, delegator=people["mayor"], delegate=people["deputy"])
        .exists()
    ):
        return
    memos.delegation_create(
        organisation=organisation,
        user=people["orgadmin"],
        delegator=people["mayor"],
        delegate=people["deputy"],
        kind=DelegationKind.ACTING,
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=12),
        order_number=f"215/{be_year(today.year)}",
        order_date=today - timedelta(days=3),
    )


def _demo_evidence_file(organisation, round_6, user) -> None:
    """A scanned-report stand-in attached to the first measure's 6-month result, so the
    published report shows evidence that goes public with it (a file, not only links)."""
    entry = (
        ProgressEntry.objects.filter(measure__organisation=organisation, round=round_6)
        .order_by("measure__order")
        .first()
    )
    if entry is None or entry.evidence.filter(kind=EvidenceKind.FILE).exists():
        return
    html = (
        "<html lang='th'><head><meta charset='utf-8'><style>"
        f"{sarabun_css_for_pdf()}"
        "@page { size: A4; margin: 2cm } body { font-family: 'Sarabun'; font-size: 14pt }"
        "</style></head><body><h1>ภาพกิจกรรมและรายชื่อผู้เข้าร่วม</h1>"
        f"<p>{escape(entry.measure.title)}</p><p>ไฟล์ตัวอย่างในข้อมูลทดลองใช้</p></body></html>"
    )
    measure_services.evidence_add_file(
        entry=entry,
        upload=SimpleUploadedFile(
            "activity-report.pdf", htmls_to_pdf([html]), content_type="application/pdf"
        ),
        user=user,
        title="ภาพกิจกรรมและรายชื่อผู้เข้าร่วม (PDF)",
    )
