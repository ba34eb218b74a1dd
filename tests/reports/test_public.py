"""The public site: permanent URLs, only published documents, caching, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import memos
from reports.models import Decision, Publication

from .memo_helpers import YEAR, act, new_memo, setup_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(org, staff, org_admin, approver):
    chain = setup_chain(org, staff, org_admin, approver)
    memo = new_memo(org, staff, chain[0], chain[1])
    memos.memo_submit(memo=memo, user=staff, template=chain[3])
    for user in (staff, org_admin, approver, chain[4]):
        act(memo, user, Decision.APPROVED)
    return Publication.objects.get(kind="measure-results"), chain


def test_public_urls_scheme(client, org, published):
    pub, _ = published
    assert (
        reverse("public:document", args=[org.code, YEAR, "measure-results"])
        == f"/p/{org.code}/{YEAR}/measure-results/"
    )
    assert (
        reverse("public:document_pdf", args=[org.code, YEAR, "measure-results"])
        == f"/p/{org.code}/{YEAR}/measure-results.pdf"
    )
    assert (
        reverse("public:document_revision", args=[org.code, YEAR, "measure-results", 1])
        == f"/p/{org.code}/{YEAR}/measure-results/r1/"
    )
    page = client.get(f"/p/{org.code}/{YEAR}/measure-results/")
    text = page.content.decode()
    assert page.status_code == 200 and "จัดทำคู่มือแล้ว 12 เรื่อง" in text
    assert "บันทึกการอนุมัติ" in text and "อนุมัติ" in text and pub.memo.number in text
    pdf = client.get(f"/p/{org.code}/{YEAR}/measure-results.pdf")
    assert b"".join(pdf.streaming_content) == pub.pdf.open("rb").read()  # the stored file, as is


def test_caching_headers_and_not_modified(client, org, published):
    page = client.get(f"/p/{org.code}/{YEAR}/measure-results/")
    assert page["ETag"] and page["Last-Modified"]
    assert (
        client.get(
            f"/p/{org.code}/{YEAR}/measure-results/", HTTP_IF_NONE_MATCH=page["ETag"]
        ).status_code
        == 304
    )
    pdf = client.get(f"/p/{org.code}/{YEAR}/measure-results.pdf")
    assert (
        client.get(
            f"/p/{org.code}/{YEAR}/measure-results.pdf", HTTP_IF_NONE_MATCH=pdf["ETag"]
        ).status_code
        == 304
    )


def test_pdf_is_never_rerendered(client, org, published, monkeypatch):
    import reports.documents

    monkeypatch.setattr(reports.documents, "html_to_pdf", lambda html: pytest.fail("re-rendered"))
    assert client.get(f"/p/{org.code}/{YEAR}/measure-results.pdf").status_code == 200


def test_unpublished_is_never_reachable(client, org, other_org, published):
    assert client.get(f"/p/{org.code}/{YEAR}/progress/").status_code == 404  # never published
    assert client.get(f"/p/{org.code}/{YEAR}/measure-plan.pdf").status_code == 404
    assert client.get(f"/p/{org.code}/{YEAR}/measure-results/r2/").status_code == 404
    assert client.get(f"/p/{other_org.code}/{YEAR}/measure-results/").status_code == 404
    org_page = client.get(f"/p/{org.code}/").content.decode()
    assert "@example.invalid" not in org_page and "ร่าง" not in org_page


def test_withdrawn_document_shows_a_notice(client, org, org_admin, published):
    pub, _ = published
    memos.publication_withdraw(publication=pub, user=org_admin, reason="ข้อมูลคลาดเคลื่อน")
    for url in (
        f"/p/{org.code}/{YEAR}/measure-results/",
        f"/p/{org.code}/{YEAR}/measure-results/r1/",
        f"/p/{org.code}/{YEAR}/measure-results.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 410, url
        text = response.content.decode()
        assert "ถูกถอนการเผยแพร่เมื่อ" in text and "ข้อมูลคลาดเคลื่อน" in text


def test_directory_search_and_organisation_page(client, org, other_org, published):
    page = client.get("/p/", {"q": "ขามสมบูรณ์"}).content.decode()
    assert org.name in page and other_org.name not in page
    assert "ไม่พบหน่วยงานที่ตรงกับ" in client.get("/p/", {"q": "ไม่มีแน่นอน"}).content.decode()
    org_page = client.get(f"/p/{org.code}/").content.decode()
    assert (
        f"/p/{org.code}/{YEAR}/measure-results/" in org_page and "ปีงบประมาณ พ.ศ. 2568" in org_page
    )
    assert client.get("/p/NOPE/").status_code == 404


def _queries(client, url):
    from django.core.cache import cache

    cache.clear()  # count the queries of a real render, not of a cache hit
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_public_pages_run_in_constant_queries(client, org, staff, org_admin, approver, published):
    pub, chain = published
    urls = [
        "/p/",
        f"/p/{org.code}/",
        f"/p/{org.code}/{YEAR}/measure-results/",
        f"/p/{org.code}/{YEAR}/measure-results.pdf",
    ]
    before = [_queries(client, url) for url in urls]
    for _ in range(3):
        memo = new_memo(org, staff, chain[0], chain[1])
        memos.memo_submit(memo=memo, user=staff, template=chain[3])
        for user in (staff, org_admin, approver, chain[4]):
            act(memo, user, Decision.APPROVED)
    from tests.factories import OrganisationFactory

    OrganisationFactory.create_batch(5)
    assert [_queries(client, url) for url in urls] == before


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_public_pages_are_served_from_the_cache_and_refreshed_on_change(
    client, org, org_admin, published
):
    from django.core.cache import cache

    cache.clear()
    url = f"/p/{org.code}/{YEAR}/measure-results/"
    first = client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url)
    assert len(ctx.captured_queries) == 0 and again.content == first.content
    pub, _ = published
    memos.publication_withdraw(publication=pub, user=org_admin, reason="ผิดพลาด")
    assert client.get(url).status_code == 410  # the change is visible at once


def test_logged_in_pages_are_never_cached_for_others(client, org, staff, published):
    from django.core.cache import cache

    cache.clear()
    client.force_login(staff)
    page = client.get(f"/p/{org.code}/").content.decode()
    assert staff.username in page or staff.get_full_name() in page
    client.logout()
    anonymous = client.get(f"/p/{org.code}/").content.decode()
    assert staff.get_full_name() not in anonymous and "เข้าสู่ระบบ" in anonymous
