"""Evidence goes public with its report: frozen, linked from the HTML and the PDF, served with
protective headers at the revision's permanent URL, unchanged by later edits (issue 15)."""

import hashlib
import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from approvals import services as memos
from approvals.models import Decision
from measures import services as measure_services
from measures.models import Evidence
from publication import services as publication_services
from publication.models import Publication, PublishedFile
from tests.measures.helpers import PDF_BYTES
from tests.memo_helpers import YEAR, act, new_memo, setup_chain

pytestmark = pytest.mark.django_db

SITE_URL = "https://ita.example.go.th"
LINK = "https://www.khamsomboon.go.th/news/manual-2568"


@pytest.fixture
def published(org, staff, org_admin, approver, settings):
    settings.SITE_URL = SITE_URL
    unit, rounds, measure, template, mayor = setup_chain(org, staff, org_admin, approver)
    entry = measure.progress.get(round=rounds[0])
    evidence = measure_services.evidence_add_file(
        entry=entry,
        upload=SimpleUploadedFile("คู่มือ.pdf", PDF_BYTES),
        user=staff,
        title="คู่มือการปฏิบัติงาน (ฉบับลงนาม)",
    )
    measure_services.evidence_add_link(
        entry=entry, url=LINK, user=staff, title="ข่าวประชาสัมพันธ์บนเว็บไซต์"
    )
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)
    for user in (org_admin, approver, mayor):
        act(memo, user, Decision.APPROVED)
    publication = Publication.objects.get(kind="measure-results")
    return publication, evidence, (unit, rounds, template, mayor)


def _file_path(org, number=1, revision=1):
    return reverse(
        "public:document_file",
        kwargs={
            "code": org.code,
            "year": YEAR,
            "kind": "measure-results",
            "revision": revision,
            "number": number,
        },
    )


def test_evidence_is_frozen_with_the_publication(org, published):
    publication, evidence, _ = published
    files = list(publication.files.order_by("number"))
    assert [(f.number, f.kind, f.title) for f in files] == [
        (1, "file", "คู่มือการปฏิบัติงาน (ฉบับลงนาม)"),
        (2, "link", "ข่าวประชาสัมพันธ์บนเว็บไซต์"),
    ]
    frozen = files[0]
    assert frozen.file.name != evidence.file.name  # a copy, not the working file
    assert frozen.file.read() == PDF_BYTES
    assert frozen.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert frozen.context == "จัดทำคู่มือการปฏิบัติงาน"  # the measure it belongs to
    assert files[1].url == LINK and not files[1].file


def test_the_public_page_lists_and_links_the_evidence(org, published):
    page = Client().get(
        reverse(
            "public:document", kwargs={"code": org.code, "year": YEAR, "kind": "measure-results"}
        )
    )
    html = page.content.decode()
    path = _file_path(org)
    # In the frozen document, at its measure, and in the list beside it.
    assert f'<a href="{path}">คู่มือการปฏิบัติงาน (ฉบับลงนาม)</a>' in html
    assert html.count(f'href="{path}"') == 2
    assert f'href="{LINK}" rel="nofollow noopener noreferrer"' in html
    assert "หลักฐานที่เผยแพร่พร้อมเอกสารนี้ (2 รายการ)" in html


def test_the_pdf_carries_real_hyperlinks(org, published, tmp_path):
    publication, _, _ = published
    pdf = publication.pdf.read()
    reader = PdfReader(io.BytesIO(pdf))
    uris = {
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    }
    assert SITE_URL + _file_path(org) in uris
    assert LINK in uris
    (tmp_path / "report.pdf").write_bytes(pdf)
    listed = subprocess.run(
        ["pdfinfo", "-url", str(tmp_path / "report.pdf")], capture_output=True, text=True
    ).stdout
    assert SITE_URL + _file_path(org) in listed


def test_a_frozen_file_is_served_with_protective_headers(org, published):
    response = Client().get(_file_path(org))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    again = Client().get(_file_path(org))  # a cache hit keeps every header
    assert again["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert again["X-Content-Type-Options"] == "nosniff"


def test_a_frozen_file_that_is_not_a_pdf_downloads(org, published):
    publication, _, _ = published
    frozen = publication.files.get(number=1)
    PublishedFile.objects.filter(pk=frozen.pk).update(content_type="image/svg+xml")
    response = Client().get(_file_path(org))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "image/svg+xml"


@pytest.mark.parametrize("number", [2, 3, 99999])
def test_links_and_unknown_numbers_are_not_files(org, published, number):
    assert Client().get(_file_path(org, number=number)).status_code == 404
    assert Client().get(_file_path(org, revision=2)).status_code == 404


def test_a_later_edit_or_deletion_changes_nothing_published(org, staff, published):
    publication, evidence, _ = published
    html_before = publication.html.read()
    Evidence.objects.filter(pk=evidence.pk).update(title="ชื่อใหม่")
    measure_services.evidence_delete(evidence=evidence, user=staff)
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    response = Client().get(_file_path(org))
    assert b"".join(response.streaming_content) == PDF_BYTES
    publication.refresh_from_db()
    assert publication.html.read() == html_before


def test_a_withdrawn_revision_withdraws_its_files(org, org_admin, published):
    publication, _, _ = published
    publication_services.publication_withdraw(
        publication=publication, user=org_admin, reason="แนบหลักฐานผิดฉบับ"
    )
    response = Client().get(_file_path(org))
    assert response.status_code == 410
    assert "แนบหลักฐานผิดฉบับ" in response.content.decode()


def test_each_revision_freezes_its_own_copy(org, staff, published):
    publication, _, (unit, rounds, template, mayor) = published
    second = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=second, user=staff, template=template)
    approvers = [s.assignee for s in second.steps.order_by("order")]
    for user in approvers:
        act(second, user, Decision.APPROVED)
    revision_2 = Publication.objects.get(kind="measure-results", revision=2)
    first, again = publication.files.get(number=1), revision_2.files.get(number=1)
    assert first.file.name != again.file.name and first.sha256 == again.sha256
    assert Client().get(_file_path(org, revision=2)).status_code == 200


def test_the_working_documents_page_says_what_is_already_public(org, staff, published):
    """The clerk sees, beside each document, its live revision and the permanent address to
    paste into ITAS; a withdrawn revision is not offered."""
    publication, _, _ = published
    client = Client()
    client.force_login(staff)
    url = reverse("documents:document_index", args=[org.code, YEAR])
    page = client.get(url).content.decode()
    section = page.split('id="kind-measure-results"')[1].split("</section>")[0]
    assert "เผยแพร่แล้ว" in section and f"ฉบับที่ {publication.revision}" in section
    public = reverse(
        "public:document_variant",
        args=[org.code, YEAR, "measure-results", publication.variant],
    )
    assert publication.variant and f'href="{public}"' in section
    assert f'readonly value="{SITE_URL}{public}"' in section  # the whole address, to copy
    assert Client().get(public).status_code == 200
    other = page.split('id="kind-measure-plan"')[1].split("</section>")[0]
    assert "เผยแพร่แล้ว" not in other
    Publication.objects.filter(pk=publication.pk).update(
        withdrawn_at=publication.published_at, withdraw_reason="ทดสอบ"
    )
    assert "เผยแพร่แล้ว" not in client.get(url).content.decode()


def test_a_published_revision_has_its_word_copy(org, published):
    """Frozen beside the PDF at publication, marked as a copy of the approved document, served
    as a download; a revision published before Word files existed gets one on first request,
    written once from its frozen HTML."""
    import io as _io

    from docx import Document

    publication, _, _ = published
    assert publication.docx.name.endswith(".docx") and publication.docx_sha256
    url = reverse(
        "public:document_revision_docx",
        args=[org.code, YEAR, "measure-results", publication.revision],
    )
    response = Client().get(url)
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(body).hexdigest() == publication.docx_sha256
    text = "\n".join(p.text for p in Document(_io.BytesIO(body)).paragraphs)
    assert "สำเนาเอกสารที่ได้รับอนุมัติให้เผยแพร่" in text and f"ฉบับที่ {publication.revision}" in text
    assert publication.title.split(" รอบ")[0][:30] in "\n".join(
        p.text for p in Document(_io.BytesIO(body)).sections[0].header.paragraphs
    )
    # An older revision: no Word file yet.
    publication.docx.storage.delete(publication.docx.name)
    Publication.objects.filter(pk=publication.pk).update(docx="", docx_sha256="")
    from django.core.cache import cache

    cache.clear()
    first = b"".join(Client().get(url).streaming_content)
    publication.refresh_from_db()
    assert publication.docx and hashlib.sha256(first).hexdigest() == publication.docx_sha256
    cache.clear()
    assert b"".join(Client().get(url).streaming_content) == first  # written once
