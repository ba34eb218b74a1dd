"""The document engine: Thai PDFs whose text layer is right, fonts embedded, headers repeated.

The sample document renders every line of the five real seed documents as paragraphs and as
rows of a multi-page table. Each line carries an ASCII reference, so each line is compared with
exactly the text the PDF gives back for it.
"""

import hashlib
import inspect
import io
import re
import subprocess
from decimal import Decimal

import pytest
import weasyprint
from django.core.management import CommandError, call_command
from django.utils.safestring import mark_safe

from documents import pdf_text
from documents.kinds.sample import seed_documents
from documents.registry import document_render
from documents.rendering import DocumentOptions, LocalOnlyFetcher, render_html
from documents.typography import OFFICIAL_SIZES, sarabun_pt
from tests.pdftools import norm, page_texts, pdffonts, pdftotext, segments, wrap_match

pytestmark = pytest.mark.pdf

TITLE = "ตัวอย่างเอกสารภาษาไทย"
# Text that is not a seed line: running title, table header, section title, and the sample
# chart (SVG is painted after the page's text, so its labels land inside a paragraph's run).
FURNITURE = {
    TITLE,
    "อ้างอิง ข้อความ",
    "ตารางข้อความจากเอกสารต้นแบบ",
    "ตัวอย่างแผนภูมิ: คะแนนรายตัวชี้วัด",
    "การปฏิบัติหน้าที่ 99.78",
    "การใช้ทรัพย์สินของราชการ 67.10",
    "คุณภาพการดำเนินงาน 92.52",
    "การเปิดเผยข้อมูล 78.50",
}
FURNITURE_RE = re.compile(r"หน้า [0-9๐-๙]+ / [0-9๐-๙]+|[0-9๐-๙]+\. \d{3}_[0-9a-f]{16}")


@pytest.fixture(scope="module")
def sample_pdf():
    return document_render(kind="sample").content


@pytest.fixture(scope="module")
def expected_lines():
    return {
        line[key]: line["text"]
        for seed in seed_documents()
        for line in seed["lines"]
        for key in ("ref_p", "ref_s")
    }


def _round_trip(pdf, tmp_path, expected_lines):
    found = segments(pdftotext(pdf, tmp_path), r"[PS]\d{3}L\d{4}", FURNITURE, FURNITURE_RE)
    failures = [
        ref for ref, text in expected_lines.items() if not wrap_match(text, found.get(ref, ""))
    ]
    return found, failures


def test_every_seed_line_round_trips(sample_pdf, tmp_path, expected_lines):
    found, failures = _round_trip(sample_pdf, tmp_path, expected_lines)
    assert len(found) == len(expected_lines) > 800  # every paragraph and every table row
    assert failures == [], f"{len(failures)} lines differ, e.g. {failures[:5]}"


def test_sara_am_and_tone_marks_come_back(sample_pdf, tmp_path):
    text = norm(pdftotext(sample_pdf, tmp_path))
    for phrase in ["การดำเนินการ", "ประจำปีงบประมาณ", "ผู้บริหาร", "ที่ต้องปรับปรุง"]:
        assert phrase in text


def test_without_the_fix_thai_does_not_round_trip(tmp_path, expected_lines):
    """The proof that the fix is what makes the round trip pass."""
    pdf_text.uninstall()
    try:
        pdf = document_render(kind="sample").content
    finally:
        pdf_text.install()
    _, failures = _round_trip(pdf, tmp_path, expected_lines)
    assert len(failures) > len(expected_lines) // 3
    assert "ดำเนินการ" not in pdftotext(pdf, tmp_path)  # SARA AM comes back as SARA AA


def test_patched_weasyprint_function_is_the_one_the_fix_was_written_for():
    """Fails loudly when a WeasyPrint upgrade changes draw_first_line: re-check
    reports/pdf_text.py (Kozea/WeasyPrint#2841) and update ORIGINAL_SOURCE_SHA256."""
    from weasyprint.draw import text

    assert weasyprint.__version__ == "70.0"
    original = getattr(text.draw_first_line, "_actualtext_original", text.draw_first_line)
    digest = hashlib.sha256(inspect.getsource(original).encode()).hexdigest()
    assert digest == pdf_text.ORIGINAL_SOURCE_SHA256
    assert pdf_text.is_installed()  # installed at start-up by ReportsConfig.ready()


def test_pdf_embeds_sarabun_and_nothing_else(sample_pdf, tmp_path):
    fonts = pdffonts(sample_pdf, tmp_path)
    assert fonts, "no fonts in the PDF"
    assert all("Sarabun" in f["name"] for f in fonts), fonts
    assert all(f["emb"] == "yes" and f["uni"] == "yes" for f in fonts), fonts
    assert any(f["name"].endswith("Sarabun-Bold") for f in fonts)


def test_table_header_repeats_on_every_page_of_the_table(sample_pdf, tmp_path):
    pages = page_texts(sample_pdf, tmp_path)
    first_table_page = next(i for i, p in enumerate(pages) if re.search(r"S\d{3}L\d{4}", p))
    table_pages = pages[first_table_page:]
    assert len(table_pages) > 10
    for number, page in enumerate(table_pages, start=first_table_page + 1):
        assert "อ้างอิง ข้อความ" in page, f"no table header on page {number}"


def test_rows_are_not_split_across_pages(sample_pdf, tmp_path):
    pages = page_texts(sample_pdf, tmp_path)
    first_table_page = next(i for i, p in enumerate(pages) if re.search(r"S\d{3}L\d{4}", p))
    expected = {line["ref_s"]: line["text"] for seed in seed_documents() for line in seed["lines"]}
    for page in pages[first_table_page:]:
        found = segments(page, r"S\d{3}L\d{4}", FURNITURE, FURNITURE_RE)
        for ref, text in found.items():
            assert wrap_match(expected[ref], text), f"row {ref} is cut at a page break"


def test_page_numbers_and_running_title(sample_pdf, tmp_path):
    pages = page_texts(sample_pdf, tmp_path)
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"หน้า {number} / {total}" in page
        assert TITLE in page


def test_thai_digits_option_applies_to_page_numbers_and_chart(tmp_path):
    pdf = document_render(kind="sample", options=DocumentOptions(thai_digits=True)).content
    first = pdftotext(pdf, tmp_path, first=1, last=1)
    assert re.search(r"หน้า ๑ / [๐-๙]+", first)
    assert "๙๙.๗๘" in first  # the chart's figures


def test_chart_is_the_same_svg_on_screen_and_in_the_pdf():
    screen = document_render(kind="sample", output="html").content.decode()
    chart = re.search(r"<svg.*?</svg>", screen, re.S).group(0)
    assert "การใช้ทรัพย์สินของราชการ" in chart and "<script" not in screen
    html_for_pdf = render_html(
        "documents/sample.html",
        {"seeds": [], "rows": [], "chart": mark_safe(chart)},
        kind="sample",
        title=TITLE,
        for_pdf=True,
    )
    assert chart in html_for_pdf


def test_screen_html_uses_site_fonts_and_pdf_uses_local_files():
    screen = document_render(kind="sample", output="html").content.decode()
    assert "/static/fonts/sarabun/Sarabun-Regular.ttf" in screen
    assert "file://" not in screen
    html_for_pdf = render_html(
        "documents/sample.html",
        {"seeds": [], "rows": []},
        kind="sample",
        title=TITLE,
        for_pdf=True,
    )
    assert re.search(r'url\("file://[^"]+Sarabun-Regular\.ttf"\)', html_for_pdf)


def test_user_text_is_escaped_and_never_fetched(tmp_path, monkeypatch):
    hostile = '<img src="http://example.invalid/x.png"><script>alert(1)</script>'
    html = render_html(
        "documents/sample.html",
        {
            "seeds": [{"name": "x", "lines": [{"text": hostile, "ref_p": "P", "ref_s": "S"}]}],
            "rows": [],
        },
        kind="sample",
        title=TITLE,
        for_pdf=True,
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<img src="http' not in html


@pytest.mark.parametrize(
    "url",
    [
        "http://example.invalid/a.png",
        "https://example.invalid/a.css",
        "file:///etc/passwd",
        "ftp://x/y",
    ],
)
def test_renderer_refuses_network_and_foreign_files(url):
    with pytest.raises(ValueError):
        LocalOnlyFetcher().fetch(url)


def test_renderer_reads_its_own_fonts():
    from documents.rendering import FONT_DIR

    response = LocalOnlyFetcher().fetch((FONT_DIR / "Sarabun-Regular.ttf").as_uri())
    assert response is not None


def test_official_type_size_equivalence():
    assert sarabun_pt(16) == OFFICIAL_SIZES["body"] == Decimal("11.00")
    assert sarabun_pt(29) == Decimal("19.94")


def test_render_document_command(tmp_path):
    out = tmp_path / "sample.html"
    call_command(
        "render_document",
        "--kind",
        "sample",
        "--format",
        "html",
        "--output",
        str(out),
        stdout=io.StringIO(),
    )
    assert TITLE in out.read_text(encoding="utf-8")
    pdf = tmp_path / "sample.pdf"
    call_command(
        "render_document",
        "--kind",
        "sample",
        "--output",
        str(pdf),
        "--thai-digits",
        stdout=io.StringIO(),
    )
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "nonsense"], "ไม่รู้จักเอกสารประเภท"),
        (["--kind", "sample", "--org", "NOPE"], "ไม่พบหน่วยงานรหัส NOPE"),
        (["--kind", "sample", "--year", "2024"], "ปี พ.ศ."),
    ],
)
def test_render_document_command_errors_are_thai(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "render_document", *args, "--output", str(tmp_path / "x.pdf"), stdout=io.StringIO()
        )
    assert not (tmp_path / "x.pdf").exists()


def _word_heights(pdf: bytes, tmp_path) -> dict[str, float]:
    path = tmp_path / "bbox.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    heights = {}
    for match in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', html):
        heights.setdefault(match.group(3), float(match.group(2)) - float(match.group(1)))
    return heights


def test_memo_form_layout(tmp_path):
    pdf = document_render(kind="sample-memo", options=DocumentOptions(thai_digits=True)).content
    text = norm(pdftotext(pdf, tmp_path))
    for expected in [
        "บันทึกข้อความ ส่วนราชการ งานนิติการ",
        "ที่ สน ๕๒๒๐๑/ วันที่ ๖ เมษายน ๒๕๖๔",
        "เรื่อง รายงานผลดำเนินการตามมาตรการ",
        "เรียน นายกเทศมนตรีตำบลพรหมานนิคม",
        "๑. เรื่องเดิม",
        "หน้า ๑ / ๑",
    ]:
        assert expected in text
    heights = _word_heights(pdf, tmp_path)
    # Title 29 pt and labels 20 pt against a 16 pt body (TH SarabunPSK sizes).
    assert heights["บันทึกข้อความ"] / heights["เรียน"] == pytest.approx(29 / 16, rel=0.1)
    assert heights["ส่วนราชการ"] / heights["เรียน"] == pytest.approx(20 / 16, rel=0.1)


def test_memo_page_margins_follow_the_form(tmp_path):
    from documents.rendering import MEMO_PAGE

    assert (MEMO_PAGE.left, MEMO_PAGE.right) == (3.0, 2.0)
    pdf = document_render(kind="sample-memo").content
    path = tmp_path / "m.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    x_min = min(float(x) for x in re.findall(r'<word xMin="([\d.]+)"', html))
    assert x_min == pytest.approx(3.0 / 2.54 * 72, abs=2)  # the text starts 3 cm from the left edge


def test_a_pdf_without_thai_glyphs_is_caught():
    """The checker every test runs under (tests/conftest.py): Thai set in a font without Thai
    glyphs is reported; the same text with the bundled Sarabun is not."""
    from documents.rendering import htmls_to_pdf, sarabun_css_for_pdf
    from tests.pdftools import MissingGlyphs

    bare = "<html><body style='font-family: NoSuchFont'><p>รายงานผล</p></body></html>"
    with MissingGlyphs() as watch:
        htmls_to_pdf([bare])
    assert watch.messages and "U+0E23" in " ".join(watch.messages)
    with MissingGlyphs() as watch:
        htmls_to_pdf(
            [
                f"<html><head><style>{sarabun_css_for_pdf()}</style></head>"
                "<body style='font-family: Sarabun'><p>รายงานผล</p></body></html>"
            ]
        )
    assert watch.messages == []
