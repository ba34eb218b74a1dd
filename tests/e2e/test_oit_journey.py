"""OIT readiness in a real browser: a clerk on a phone attaches the HR plan to o14 and a link to o3,
sends the plan for sign-off, the ปลัด approves it, and a visitor opens the ITAS page of o14."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from approvals import services as memos
from tests.factories import UnitFactory

from .conftest import DESKTOP, PHONE, expect_styled, horizontal_overflow, tiny_pdf

pytestmark = pytest.mark.e2e

YEAR = 2568


def test_oit_evidence_from_upload_to_the_itas_page(
    journey, org, staff, approver, org_admin, tmp_path
):
    call_command("load_framework", stdout=io.StringIO())
    UnitFactory(organisation=org, name="สำนักปลัด")
    memos.chain_template_save(
        organisation=org, user=org_admin, name="เสนอปลัด", steps=[("ปลัด", approver)]
    )
    plan = tiny_pdf(tmp_path / "แผนพัฒนาบุคลากร 2568.pdf")
    item_page = f"/p/{org.code}/{YEAR}/oit/o14/"

    page = journey.open(viewport=PHONE, is_mobile=True, has_touch=True)
    journey.login(page, staff)
    page.goto(f"/o/{org.code}/{YEAR}/oit/")
    expect_styled(page)
    expect(page.locator("#oit-counts")).to_contain_text("26")  # every item still missing
    assert horizontal_overflow(page) == 0
    journey.shot(page, "board-empty")

    page.get_by_role("link", name="o14", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("แผนการบริหารและพัฒนาทรัพยากรบุคคล")
    page.get_by_label("ไฟล์หลักฐาน").set_input_files(plan)
    page.get_by_role("button", name="อัปโหลด").click()
    expect(page.get_by_role("alert")).to_contain_text("ร่าง: ต้องเสนอขออนุมัติก่อนเผยแพร่")
    journey.shot(page, "o14-uploaded")

    # A link that is not a web page gets a Thai error; the corrected one is added.
    page.goto(f"/o/{org.code}/{YEAR}/oit/o3/")
    url_field = page.get_by_label("URL บนเว็บไซต์ของหน่วยงาน")
    url_field.fill("ftp://www.example.go.th/contact")  # the browser accepts it; the portal not
    page.get_by_role("button", name="เพิ่ม").last.click()
    expect(page.locator("main")).to_contain_text("ต้องขึ้นต้นด้วย http:// หรือ https://")
    journey.shot(page, "o3-bad-link")
    page.get_by_label("URL บนเว็บไซต์ของหน่วยงาน").fill("https://www.example.go.th/contact")
    page.get_by_role("button", name="เพิ่ม").last.click()
    expect(page.get_by_role("alert")).to_contain_text("เพิ่มลิงก์")

    page.goto(f"/o/{org.code}/{YEAR}/oit/")
    expect(page.locator("#row-o3")).to_have_attribute("data-state", "published")
    expect(page.locator("#row-o14")).to_have_attribute("data-state", "draft")
    page.locator("#row-o14").get_by_label(re.compile("^เสนอขออนุมัติ")).check()
    journey.shot(page, "board-choose")
    page.get_by_role("button", name="สร้างบันทึกข้อความขออนุมัติเผยแพร่หลักฐานที่เลือก").click()
    expect(page.locator("main")).to_contain_text("ขออนุมัติเผยแพร่ข้อมูลสาธารณะ (OIT)")
    page.get_by_label("ลำดับการเสนอ").select_option(label="เสนอปลัด")
    page.get_by_role("button", name="เสนอ", exact=True).click()
    expect(page.locator("#memo-status")).to_have_text("อยู่ระหว่างเสนอ")
    journey.shot(page, "memo-sent")
    page.get_by_role("button", name="เปิดเมนู").click()  # the phone's collapsed menu
    journey.logout(page)

    # Not public while it waits.
    visitor = journey.open(viewport=DESKTOP)
    visitor.goto(item_page)
    expect(visitor.locator("main")).to_contain_text("ยังไม่มีข้อมูลที่เผยแพร่")

    signer = journey.open(viewport=DESKTOP)
    journey.login(signer, approver)
    signer.get_by_role("link", name=re.compile("^รอฉันพิจารณา")).click()
    signer.get_by_role("link", name=re.compile("ขออนุมัติเผยแพร่ข้อมูลสาธารณะ")).click()
    signer.locator("#act").get_by_role("button", name="อนุมัติ", exact=True).click()
    expect(signer.get_by_role("alert")).to_contain_text("บันทึกผลการพิจารณา “อนุมัติ” แล้ว")
    journey.shot(signer, "approved")

    visitor.goto(item_page)
    expect_styled(visitor)
    evidence = visitor.locator("#oit-evidence a").first
    expect(evidence).to_contain_text("แผนพัฒนาบุคลากร 2568")
    journey.shot(visitor, "public-o14")
    response = visitor.context.request.get(evidence.get_attribute("href"))
    assert response.ok and response.body() == plan.read_bytes()

    visitor.goto(f"/p/{org.code}/{YEAR}/oit/")
    expect(visitor.locator("#item-o3")).to_contain_text("https://www.example.go.th/contact")
    journey.shot(visitor, "public-oit-list")

    signer.goto(f"/o/{org.code}/{YEAR}/oit/itas/")
    expect(signer.locator("#itas-list")).to_contain_text(f"/p/{org.code}/{YEAR}/oit/o14/")
    journey.shot(signer, "itas-list")
    journey.assert_clean()
