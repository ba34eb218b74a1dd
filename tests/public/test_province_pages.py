"""The public province and district pages open on the latest year with published documents
(early in a fiscal year that is last year's), and offer every year that has some."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from oversight.services import agency_statuses_refresh, status_years

pytestmark = pytest.mark.django_db


def test_the_page_opens_on_the_latest_year_with_documents(org, published):
    publication, _chain = published
    org.province, org.district = "นครราชสีมา", "คง"
    org.save()
    agency_statuses_refresh(organisation_ids=[org.pk], years=status_years())
    page = Client().get(reverse("public:province", args=["นครราชสีมา"])).content.decode()
    year = publication.fiscal_year  # 2568, older than this fiscal year
    assert f"เอกสารที่เผยแพร่ในปีงบประมาณ {year}" in page
    row = page.split(f'data-code="{org.code}"')[1].split("</tr>")[0]
    assert "รายงานผลการดำเนินการ" in row or "ผลการดำเนินการ" in row
    # Each document is a link to its permanent address, which opens it.
    links = re.findall(r'<a href="(/p/[^"]+)">', row.split("</td>")[-2])
    assert links and all(f"/p/{org.code}/{year}/" in link for link in links)
    for link in links:
        assert Client().get(link).status_code == 200, link
    years = re.findall(r"\?year=(\d{4})", page.split('id="year-links"')[1].split("</p>")[0])
    assert str(status_years()[0]) in years  # this year is offered, empty or not
    this_year = (
        Client()
        .get(reverse("public:district", args=["นครราชสีมา", "คง"]), {"year": status_years()[0]})
        .content.decode()
    )
    row = this_year.split(f'data-code="{org.code}"')[1].split("</tr>")[0]
    assert "ยังไม่มี" in row
