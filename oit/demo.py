"""Demo OIT board: the 2568 board of the demo อบต., partly complete (idempotent)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from approvals import services as memos
from approvals.demo import DEMO_YEAR, demo_step_act
from approvals.models import Decision
from approvals.selectors import current_step
from assessments.selectors import years_for
from documents.rendering import htmls_to_pdf, sarabun_css_for_pdf
from ita_portal.thai import dates as thai_dates
from organisations.demo import DEMO_ORG_CODE
from organisations.models import Organisation

from . import selectors, services
from .models import LinkStatus, OitEntry

DEMO_SITE = "https://khamsomboon.example"  # RFC 2606 reserved name: never a real agency's site


def _demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small Thai PDF standing in for a document the agency made outside the portal."""
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = (
        "<html lang='th'><head><meta charset='utf-8'><style>"
        f"{sarabun_css_for_pdf()}"
        "@page { size: A4; margin: 2cm } body { font-family: 'Sarabun'; font-size: 11pt }"
        f"</style></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return htmls_to_pdf([html])


def load_oit_demo() -> str:
    """The 2568 OIT board of the demo อบต., partly complete.

    o27 and o28 are answered by the measure documents (o27's plan is published here through the
    chain together with the HR plan file of o14); o12 waits at the second signer; o15 is a draft
    file; o1 and o3 are links on the agency's site; o4's link is recorded broken, as the nightly
    check reports it. The ITAS window is set around today when the framework has none (demo only).
    """
    organisation = Organisation.objects.get(code=DEMO_ORG_CODE)
    framework = selectors.oit_framework(organisation, DEMO_YEAR)
    summary = (
        f"กระดานความพร้อม OIT ตัวอย่าง ปี {DEMO_YEAR}: /o/{organisation.code}/{DEMO_YEAR}/oit/ "
        f"(หน้าสาธารณะ /p/{organisation.code}/{DEMO_YEAR}/oit/)"
    )
    if framework is None:
        return summary
    # Demo only: this year's ITAS window around today, so the dashboard shows this year's
    # board first (the 2568 board below is last cycle's, complete).
    current = years_for(organisation).planning_framework
    if current is not None and current.oit_deadline is None:
        today = timezone.localdate()
        current.oit_opens_on = today - timedelta(days=20)
        current.oit_deadline = today + timedelta(days=40)
        current.save(update_fields=["oit_opens_on", "oit_deadline", "updated_at"])
    if current is not None and current.oit_deadline:
        summary += (
            f" · ปี {current.fiscal_year.year} กำหนดส่ง OIT ในระบบ ITAS "
            f"{thai_dates.format_date(current.oit_deadline)}"
        )
    if OitEntry.objects.filter(organisation=organisation).exists():
        return summary
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["staff", "orgadmin", "approver", "mayor"]
        )
    }
    staff = users["staff"]
    units = {u.name: u for u in organisation.units.all()}
    items = {i.code: i for i in selectors.oit_items(framework)}

    def entry(code: str, unit: str):
        found = services.entry_for(organisation=organisation, item=items[code], year=DEMO_YEAR)
        services.entry_update(entry=found, user=staff, responsible_unit=units[unit], note="")
        return found

    def upload(name: str, title: str, lines: list[str]):
        return SimpleUploadedFile(name, _demo_pdf(title, lines), content_type="application/pdf")

    # Links on the agency's own website (public at once).
    o1 = entry("o1", "สำนักปลัด")
    services.evidence_add_url(
        entry=o1, user=staff, url=f"{DEMO_SITE}/structure", title="แผนผังโครงสร้างและอำนาจหน้าที่"
    )
    services.criteria_save(
        entry=o1,
        user=staff,
        ticks={
            c.pk: (
                True,
                "แสดงทั้งฝ่ายการเมืองและฝ่ายประจำ" if c.order == 1 else "สรุปอำนาจหน้าที่ ไม่ใช่ตัวบทกฎหมาย",
            )
            for c in items["o1"].criteria.all()
        },
    )
    services.evidence_add_url(
        entry=entry("o3", "สำนักปลัด"), user=staff, url=f"{DEMO_SITE}/contact", title="ข้อมูลการติดต่อ"
    )
    broken = services.evidence_add_url(
        entry=entry("o4", "สำนักปลัด"),
        user=staff,
        url=f"{DEMO_SITE}/news-2567",
        title="ข่าวประชาสัมพันธ์",
    )
    broken.link_status = LinkStatus.BROKEN
    broken.link_message = "ไม่พบหน้านี้ (HTTP 404)"
    broken.link_checked_at = timezone.now()
    broken.save(update_fields=["link_status", "link_message", "link_checked_at"])

    # The measure documents (o28's results report was published by the memo demo above).
    plan = services.evidence_add_document(
        entry=entry("o27", "สำนักปลัด"), user=staff, document_kind="measure-plan"
    )
    services.evidence_add_document(
        entry=entry("o28", "สำนักปลัด"), user=staff, document_kind="measure-results"
    )
    hr_plan = services.evidence_add_file(
        entry=entry("o14", "สำนักปลัด"),
        user=staff,
        upload=upload(
            "hr-plan-2568.pdf",
            "แผนการบริหารและพัฒนาทรัพยากรบุคคล ประจำปีงบประมาณ พ.ศ. 2568 (ตัวอย่าง)",
            ["เอกสารตัวอย่างสำหรับการสาธิตระบบ"],
        ),
        title="แผนการบริหารและพัฒนาทรัพยากรบุคคล ประจำปีงบประมาณ พ.ศ. 2568",
    )
    procurement = services.evidence_add_file(
        entry=entry("o12", "กองคลัง"),
        user=staff,
        upload=upload(
            "procurement-2568.pdf",
            "รายการการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. 2568 (ตัวอย่าง)",
            ["เอกสารตัวอย่างสำหรับการสาธิตระบบ"],
        ),
        title="รายการการจัดซื้อจัดจ้างและความก้าวหน้า ประจำปีงบประมาณ พ.ศ. 2568",
    )
    services.evidence_add_file(
        entry=entry("o15", "สำนักปลัด"),
        user=staff,
        upload=upload(
            "hr-report-2568.pdf",
            "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคล ประจำปี (ร่าง)",
            ["เอกสารตัวอย่างสำหรับการสาธิตระบบ"],
        ),
        title="รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี (ร่าง)",
    )

    template = organisation.chain_templates.get(is_default=True)
    unit = units["สำนักปลัด"]
    published = services.oit_memo_create(
        organisation=organisation,
        user=staff,
        year=DEMO_YEAR,
        evidence_ids=[plan.pk, hr_plan.pk],
        unit=unit,
    )
    memos.memo_submit(memo=published, user=staff, template=template)
    for username in ("orgadmin", "approver", "mayor"):
        published.refresh_from_db()
        step = current_step(published)
        demo_step_act(
            memo=published, step_id=step.pk, user=users[username], decision=Decision.APPROVED
        )
    waiting = services.oit_memo_create(
        organisation=organisation,
        user=staff,
        year=DEMO_YEAR,
        evidence_ids=[procurement.pk],
        unit=units["กองคลัง"],
    )
    waiting = memos.memo_submit(memo=waiting, user=staff, template=template)
    step = current_step(waiting)
    memos.memo_step_act(
        memo=waiting, step_id=step.pk, user=users["orgadmin"], decision=Decision.APPROVED
    )
    return summary
