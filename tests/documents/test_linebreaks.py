"""Thai lines break between words (documents.linebreaks): read back from the PDF, at many widths.

Each case lays a text out at a range of widths and reads the lines back with pdftotext; every line
end must fall on a boundary of the text's newmm words (and, in a heading, a table header or a
title, between its phrases). The same cases with the segmenter off show the renderer's own breaks
inside words, so the check can fail.
"""

import re

import pytest

from documents.linebreaks import ZWSP, segment_html, thai_words
from documents.rendering import html_to_pdf, sarabun_css_for_pdf
from tests.pdftools import pdftotext

pytestmark = pytest.mark.pdf

PARAGRAPH = (
    "หน่วยงานดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงานเพื่อป้องกัน"
    "การประพฤติมิชอบและการทุจริตในการจัดซื้อจัดจ้างรวมทั้งการให้ทุนการศึกษาแก่บุคลากร"
)
WIDTHS = [f"{w / 4:.2f}cm" for w in range(8, 25)]  # 2 cm to 6 cm
THAI_PAGE = (
    f"<html><head><style>{sarabun_css_for_pdf()} body {{ font-family: Sarabun; }}</style>"
    "</head><body><p>หน่วยงาน</p></body></html>"
)


def _lines(body: str, tmp_path) -> list[str]:
    html = (
        f"<html><head><style>{sarabun_css_for_pdf()} body {{ font-family: Sarabun; "
        "font-size: 11pt; } p, h2, table { margin: 0 0 1cm; } .tw { white-space: nowrap; }"
        "</style></head><body>" + body + "</body></html>"
    )
    text = pdftotext(html_to_pdf(html), tmp_path)
    return [line.strip() for line in text.replace("\f", "\n").split("\n") if line.strip()]


def _cuts(lines: list[str], text: str) -> list[int]:
    """Offsets in `text` (no spaces) where the PDF's lines end, for consecutive lines of it."""
    cuts, position = [], 0
    joined = ""
    for line in lines:
        if text.startswith(joined + line):
            joined += line
            position = len(joined)
            if position < len(text):
                cuts.append(position)
        else:
            joined, position = "", 0
            if text.startswith(line):
                joined = line
                cuts.append(len(line))
    return cuts


def _word_boundaries(text: str) -> set[int]:
    boundaries, position = set(), 0
    for word in thai_words(text):
        position += len(word)
        boundaries.add(position)
    return boundaries


def _inside_words(tmp_path) -> list[str]:
    body = "".join(f'<p style="width:{w}">{PARAGRAPH}</p>' for w in WIDTHS)
    lines = _lines(body, tmp_path)
    boundaries = _word_boundaries(PARAGRAPH)
    cuts = _cuts(lines, PARAGRAPH)
    assert len(cuts) > 50, lines  # the paragraphs were found and do wrap
    return [f"{PARAGRAPH[c - 8 : c]}|{PARAGRAPH[c : c + 8]}" for c in cuts if c not in boundaries]


def test_running_text_breaks_between_words_only(tmp_path):
    assert _inside_words(tmp_path) == []


def test_without_the_segmenter_the_renderer_breaks_inside_words(tmp_path, settings):
    settings.DOCUMENTS_THAI_WORD_BREAKS = False
    assert len(_inside_words(tmp_path)) >= 5


@pytest.mark.parametrize("element", ["h2", "th"])
def test_headings_and_table_headers_keep_their_compounds(tmp_path, element, settings):
    heading = "ผลการประเมิน ประจำปีงบประมาณ พ.ศ. 2568 ระยะเวลาดำเนินการ"
    if element == "h2":
        body = "".join(f'<h2 style="width:{w}">{heading}</h2>' for w in WIDTHS)
    else:
        body = "".join(
            f'<table style="width:{w}"><tr><th>{heading}</th></tr></table>' for w in WIDTHS
        )
    lines = _lines(body, tmp_path)
    # Words are never split; a heading keeps its phrases whole, a (narrow) table header may
    # break between the words of one.
    split = r"(ประจำ|ประจำปี|ระยะเวลา|ดำเนิน)$" if element == "h2" else r"(ดำเนิน|ประจำปี|การประ)$"
    ends = [line for line in lines if re.search(split, line)]
    assert ends == [], ends
    if element == "h2":
        assert sum("ประจำปีงบประมาณ" in line for line in lines) == len(WIDTHS)
        assert sum("ระยะเวลาดำเนินการ" in line for line in lines) == len(WIDTHS)

    settings.DOCUMENTS_THAI_WORD_BREAKS = False  # the renderer alone splits them
    lines = _lines(body, tmp_path)
    assert [line for line in lines if re.search(r"(ประจำปี|ดำเนิน)$", line)]


def test_the_text_layer_has_no_zero_width_characters(tmp_path):
    body = "".join(f'<p style="width:{w}">{PARAGRAPH}</p>' for w in WIDTHS[:3])
    text = "".join(_lines(body, tmp_path))
    assert ZWSP not in text and "\u2060" not in text
    # Search finds a word that a line might have been broken around.
    assert "การประพฤติมิชอบ" in text.replace(" ", "") or "ประพฤติมิชอบ" in text


def test_segmenting_leaves_markup_styles_and_svg_alone():
    html = (
        "<html><head><title>ชื่อเรื่องเอกสาร</title><style>.a::after { content: 'ดำเนินการ'; }"
        '</style></head><body><p class="หน่วยงาน">หน่วยงานดำเนินการ</p>'
        "<svg><text>ดำเนินการตามมาตรการ</text></svg><h2>ประจำปีงบประมาณ พ.ศ. 2568</h2>"
        "<p>ข้อมูลอื่น ๆ และอื่นๆ</p></body></html>"
    )
    out = segment_html(html)
    assert "<title>ชื่อเรื่องเอกสาร</title>" in out
    assert "content: 'ดำเนินการ';" in out and 'class="หน่วยงาน"' in out
    assert "<text>ดำเนินการตามมาตรการ</text>" in out
    assert '<h2><span class="tw">ประจำปีงบประมาณ</span> <span class="tw">พ.ศ.</span> 2568' in out
    # "ๆ" never starts a line: it stays with its word, joined by a no-break space
    assert "ข้อมูล\u200bอื่น\u00a0ๆ" in out or "ข้อมูลอื่น\u00a0ๆ" in out
    assert "อื่นๆ</p>" in out
    # Apart from the marks, the text is the same.
    plain = re.sub(r'<span class="tw">(.*?)</span>', r"\1", out.replace(ZWSP, ""))
    plain = plain.replace("<style>.tw { white-space: nowrap; }</style>", "")
    assert plain == html.replace("อื่น ๆ", "อื่น\u00a0ๆ")


def test_the_renderer_patch_is_installed_once_at_start_up():
    from weasyprint.text import line_break

    from documents import linebreaks

    patched = line_break.Layout.set_text
    assert getattr(patched, "_ita_thai_words", False)  # by DocumentsConfig.ready()
    linebreaks.install()
    linebreaks.install()
    assert line_break.Layout.set_text is patched  # never wrapped twice


def test_a_render_over_its_time_limit_stops_with_a_thai_message(settings, monkeypatch):
    """No render holds a worker past DOCUMENT_RENDER_SECONDS: it stops with a DocumentError whose
    Thai message the pages show (the timer runs in the main thread, as in gunicorn's and
    Celery's workers)."""
    import time

    import weasyprint

    from documents.registry import DocumentError
    from documents.timeouts import RenderTimeout

    def slow(self, *args, **kwargs):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # Python layout code, interrupted by the timer
            pass
        raise AssertionError("not stopped")

    segment_html("<p>หน่วยงาน</p>")  # the dictionary is loaded (once per process) beforehand
    settings.DOCUMENT_RENDER_SECONDS = 0.2
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", slow)
    started = time.monotonic()
    with pytest.raises(RenderTimeout) as exc:
        html_to_pdf(THAI_PAGE)
    assert time.monotonic() - started < 2
    assert isinstance(exc.value, DocumentError) and "สร้างเอกสารนานเกิน" in str(exc.value)
    monkeypatch.undo()
    settings.DOCUMENT_RENDER_SECONDS = 60
    assert html_to_pdf(THAI_PAGE).startswith(b"%PDF")  # the timer is gone afterwards
    time.sleep(0.3)  # and no alarm is left to fire later
