"""The IIT/EIT poster: one A4 page with both QR codes, the URLs in text, the agency's name and
address; read back from the PDF (text with poppler, the images with pypdf)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from documents.registry import KINDS, document_render
from ita_portal.qr import PNG_BOX, qr_matrix
from tests.pdftools import norm, page_texts

pytestmark = pytest.mark.django_db

YEAR = 2568
IIT = "https://itas.nacc.go.th/go/iit/6301401"
EIT = "https://itas.nacc.go.th/go/eit/6301401"


@pytest.fixture
def poster_org(org):
    call_command("load_framework", stdout=io.StringIO())
    org.address = "เลขที่ 99 หมู่ 1 ตำบลขามสมบูรณ์ อำเภอคง จังหวัดนครราชสีมา 30260"
    org.phone = "044-123456"
    org.save()
    return org


def _matrix_of(image: Image.Image) -> list[list[bool]]:
    """The modules an image of a QR code shows (dark = True), sampled at each module's centre."""
    image = image.convert("L")
    size = image.width // PNG_BOX
    return [
        [
            image.getpixel((x * PNG_BOX + PNG_BOX // 2, y * PNG_BOX + PNG_BOX // 2)) < 128
            for x in range(size)
        ]
        for y in range(size)
    ]


def test_the_poster_is_registered_with_every_output():
    kind = KINDS["survey-poster"]
    assert kind.needs_organisation and not kind.attachable


def test_the_pdf_is_one_a4_page_with_both_codes_and_urls(poster_org, tmp_path):
    pdf = document_render(
        kind="survey-poster", organisation=poster_org, fiscal_year=YEAR, output="pdf"
    ).content
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    texts = page_texts(pdf, tmp_path)
    assert len(texts) == 1
    text = norm(texts[0]).replace(" ", "")
    for expected in (
        f"ร่วมประเมินITAของ{poster_org.name}ปีงบประมาณ{YEAR}",
        "สำหรับบุคลากรในหน่วยงาน",
        "สำหรับผู้รับบริการ/ผู้มาติดต่อ",
        IIT,
        EIT,
        poster_org.address.replace(" ", ""),
        "044-123456",
    ):
        assert expected in text, expected
    images = reader.pages[0].images
    assert len(images) == 2
    decoded = [_matrix_of(i.image) for i in images]
    assert qr_matrix(IIT) in decoded and qr_matrix(EIT) in decoded


def test_the_word_file_carries_both_codes_and_urls(poster_org):
    """An editable poster that still scans: the QR codes are pictures in the Word file."""
    import zipfile

    from docx import Document

    content = document_render(
        kind="survey-poster", organisation=poster_org, fiscal_year=YEAR, output="docx"
    ).content
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert IIT in text and EIT in text and poster_org.name in text
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        decoded = [_matrix_of(Image.open(io.BytesIO(archive.read(n)))) for n in media]
    assert len(media) == 2
    assert qr_matrix(IIT) in decoded and qr_matrix(EIT) in decoded


def test_the_poster_follows_an_agencys_own_link(poster_org, staff, tmp_path):
    from assessments.services import survey_links_update

    own = "https://example.go.th/iit-survey"
    survey_links_update(user=staff, organisation=poster_org, year=YEAR, iit_url=own, eit_url="")
    pdf = document_render(
        kind="survey-poster", organisation=poster_org, fiscal_year=YEAR, output="pdf"
    ).content
    assert own in norm(page_texts(pdf, tmp_path)[0])
    decoded = [_matrix_of(i.image) for i in PdfReader(io.BytesIO(pdf)).pages[0].images]
    assert qr_matrix(own) in decoded


def test_thai_digits_leave_the_urls_alone(poster_org, tmp_path):
    from documents.rendering import DocumentOptions

    pdf = document_render(
        kind="survey-poster",
        organisation=poster_org,
        fiscal_year=YEAR,
        output="pdf",
        options=DocumentOptions(thai_digits=True),
    ).content
    text = norm(page_texts(pdf, tmp_path)[0])
    assert IIT in text and "๒๕๖๘" in text


def test_a_year_without_links_says_so(org, tmp_path):
    pdf = document_render(kind="survey-poster", organisation=org, fiscal_year=2580, output="pdf")
    text = norm(page_texts(pdf.content, tmp_path)[0])
    assert "ยังไม่มีลิงก์แบบวัด IIT ของปีนี้" in text
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 1


def test_the_poster_page_access(client, login, poster_org, staff, approver, outsider):
    url = reverse("documents:survey_poster", kwargs={"code": poster_org.code, "year": YEAR})
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert login(outsider).get(url).status_code == 404
    page = login(approver).get(url)
    assert page.status_code == 200 and "ร่วมประเมิน ITA ของ" in page.content.decode()
    pdf = login(staff).get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    docx = login(staff).get(url + "?format=docx")
    assert docx.status_code == 200 and docx["Content-Disposition"].endswith('.docx"')


def test_the_guides_poster_image(demo, tmp_path):
    """docs/images/survey-poster.png: the demo's poster page at 60 dpi (`make guide-images`
    writes it over the guide's copy; every run checks it stays one small page)."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    from django.conf import settings

    pdf = document_render(kind="survey-poster", organisation=demo, fiscal_year=2570).content
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    source = tmp_path / "survey-poster.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-singlefile",
            str(source),
            str(tmp_path / "survey-poster"),
        ],
        check=True,
        capture_output=True,
    )
    image = tmp_path / "survey-poster.png"
    assert image.stat().st_size < 150_000
    with Image.open(image) as png:
        assert png.size[1] == 702 and abs(png.size[0] - 496) <= 1  # A4 at 60 dpi
    target = os.environ.get("ITA_GUIDE_IMAGES")
    if target:
        shutil.copyfile(image, Path(settings.BASE_DIR) / target / "survey-poster.png")
