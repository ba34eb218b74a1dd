"""Four user journeys in a real browser, and one phone-layout check that pins a known app bug
(see tests/e2e/README.md).

Data is made through the factories and services in each test; everything a person would do is
done by clicking and typing in Chromium, with a screenshot after each step.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from openpyxl import Workbook
from playwright.sync_api import expect

from approvals import services as memos
from approvals.models import Decision
from measures.services import measure_create, progress_entry_record, rounds_ensure_defaults
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory
from tests.memo_helpers import act, new_memo, setup_chain

from .conftest import DESKTOP, PHONE, expect_styled, horizontal_overflow, pdf_text, squash, tiny_pdf

pytestmark = pytest.mark.e2e

YEAR = 2568
MEASURE_TITLE = "จัดทำคู่มือการให้ยืมทรัพย์สินของราชการและเผยแพร่รายการจัดซื้อจัดจ้าง"
STEPS = ["จัดทำคู่มือการยืมทรัพย์สินของราชการ", "เผยแพร่ความก้าวหน้าการจัดซื้อจัดจ้างทุกเดือน"]
OUTPUT = "จัดทำคู่มือแล้ว 1 ฉบับ และเผยแพร่รายการจัดซื้อจัดจ้างครบ 6 เดือน"


def _catalogue():
    call_command("load_framework", stdout=io.StringIO())


# ---------------------------------------------------------------- 1. staff on a phone


def test_staff_on_phone(journey, org, staff, tmp_path):
    _catalogue()
    UnitFactory(organisation=org, name="สำนักปลัด")
    rounds_ensure_defaults(organisation=org, year=YEAR)
    evidence = tiny_pdf(tmp_path / "คู่มือการยืมทรัพย์สิน.pdf")

    page = journey.open(viewport=PHONE, is_mobile=True, has_touch=True)
    journey.login(page, staff)
    journey.shot(page, "dashboard")

    page.goto(f"/o/{org.code}/{YEAR}/measures/")
    expect_styled(page)
    expect(page.locator("#empty-measures")).to_contain_text("ยังไม่มีมาตรการของปีงบประมาณ 2568")
    journey.shot(page, "measures-empty")

    page.get_by_role("link", name="+ เพิ่มมาตรการ").click()
    page.get_by_label("มาตรการ / โครงการ / กิจกรรม").fill(MEASURE_TITLE)
    page.locator("#id_steps-0-text").fill(STEPS[0])
    page.locator("#id_steps-1-text").fill(STEPS[1])
    page.get_by_label("สำนักปลัด").check()
    # Only the chosen timeframe's fields show (quarters by default).
    expect(page.locator("#id_deadline")).to_be_hidden()
    page.get_by_role("radio", name="กำหนดแล้วเสร็จ").check()
    expect(page.locator("#id_deadline")).to_be_visible()
    expect(page.get_by_label("ไตรมาส 2 (ม.ค.–มี.ค.)")).to_be_hidden()
    page.get_by_role("radio", name="ไตรมาส", exact=True).check()
    page.get_by_label("ไตรมาส 2 (ม.ค.–มี.ค.)").check()
    page.locator("details summary").click()  # ข้อการประเมินที่เกี่ยวข้อง is folded
    # Labels carry the template's indentation, hence \s* before the code.
    page.get_by_label(re.compile(r"^\s*i10\s")).check()
    page.get_by_label(re.compile(r"^\s*o12\s")).check()
    journey.shot(page, "measure-form")
    page.get_by_role("button", name="บันทึก", exact=True).click()

    page.wait_for_url(re.compile(r"/measures/\d+/$"))
    expect(page.get_by_role("alert")).to_contain_text("บันทึกมาตรการใหม่แล้ว")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"1. {MEASURE_TITLE}")
    expect(page.locator("dd .item-code")).to_have_text(["i10", "o12"])
    expect(page.locator("main ol").first.locator("li")).to_have_text(STEPS)
    journey.shot(page, "measure-saved")

    page.get_by_role("link", name="บันทึกผลรอบ 6 เดือน").click()
    page.get_by_label("ดำเนินการแล้ว/บรรลุเป้าหมาย").check()
    page.get_by_label("ผลการดำเนินการ (output)").fill(OUTPUT)
    page.get_by_label("วันที่รายงาน").fill("20/03/2568")
    page.get_by_label("แนบไฟล์หลักฐาน").set_input_files(evidence)
    journey.shot(page, "progress-form")
    page.get_by_role("button", name="บันทึก", exact=True).click()

    page.wait_for_url(re.compile(r"/measures/\d+/$"))
    expect(page.get_by_role("alert")).to_contain_text("บันทึกผลการดำเนินการรอบ 6 เดือนแล้ว")
    round_card = page.locator("section.card", has_text="รอบ 6 เดือน")
    expect(round_card.locator(".badge")).to_have_text("ดำเนินการแล้ว")
    expect(round_card).to_contain_text(OUTPUT)
    expect(round_card.get_by_role("link", name=evidence.name)).to_be_visible()
    journey.shot(page, "progress-saved")

    page.get_by_role("link", name="‹ มาตรการปี 2568").click()
    expect(page.locator("#status-counts")).to_contain_text("1")
    assert horizontal_overflow(page) == 0
    journey.shot(page, "measures-list")

    page.get_by_role("link", name="เอกสารรายงาน").click()
    form = page.locator(f"form[action='/o/{org.code}/{YEAR}/documents/measure-results/']")
    form.get_by_label("รอบ").select_option(label="รอบ 6 เดือน")
    journey.shot(page, "documents")
    with page.expect_download() as download:
        form.get_by_role("button", name="ดาวน์โหลด PDF").click()
    pdf = tmp_path / "measure-results.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename.endswith(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert squash(MEASURE_TITLE) in text
    assert squash(OUTPUT) in text and squash(evidence.name) in text
    journey.pdf_shot(pdf, "report-pdf")

    # The form posts (its texts are too long for an address): the page keeps a plain address.
    form.get_by_role("button", name="ดูบนหน้าจอ").click()
    page.wait_for_url(re.compile(r"/documents/measure-results/$"))
    expect(page.locator("body")).to_contain_text("รอบ 6 เดือน")
    assert squash(MEASURE_TITLE) in squash(page.inner_text("body"))
    journey.shot(page, "report-on-screen")
    journey.assert_clean()


# ---------------------------------------------------------------- 2. approver and author


def test_approver_returns_then_chain_approves(journey, org, staff, approver, org_admin):
    _catalogue()
    org.document_prefix = "นม 93501/"
    org.save()
    unit = UnitFactory(organisation=org, name="สำนักปลัด", phone="044-000-111")
    rounds = rounds_ensure_defaults(organisation=org, year=YEAR)
    measure = measure_create(
        organisation=org,
        year=YEAR,
        user=staff,
        title=MEASURE_TITLE,
        responsible_units=[unit],
        steps=STEPS,
        timeframe_kind="quarters",
        quarters=[2],
    )
    progress_entry_record(
        measure=measure,
        round=rounds[0],
        user=staff,
        status="done",
        output=OUTPUT,
        reported_on=date(2025, 3, 20),
    )
    deputy = MembershipFactory(
        organisation=org, role="approver", user__username="deputy", position_title="รองนายก"
    ).user
    mayor = MembershipFactory(
        organisation=org, role="approver", user__username="mayor", position_title="นายก"
    ).user
    template = memos.chain_template_save(
        organisation=org,
        user=org_admin,
        name="เสนอผู้บริหาร",
        steps=[("ปลัด", approver), ("รองนายก", deputy), ("นายก", mayor)],
    )
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)
    public_url = f"/p/{org.code}/{YEAR}/measure-results/"

    page = journey.open(viewport=DESKTOP)
    journey.goto_expecting(page, public_url, 404)  # nothing published yet

    # The approver (ปลัด) returns it with a comment.
    journey.login(page, approver)
    expect(page.locator("#waiting-count")).to_have_text("1")
    page.get_by_role("link", name=re.compile("^รอฉันพิจารณา")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("บันทึกข้อความที่รอท่านพิจารณา")
    journey.shot(page, "waiting-approver")
    page.get_by_role("link", name=re.compile(re.escape(memo.subject[:40]))).click()
    act_card = page.locator("#act")
    expect(act_card).to_contain_text("รอท่านพิจารณา: ปลัด")
    act_card.get_by_label("ความเห็น (จำเป็นเมื่อส่งกลับแก้ไข)").fill("กรุณาแนบภาพกิจกรรมและแก้ข้อเสนอ")
    journey.shot(page, "memo-to-return")
    act_card.get_by_role("button", name="ส่งกลับแก้ไข").click()
    expect(page.get_by_role("alert")).to_contain_text("บันทึกผลการพิจารณา “ส่งกลับแก้ไข” แล้ว")
    expect(page.locator("#memo-status")).to_have_text("ส่งกลับแก้ไข")
    expect(page.locator("#act")).to_have_count(0)
    journey.shot(page, "memo-returned")
    journey.logout(page)

    # The author edits and submits again.
    journey.login(page, staff)
    page.get_by_role("link", name="บันทึกข้อความ", exact=True).click()
    page.get_by_role("link", name=re.compile(re.escape(memo.subject[:40]))).click()
    expect(page.locator("main")).to_contain_text("กรุณาแนบภาพกิจกรรมและแก้ข้อเสนอ")
    journey.shot(page, "memo-author-sees-comment")
    page.get_by_role("link", name="แก้ไข", exact=True).click()
    proposal = page.get_by_label("๓. ข้อพิจารณา/ข้อเสนอ")
    new_proposal = proposal.input_value() + " ทั้งนี้ได้แนบภาพกิจกรรมเพิ่มเติมแล้ว"
    proposal.fill(new_proposal)
    journey.shot(page, "memo-edit")
    page.get_by_role("button", name="บันทึกร่าง").click()
    expect(page.get_by_role("alert")).to_contain_text("บันทึกการแก้ไขแล้ว")
    expect(page.locator("main")).to_contain_text("ทั้งนี้ได้แนบภาพกิจกรรมเพิ่มเติมแล้ว")
    page.get_by_label("ลำดับการเสนอ").select_option(label="เสนอผู้บริหาร")
    page.get_by_role("button", name="เสนอ", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("เสนอบันทึกข้อความแล้ว")
    expect(page.locator("#memo-status")).to_have_text("อยู่ระหว่างเสนอ")
    expect(page.get_by_text("การเสนอครั้งที่ 2")).to_be_visible()
    journey.shot(page, "memo-resubmitted")
    journey.logout(page)

    # Each signer in turn, to the last.
    for user, title, button in (
        (approver, "ปลัด", "เห็นชอบ"),
        (deputy, "รองนายก", "เห็นชอบ"),
        (mayor, "นายก", "อนุมัติ"),
    ):
        journey.login(page, user)
        page.get_by_role("link", name=re.compile("^รอฉันพิจารณา")).click()
        page.get_by_role("link", name=re.compile(re.escape(memo.subject[:40]))).click()
        act_card = page.locator("#act")
        expect(act_card).to_contain_text(f"รอท่านพิจารณา: {title}")
        act_card.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text(f"บันทึกผลการพิจารณา “{button}” แล้ว")
        journey.shot(page, f"signed-{user.username}")
        journey.logout(page)

    memo.refresh_from_db()
    assert memo.status == "approved"
    journey.goto_expecting(page, public_url, 200)
    expect(page.locator("body")).to_contain_text("บันทึกการอนุมัติ")
    assert squash(MEASURE_TITLE) in squash(page.inner_text("body"))
    assert squash(OUTPUT) in squash(page.inner_text("body"))
    journey.shot(page, "published")
    journey.assert_clean()


# ---------------------------------------------------------------- 3. public visitor


def test_public_visitor(journey, org, other_org, staff, org_admin, approver, tmp_path):
    unit, rounds, measure, template, mayor = setup_chain(org, staff, org_admin, approver)
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)
    for user in (org_admin, approver, mayor):
        act(memo, user, Decision.APPROVED)
    OrganisationFactory(name="เทศบาลตำบลหนองบัว", province="ขอนแก่น")

    page = journey.open(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/")
    expect_styled(page)
    journey.shot(page, "home")
    page.get_by_role("button", name="เปิดเมนู").click()  # Bootstrap's collapse (JS)
    page.get_by_role("link", name="เอกสารเผยแพร่").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("เอกสารเผยแพร่ของหน่วยงาน")
    journey.shot(page, "directory")

    page.get_by_label("ค้นหาหน่วยงาน").fill("ขามสมบูรณ์")
    page.get_by_role("button", name="ค้นหา").click()
    results = page.locator("main .list-group-item")
    expect(results).to_have_count(1)
    expect(results).to_contain_text(org.name)
    expect(results).to_contain_text("เอกสาร 2 ฉบับ")  # the report and its memo
    journey.shot(page, "search-results")

    results.get_by_role("link", name=org.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(org.name)
    expect(page.locator("main")).to_contain_text("ปีงบประมาณ พ.ศ. 2568")
    assert horizontal_overflow(page) == 0
    journey.shot(page, "organisation")
    report = page.locator("main li", has_text="รายงานผลการดำเนินการ").first

    report.get_by_role("link").first.click()
    # The 6-month report's own address (each round has one; issue 15).
    page.wait_for_url(f"**/p/{org.code}/{YEAR}/measure-results/round-6/")
    expect(page.locator("body")).to_contain_text("บันทึกการอนุมัติ")
    expect(page.locator("body")).to_contain_text("จัดทำคู่มือแล้ว 12 เรื่อง")
    journey.shot(page, "published-report")
    page.go_back()

    # The public PDF is served inline, so Chromium opens it in its built-in viewer (a person
    # saves it from there); the file itself is fetched again with the visitor's browser profile.
    pdf_url = f"/p/{org.code}/{YEAR}/measure-results/round-6.pdf"
    with page.expect_response(lambda r: r.url.endswith(pdf_url)) as pdf_response:
        report.get_by_role("link", name="PDF").click()
    response = pdf_response.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert f"{org.code}-{YEAR}-measure-results-r1.pdf" in response.headers["content-disposition"]
    fetched = page.context.request.get(response.url)
    assert fetched.ok and fetched.body().startswith(b"%PDF")
    pdf = tmp_path / "public.pdf"
    pdf.write_bytes(fetched.body())
    assert squash(measure.title) in pdf_text(pdf)
    journey.pdf_shot(pdf, "public-pdf")

    # A kind that was never published is not there at all.
    journey.goto_expecting(page, f"/p/{org.code}/{YEAR}/progress/", 404)
    journey.shot(page, "unpublished-404")
    journey.assert_clean()


# ---------------------------------------------------------------- 4. central admin


def _score_workbook(path, bad_row: int | None = None):
    """Long layout (org_code, fiscal_year, item_code, score) of the demo 2568 scores."""
    seed = json.loads(
        (settings.BASE_DIR / "fixtures" / "demo-scores-2568.json").read_text(encoding="utf-8")
    )
    rows = [("6301401", YEAR, code, score) for code, score in seed["items"].items()]
    rows += [("6301401", YEAR, f"ind{n}", score) for n, score in seed["indicators"].items()]
    wb = Workbook()
    ws = wb.active
    ws.title = "คะแนน"
    ws.append(["org_code", "fiscal_year", "item_code", "score"])
    for number, row in enumerate(rows, start=2):
        ws.append([*row[:3], 150 if number == bad_row else row[3]])
    wb.save(path)
    return path


def test_central_admin_imports_scores(journey, org, central_admin, tmp_path):
    _catalogue()
    bad = _score_workbook(tmp_path / "คะแนน ITA 2568.xlsx", bad_row=6)
    good = _score_workbook(tmp_path / "คะแนน ITA 2568 (แก้ไข).xlsx")

    page = journey.open(viewport=DESKTOP)
    journey.login(page, central_admin)
    expect(page.locator("#landing-oversight")).to_be_visible()
    journey.shot(page, "dashboard")
    page.get_by_role("link", name="นำเข้าคะแนน ITA").click()
    page.wait_for_url("**/frameworks/scores/import/")

    page.get_by_label("ไฟล์คะแนน (.xlsx, .xls, .ods)").set_input_files(bad)
    journey.shot(page, "upload-bad")
    page.get_by_role("button", name="ตรวจสอบไฟล์").click()
    page.wait_for_url(re.compile(r"/frameworks/scores/import/[0-9a-f-]{36}/$"))
    expect(page.locator("main")).to_contain_text("พบข้อผิดพลาด 1 รายการ ยังไม่ได้บันทึกข้อมูลใด ๆ")
    error_rows = page.locator("#import-errors tbody tr")
    expect(error_rows).to_have_count(1)
    expect(error_rows.locator("td")).to_have_text(
        ["คะแนน", "6", re.compile("คะแนน"), "150", "คะแนนต้องอยู่ระหว่าง 0–100"]
    )
    expect(page.get_by_role("button", name="ยืนยันบันทึกคะแนน")).to_have_count(0)
    journey.shot(page, "bad-row-error")

    page.get_by_role("link", name="‹ นำเข้าคะแนน").click()
    page.get_by_label("ไฟล์คะแนน (.xlsx, .xls, .ods)").set_input_files(good)
    page.get_by_role("button", name="ตรวจสอบไฟล์").click()
    page.wait_for_url(re.compile(r"/frameworks/scores/import/[0-9a-f-]{36}/$"))
    bar = page.get_by_role("progressbar", name="ความคืบหน้า")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#progress-bar")).to_have_text("100%")
    expect(page.locator("#progress-status")).to_have_text("ตรวจสอบแล้ว (ยังไม่บันทึก)")
    expect(page.locator("#import-counts")).to_contain_text("คะแนนใหม่")
    journey.shot(page, "preview-100")

    page.get_by_role("button", name="ยืนยันบันทึกคะแนน").click()
    expect(page.get_by_role("alert")).to_contain_text("เริ่มบันทึกคะแนนแล้ว")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#progress-status")).to_have_text("นำเข้าเรียบร้อย")
    expect(page.get_by_role("heading", name="บันทึกแล้ว")).to_be_visible()
    journey.shot(page, "committed")

    page.goto(f"/o/{org.code}/{YEAR}/analysis/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "การวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส"
    )
    expect(page.locator("section.card").first).to_contain_text("i")
    journey.shot(page, "analysis")
    page.get_by_role("button", name="ดูบนหน้าจอ").click()
    page.wait_for_url(f"**/o/{org.code}/{YEAR}/analysis/document/?*")
    chart = page.locator("svg.chart").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100, box
    assert chart.locator("rect").count() >= 10  # one bar per indicator at least
    journey.shot(page, "analysis-document")
    journey.assert_clean()


# ---------------------------------------------------------------- phone layout defects

MENU_LINES = """() => [...document.querySelectorAll(".nav-pills .nav-link")].map(link => {
    const range = document.createRange();
    range.selectNodeContents(link);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return [link.textContent.trim(), tops.size];
})"""


def test_phone_measures_menu_keeps_words_whole(journey, org, staff):
    rounds_ensure_defaults(organisation=org, year=YEAR)
    page = journey.open(viewport=PHONE, is_mobile=True, has_touch=True)
    journey.login(page, staff)
    page.goto(f"/o/{org.code}/{YEAR}/measures/")
    # Staff do not manage rounds: the menu offers only what they may open (issue 16).
    expect(page.locator(".nav-pills .nav-link")).to_have_count(7)
    journey.shot(page, "measures-menu")
    lines = dict(page.evaluate(MENU_LINES))
    journey.assert_clean()
    # Each label on one line; the menu may scroll sideways (it is overflow-auto).
    assert lines == dict.fromkeys(lines, 1)


def test_an_oversize_file_is_refused_before_it_is_sent(journey, org, staff, org_admin, approver):
    """The browser checks the field's limit (portal.js): a 21 MB file is cleared from the field
    with a Thai note naming it and the limit; nothing is sent."""
    unit, rounds, measure, *_ = setup_chain(org, staff, org_admin, approver)
    page = journey.open(viewport=PHONE, is_mobile=True, has_touch=True)
    journey.login(page, staff)
    page.goto(f"/o/{org.code}/measures/{measure.pk}/rounds/{rounds[0].pk}/")
    field = page.locator("input[type=file]")
    expect(page.locator("main")).to_contain_text("ไฟล์ละไม่เกิน 20 MB")
    field.set_input_files(
        {
            "name": "รูปกิจกรรม.pdf",
            "mimeType": "application/pdf",
            "buffer": b"%PDF" + b"0" * (21 * 1024 * 1024),
        }
    )
    note = page.locator(".upload-problem")
    expect(note).to_contain_text("ไฟล์ “รูปกิจกรรม.pdf” มีขนาด 21 MB เกินกำหนด 20 MB ต่อไฟล์")
    assert page.evaluate("document.querySelector('input[type=file]').files.length") == 0
    journey.shot(page, "oversize-file")
    journey.assert_clean()


def test_a_long_list_of_items_can_be_searched(journey, org, staff):
    """About 50 items to choose from: typing a code or a word keeps only the matching ones."""
    _catalogue()
    UnitFactory(organisation=org, name="สำนักปลัด")
    page = journey.open(viewport=PHONE, is_mobile=True, has_touch=True)
    journey.login(page, staff)
    page.goto(f"/o/{org.code}/{YEAR}/measures/new/")
    page.locator("details", has=page.locator("[data-filter-list]")).locator("summary").click()
    rows = page.locator("[data-filter-list] .form-check")
    total = rows.count()
    assert total > 40
    page.get_by_label("ค้นหาข้อการประเมิน").fill("o12")
    expect(page.locator("[data-filter-list] .form-check:visible")).to_have_count(1)
    expect(page.locator("[data-filter-list] .form-check:visible")).to_contain_text("o12")
    page.get_by_label("ค้นหาข้อการประเมิน").fill("")
    expect(page.locator("[data-filter-list] .form-check:visible")).to_have_count(total)
    journey.shot(page, "items-search")
    journey.assert_clean()
