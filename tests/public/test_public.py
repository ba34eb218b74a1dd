"""The public site: permanent URLs, only published documents, caching, constant queries."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import services as memos
from approvals.models import Decision
from publication import services as publication_services
from publication.models import Publication
from tests.memo_helpers import YEAR, act, new_memo

pytestmark = pytest.mark.django_db


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
    import documents.registry

    monkeypatch.setattr(documents.registry, "html_to_pdf", lambda html: pytest.fail("re-rendered"))
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
    publication_services.publication_withdraw(
        publication=pub, user=org_admin, reason="ข้อมูลคลาดเคลื่อน"
    )
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
    # Directory: count and page. Organisation: itself, publications, assessments (none here).
    # A document: every revision of its kind with its organisation and memo number, in one,
    # and the evidence frozen with it. Its PDF: the revisions only.
    assert before == [2, 3, 2, 1]
    for _ in range(3):
        memo = new_memo(org, staff, chain[0], chain[1])
        memos.memo_submit(memo=memo, user=staff, template=chain[3])
        for user in (org_admin, approver, chain[4]):
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
    publication_services.publication_withdraw(publication=pub, user=org_admin, reason="ผิดพลาด")
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


# ---------------------------------------------------------------- the cache, page by page


def _count(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body, len(ctx.captured_queries)


def test_organisation_page_queries_miss_and_hit(client, org, scored):
    from django.core.cache import cache

    from assessments.selectors import forget_structures

    url = f"/p/{org.code}/"
    forget_structures()
    cache.clear()
    cold, cold_body, cold_queries = _count(client, url)
    cache.clear()
    miss, miss_body, miss_queries = _count(client, url)
    hit, hit_body, hit_queries = _count(client, url)
    # Organisation, publications, assessments, scores; the first render in a process also reads
    # the catalogue of the five frameworks (bands, indicators, items, areas, area items).
    assert (cold_queries, miss_queries, hit_queries) == (9, 4, 0)
    assert cold_body == miss_body == hit_body
    assert "ระดับ" in hit_body.decode() and "ปีงบประมาณ 2568" in hit_body.decode()


def test_organisation_page_sends_validators_and_answers_304(client, org, scored):
    from django.core.cache import cache

    cache.clear()
    url = f"/p/{org.code}/"
    page = client.get(url)
    assert page["ETag"] and page["Last-Modified"] and page["Cache-Control"] == "public, max-age=300"
    for _ in ("from the cache", "rendered again"):
        response, _, queries = _count(client, url, HTTP_IF_NONE_MATCH=page["ETag"])
        assert response.status_code == 304 and response["ETag"] == page["ETag"]
        assert response["Last-Modified"] == page["Last-Modified"]
        cache.clear()
    assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_a_catalogue_edit_is_on_the_next_organisation_page(client, org, scored):
    from assessments.models import Assessment, GradeBand
    from assessments.scoring import score_sheet
    from assessments.selectors import assessments_for_organisation

    url = f"/p/{org.code}/"
    latest = next(a for a in assessments_for_organisation(org) if a.fiscal_year.year == 2568)
    label = score_sheet(latest).level.label
    first = client.get(url)
    assert label in first.content.decode()
    assert _count(client, url)[2] == 0  # served from the cache
    band = GradeBand.objects.get(pk=score_sheet(latest).level.pk)
    band.label = "ระดับที่ผู้ดูแลแก้ไข"
    band.save()
    page = client.get(url)
    assert "ระดับที่ผู้ดูแลแก้ไข" in page.content.decode()
    assert page["ETag"] != first["ETag"]
    assert Assessment.objects.filter(organisation=org).count() == 5


def test_a_score_import_retires_the_cached_organisation_page(client, org, scored):
    from openpyxl import Workbook

    from assessments.imports import scores_import

    url = f"/p/{org.code}/"
    first = client.get(url)
    assert "๙๙.๙๙" not in first.content.decode() and "99.99" not in first.content.decode()
    wb = Workbook()
    wb.active.append(["org_code", "fiscal_year", "item_code", "score"])
    wb.active.append([org.code, 2568, "TOTAL", 99.99])
    content = io.BytesIO()
    wb.save(content)
    scores_import(content=content.getvalue(), file_name="คะแนน.xlsx")
    page = client.get(url)
    assert "99.99" in page.content.decode() and page["ETag"] != first["ETag"]


def test_a_cached_pdf_is_the_same_file_without_a_query(client, org, published):
    from django.core.cache import cache

    pub, _ = published
    cache.clear()
    url = f"/p/{org.code}/{YEAR}/measure-results.pdf"
    miss, miss_body, miss_queries = _count(client, url)
    hit, hit_body, hit_queries = _count(client, url)
    assert (miss_queries, hit_queries) == (1, 0)
    assert hit_body == miss_body == pub.pdf.open("rb").read()
    for name in ("Content-Type", "Content-Length", "Content-Disposition", "ETag", "Last-Modified"):
        assert hit[name] == miss[name], name
    assert (
        hit["Content-Type"] == "application/pdf"
        and f"-r{pub.revision}.pdf" in hit["Content-Disposition"]
    )
    revalidated, _, queries = _count(client, url, HTTP_IF_NONE_MATCH=miss["ETag"])
    assert revalidated.status_code == 304 and queries == 0 and revalidated["ETag"] == miss["ETag"]


def test_a_withdrawal_retires_the_cached_pdf_document_and_organisation_page(
    client, org, org_admin, published
):
    pub, _ = published
    document, pdf = (
        f"/p/{org.code}/{YEAR}/measure-results/",
        f"/p/{org.code}/{YEAR}/measure-results.pdf",
    )
    for url in (document, pdf, f"/p/{org.code}/"):
        assert client.get(url).status_code == 200
    assert _count(client, pdf)[2] == 0
    publication_services.publication_withdraw(
        publication=pub, user=org_admin, reason="ข้อมูลคลาดเคลื่อน"
    )
    for url in (document, pdf):
        response, body, _ = _count(client, url)
        assert response.status_code == 410 and "ข้อมูลคลาดเคลื่อน" in body.decode(), url
    assert document not in client.get(f"/p/{org.code}/").content.decode()
    assert _count(client, pdf)[2] == 0  # the withdrawal notice is cached in turn


def test_a_new_revision_replaces_the_cached_document_and_pdf(
    client, org, staff, org_admin, approver, published
):
    _, chain = published
    document, pdf = (
        f"/p/{org.code}/{YEAR}/measure-results/",
        f"/p/{org.code}/{YEAR}/measure-results.pdf",
    )
    assert "-r1.pdf" in client.get(pdf)["Content-Disposition"]
    assert "ฉบับที่ 1" in client.get(document).content.decode()
    memo = new_memo(org, staff, chain[0], chain[1])
    memos.memo_submit(memo=memo, user=staff, template=chain[3])
    for user in (org_admin, approver, chain[4]):
        act(memo, user, Decision.APPROVED)
    assert "-r2.pdf" in client.get(pdf)["Content-Disposition"]
    page = client.get(document).content.decode()
    assert "ฉบับที่ 2" in page and f"{document}r1/" in page  # and links the first one


def test_an_organisation_change_reaches_its_cached_public_pages(client, org, published):
    page, document = f"/p/{org.code}/", f"/p/{org.code}/{YEAR}/measure-results/"
    assert org.name in client.get(page).content.decode()
    assert client.get(document).status_code == 200
    assert _count(client, page)[2] == 0  # cached
    org.name = "องค์การบริหารส่วนตำบลชื่อใหม่"
    org.save()
    assert "องค์การบริหารส่วนตำบลชื่อใหม่" in client.get(page).content.decode()
    org.is_active = False
    org.save()
    assert client.get(page).status_code == 404 and client.get(document).status_code == 404


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_three_memos_in_a_row_every_url_keeps_its_document(
    client, org, staff, org_admin, approver, published
):
    """Publish three memos for three different documents; every URL public along the way
    answers the same bytes afterwards, and /memo/ is the list, never "the latest memo"."""
    _, chain = published
    unit, rounds, _, template, mayor = chain
    seen: dict[str, bytes] = {}

    def remember_every_public_url():
        for p in Publication.objects.filter(organisation=org):
            for url in (
                f"/p/{org.code}/{p.fiscal_year}/{p.kind}/r{p.revision}/",
                f"/p/{org.code}/{p.fiscal_year}/{p.kind}/r{p.revision}.pdf",
            ):
                seen.setdefault(url, _body(client.get(url)))
            if p.kind != "memo":  # "latest" addresses are per document kind
                for url in (
                    f"/p/{org.code}/{p.fiscal_year}/{p.kind}/",
                    f"/p/{org.code}/{p.fiscal_year}/{p.kind}.pdf",
                ):
                    seen.setdefault(url, _body(client.get(url)))

    remember_every_public_url()
    for kind, round_id in (("measure-plan", None), ("progress", rounds[0].pk), ("analysis", None)):
        texts = memos.memo_draft_texts(organisation=org, fiscal_year=YEAR, kind=kind)
        attachment = {
            "kind": kind,
            "fiscal_year": YEAR,
            "options": {"round_id": round_id} if round_id else {},
            "title": texts["title"],
        }
        if kind == "analysis":
            # The analysis needs scores this world has not: no memo may carry it yet.
            with pytest.raises(ValidationError, match="ยังสร้างไม่ได้: .*นำเข้าคะแนนก่อน"):
                new_memo(org, staff, unit, rounds, attachments=[attachment])
            continue
        memo = new_memo(
            org, staff, unit, rounds, subject=texts["subject"], attachments=[attachment]
        )
        memos.memo_submit(memo=memo, user=staff, template=template)
        for user in (org_admin, approver, mayor):
            act(memo, user, Decision.APPROVED)
        remember_every_public_url()
    assert Publication.objects.filter(organisation=org, kind="memo").count() >= 3
    for url, body in seen.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert _body(response) == body, f"{url} changed its document"
    listing = client.get(f"/p/{org.code}/{YEAR}/memo/").content.decode()
    numbers = [p.memo.number for p in Publication.objects.filter(organisation=org, kind="memo")]
    assert all(f"บันทึกข้อความ ที่ {n}" in listing for n in numbers)
    assert client.get(f"/p/{org.code}/{YEAR}/memo.pdf")["Location"] == f"/p/{org.code}/{YEAR}/memo/"
    # Each document's page links the memo that approved it.
    plan = client.get(f"/p/{org.code}/{YEAR}/measure-plan/").content.decode()
    memo_revision = Publication.objects.get(
        kind="memo", memo=Publication.objects.get(kind="measure-plan").memo
    ).revision
    assert f'/p/{org.code}/{YEAR}/memo/r{memo_revision}/">บันทึกข้อความ ที่' in plan


def test_the_organisation_page_lists_documents_before_memos_and_explains_mixed_levels(
    client, org, scored
):
    from publication.models import Publication

    # "progress" sorts after "memo": the memos' line still comes last.
    Publication.objects.filter(kind="measure-results").update(kind="progress")
    page = client.get(f"/p/{org.code}/").content.decode()
    year_block = page.split(f"ปีงบประมาณ พ.ศ. {YEAR}", 1)[1].split("</ul>")[0]
    assert year_block.index("/progress/") < year_block.index("/memo/")
    # Five years span both gradings (AA–F until 2566, named levels from 2567): said once.
    assert 'id="grading-note"' in page
    assert "ระดับ AA–F (ถึงปี 2566)" in page and "ตั้งแต่ปี 2567" in page
