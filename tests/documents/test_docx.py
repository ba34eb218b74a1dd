"""Every document kind as an editable Word file (issue 17), read back with python-docx: every
text of the document's HTML is there, its tables are Word tables with their header rows
repeated, the font named is TH SarabunPSK (16 pt text), the page is A4 with the kind's margins."""

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import fontpkg_sarabun
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm
from docx.table import Table
from lxml import html as lxml_html

from documents.registry import DOCX_TYPE, KINDS
from tests.documents.conftest import render_demo_kind

SPACE = re.compile(r"\s+")


def _words(text: str) -> list[str]:
    return [w for w in SPACE.split(text) if w]


def _html_text(content: bytes) -> str:
    tree = lxml_html.fromstring(content)
    for bad in tree.xpath("//style|//script|//svg|//head"):
        bad.drop_tree()
    for el in tree.iter():  # element boundaries (a <br>, a cell) separate words
        el.tail = " " + (el.tail or "")
    return tree.text_content()


def _docx_text(container) -> str:
    """The text of paragraphs and tables in document order (a merged cell once)."""
    parts = []
    for child in container.iter_inner_content():
        if isinstance(child, Table):
            for row in child.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        parts.append(_docx_text(cell))
        else:
            parts.append(child.text)
    return " ".join(parts)


def _nested_tables(document) -> list:
    found, stack = [], list(document.tables)
    while stack:
        table = stack.pop()
        found.append(table)
        for row in table.rows:
            for cell in row.cells:
                stack.extend(cell.tables)
    return found


@pytest.mark.pdf
def test_every_kind_is_a_word_file_with_the_same_text(demo):
    for kind in KINDS.values():
        html = render_demo_kind(kind, demo, "html")
        word = render_demo_kind(kind, demo, "docx")
        assert word.content_type == DOCX_TYPE and word.filename.endswith(".docx")
        document = Document(io.BytesIO(word.content))
        expected = _words(_html_text(html.content))
        got = " ".join(_words(_docx_text(document)))
        # Every word of the document, in order (headers and footers aside).
        position = 0
        for w in expected:
            found = got.find(w, position)
            assert found >= 0, (
                f"{kind.name}: {w!r} missing after …{got[max(position - 60, 0) : position]}"
            )
            position = found + len(w)
        # The font every government PC has, for Latin and Thai (complex script) alike.
        normal = document.styles["Normal"]
        fonts = normal.element.rPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rFonts"
        )
        assert normal.font.name == "TH SarabunPSK" and normal.font.size.pt == 16
        assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cs") == (
            "TH SarabunPSK"
        )
        # The kind's page (a portrait cover or a landscape matrix get a section of their own).
        assert any(
            abs(section.page_width - Cm(29.7 if kind.page.landscape else 21.0)) < Cm(0.01)
            and abs(section.left_margin - Cm(kind.page.left)) < Cm(0.01)
            for section in document.sections
        ), kind.name
        for section in document.sections:
            landscape = section.page_width > section.page_height
            assert landscape == (section.orientation == WD_ORIENT.LANDSCAPE)
        # The file names no software and has no thumbnail.
        properties = document.core_properties
        assert properties.author == "" and properties.comments == ""
        assert properties.created.year >= 2026
        assert not any(
            r.reltype.endswith("/thumbnail") for r in document.part.package.rels.values()
        )
        # Tables are Word tables, their header rows repeated on every page.
        html_tables = lxml_html.fromstring(html.content).xpath("//table")
        assert len(_nested_tables(document)) == len(html_tables), kind.name
        for table_el, table in zip(html_tables, document.tables, strict=False):
            if table_el.xpath("thead/tr"):
                assert table.rows[0]._tr.trPr is not None
                assert "tblHeader" in table.rows[0]._tr.trPr.xml


@pytest.mark.pdf
@pytest.mark.parametrize("thai", [False, True])
def test_the_word_file_follows_the_digit_setting(demo, thai):
    kind = KINDS["measure-results"]
    document = Document(io.BytesIO(render_demo_kind(kind, demo, "docx", thai_digits=thai).content))
    text = _docx_text(document)
    assert re.search("[๐-๙]", text) if thai else not re.search("[๐-๙]", text)
    if thai:
        assert not re.search("[0-9]", text)


@pytest.mark.pdf
def test_libreoffice_opens_every_word_file(demo, tmp_path):
    """Each kind's .docx converts to PDF in headless LibreOffice (Word's files open elsewhere
    too), and the PDF carries the document's Thai text."""
    soffice = shutil.which("soffice")
    assert soffice, (
        "LibreOffice is missing: run `make e2e-deps` (installs libreoffice-writer-nogui)"
    )
    names = []
    for kind in KINDS.values():
        path = tmp_path / f"{kind.name}.docx"
        path.write_bytes(render_demo_kind(kind, demo, "docx").content)
        names.append(path)
    # This machine has no TH SarabunPSK (every government PC has): map it to the bundled
    # Sarabun so the page images show Thai.
    fonts = Path(fontpkg_sarabun.__file__).parent / "files"
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{fonts}</dir>"
        "<alias><family>TH SarabunPSK</family><prefer><family>Sarabun</family></prefer></alias>"
        "</fontconfig>",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            *map(str, names),
        ],
        capture_output=True,
        timeout=300,
        check=False,
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    for path in names:
        pdf = tmp_path / "out" / path.with_suffix(".pdf").name
        assert pdf.exists() and pdf.stat().st_size > 1000, path.name
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert re.search("[ก-๙]{5}", text), f"{path.name}: no Thai text in LibreOffice's PDF"


@pytest.mark.pdf
def test_word_pages_follow_the_print_stylesheet(demo):
    """Found in a trial: the Word copies ran the cover into the report and set the analysis
    matrix on portrait pages. Named pages become sections, page breaks are kept, headings use
    Word's Heading styles."""
    analysis = Document(io.BytesIO(render_demo_kind(KINDS["analysis"], demo, "docx").content))
    last = analysis.sections[-1]
    assert last.orientation == WD_ORIENT.LANDSCAPE and len(analysis.sections) >= 2
    assert analysis.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert len(analysis.tables[-1].columns) == 7  # the matrix, in the landscape section
    body = analysis.element.body.xml
    # the summary, the plan and the matrix start pages (a page break, or a new section)
    assert body.count('w:type="page"') + len(analysis.sections) - 1 >= 3
    styles = {p.style.name for p in analysis.paragraphs if p.text.strip()}
    assert {"Heading 1", "Heading 2"} <= styles

    results = Document(
        io.BytesIO(render_demo_kind(KINDS["measure-results"], demo, "docx", layout="b").content)
    )
    orientations = [s.orientation for s in results.sections]
    assert orientations[0] == WD_ORIENT.PORTRAIT  # the cover (seed 001 has one)
    assert WD_ORIENT.LANDSCAPE in orientations  # the table
    # text-indent of the introduction, and the centred cover
    assert any(p.paragraph_format.first_line_indent for p in results.paragraphs)


@pytest.mark.pdf
def test_the_memo_in_word_is_numbered_as_the_form(demo):
    memo = Document(io.BytesIO(render_demo_kind(KINDS["memo"], demo, "docx").content))
    section = memo.sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.text.startswith("- ") and header.text.endswith(" -")
    assert "PAGE" in header._p.xml
    assert not any(p.text.strip() for p in section.first_page_header.paragraphs)
    assert not any("หน้า" in p.text for p in section.footer.paragraphs)
    # labels and their values are apart, as on the form
    lines = [p.text for p in memo.paragraphs]
    assert any(line.startswith("ส่วนราชการ\t") for line in lines)
    assert any(line.startswith("ที่\t") and "\tวันที่\t" in line for line in lines)
    assert any(line.startswith("เรื่อง\t") for line in lines)


def test_download_names_say_the_round_and_the_layout(demo):
    """Found in a trial: every layout and round downloaded as one name, so saving two
    overwrote the first."""
    from measures.models import ReportingRound

    rounds = list(ReportingRound.objects.filter(organisation=demo, fiscal_year__year=2568))
    names = {
        render_demo_kind(
            KINDS["measure-results"], demo, "html", layout=layout, round_id=r.pk
        ).filename
        for layout in ("a", "b")
        for r in rounds[:2]
    }
    assert len(names) == 4, names
    assert all(n.startswith("measure-results-6301401-") and n.endswith(".html") for n in names)
    assert any(n.endswith("-a.html") for n in names) and any(n.endswith("-b.html") for n in names)


def test_the_documents_page_says_why_a_document_cannot_be_made_yet(demo, client):
    """Found in a trial: buttons offered for documents that could only answer with an error."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from assessments.models import Assessment
    from measures.selectors import rounds_for_year

    client.force_login(get_user_model().objects.get(username="staff"))
    for year in (2568, 2569, 2570):
        page = client.get(reverse("documents:document_index", args=[demo.code, year]))
        html = page.content.decode()
        analysis = html.split('id="kind-analysis"')[1].split("</section>")[0]
        progress = html.split('id="kind-progress"')[1].split("</section>")[0]
        has_scores = Assessment.objects.filter(organisation=demo, fiscal_year__year=year).exists()
        assert ("<form" in analysis) == has_scores, year
        assert ("ยังไม่มีผลการประเมิน" in analysis) == (not has_scores), year
        has_rounds = bool(rounds_for_year(demo, year))
        assert ("<form" in progress) == has_rounds, year
        assert ("ยังไม่มีรอบการรายงาน" in progress) == (not has_rounds), year
    # the demo has both cases
    assert not Assessment.objects.filter(organisation=demo, fiscal_year__year=2570).exists()
