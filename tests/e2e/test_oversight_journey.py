"""A provincial officer follows the agencies of their province: on a phone between meetings, then
at a desk with the export (issue 19)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessments.models import ScoreKind
from organisations.models import OversightScope, ScopeLevel
from oversight.services import agency_statuses_refresh, status_years
from tests.assessments.test_scoring import add_scores, new_assessment
from tests.factories import OrganisationFactory, UserFactory

from .conftest import DESKTOP, PHONE, expect_styled

pytestmark = pytest.mark.e2e


@pytest.fixture
def province():
    call_command("load_framework", stdout=io.StringIO())
    orgs = [
        OrganisationFactory(
            code="6301401", name="องค์การบริหารส่วนตำบลขามสมบูรณ์", province="นครราชสีมา", district="คง"
        ),
        OrganisationFactory(
            code="6301902",
            name="เทศบาลตำบลด่านขุนทด",
            type="tambon",
            province="นครราชสีมา",
            district="ด่านขุนทด",
        ),
        OrganisationFactory(code="3101001", name="องค์การบริหารส่วนตำบลอื่น", province="บุรีรัมย์"),
    ]
    for org, total in zip(orgs, ("90.24", "82.91", "70.00"), strict=True):
        assessment = new_assessment(org, 2568)
        add_scores(assessment, ScoreKind.TOOL, {"IIT": total, "EIT": total, "OIT": total})
        add_scores(assessment, ScoreKind.TOTAL, {"TOTAL": Decimal(total)})
    agency_statuses_refresh(organisation_ids=[o.pk for o in orgs], years=status_years())
    user = UserFactory(username="province", first_name="อรุณี")
    OversightScope.objects.create(user=user, level=ScopeLevel.PROVINCE, province="นครราชสีมา")
    return user, orgs


def test_a_provincial_officer_follows_their_province(journey, province):
    user, orgs = province
    page = journey.open(viewport=PHONE, is_mobile=True, has_touch=True)
    journey.login(page, user)
    expect(page.locator("#landing-oversight")).to_contain_text("จังหวัดนครราชสีมา")
    journey.shot(page, "dashboard-phone")
    page.get_by_role("link", name="เปิดแดชบอร์ดติดตามหน่วยงาน").click()
    page.wait_for_url("**/oversight/")
    expect_styled(page)
    rows = page.locator("#oversight-table tbody tr")
    expect(rows).to_have_count(2)  # their province only
    expect(page.locator("#oversight-table")).not_to_contain_text("องค์การบริหารส่วนตำบลอื่น")
    journey.shot(page, "oversight-phone")

    # Lowest score first: sort by the column, twice for descending then ascending.
    page.get_by_role("link", name="คะแนน ITA", exact=True).click()
    expect(rows.first).to_have_attribute("data-code", "6301902")
    page.get_by_role("link", name="คะแนน ITA", exact=True).click()
    expect(rows.first).to_have_attribute("data-code", "6301401")
    journey.shot(page, "sorted-by-score")

    page.get_by_label("อำเภอ").select_option("ด่านขุนทด")
    page.get_by_role("button", name="แสดง").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("เทศบาลตำบลด่านขุนทด")
    journey.shot(page, "filtered-district")

    # At the desk: the whole province as a workbook.
    desk = journey.open(viewport=DESKTOP)
    journey.login(desk, user)
    desk.goto("/oversight/")
    journey.shot(desk, "oversight-desktop")
    with desk.expect_download() as download:
        desk.get_by_role("link", name=re.compile("ดาวน์โหลด Excel")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    codes = sorted(r[0] for r in book.active.iter_rows(min_row=2, values_only=True))
    assert codes == ["6301401", "6301902"]

    # The province's public page, as a citizen would see it on a phone.
    citizen = journey.open(viewport=PHONE, is_mobile=True, has_touch=True)
    citizen.goto("/p/")
    citizen.get_by_role("link", name="ดูรายจังหวัด").click()
    citizen.get_by_role("link", name="จังหวัดนครราชสีมา").click()
    expect(citizen.locator("#area-agencies tbody tr")).to_have_count(2)
    expect(citizen.locator("#level-table")).to_contain_text("ผ่านดี")
    journey.shot(citizen, "province-public-phone")
    assert not journey.problems, journey.problems
