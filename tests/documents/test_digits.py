"""One digit setting per document (documents.digits): every registered kind, read back from its
PDF, is either all Thai digits or all Arabic ones, item codes included."""

import re

import pytest

from documents.digits import apply_digits
from documents.registry import KINDS
from tests.documents.conftest import render_demo_kind
from tests.pdftools import pdftotext

THAI = re.compile("[๐-๙]")
ARABIC = re.compile("[0-9]")
#: The engine's sample reproduces the seed documents' lines verbatim, digits as the seeds typed them
#: (data-digits="keep"), to check the PDF text layer against them.
VERBATIM = {"sample"}
#: URLs printed for a reader keep their digits (data-digits="keep"); pdftotext may break them.
URL = re.compile(r"(https?://|www\.)\S+")


# ---------------------------------------------------------------- the transformation


def test_text_follows_the_setting_both_ways():
    html = "<p>ข้อ i10 ได้ 1.29 คะแนน เมื่อ ๑๖ เมษายน ๒๕๖๔</p>"
    assert apply_digits(html, True) == "<p>ข้อ i๑๐ ได้ ๑.๒๙ คะแนน เมื่อ ๑๖ เมษายน ๒๕๖๔</p>"
    assert apply_digits(html, False) == "<p>ข้อ i10 ได้ 1.29 คะแนน เมื่อ 16 เมษายน 2564</p>"


def test_markup_styles_and_kept_elements_are_left_alone():
    html = (
        "<!DOCTYPE html><html><head><style>body { font-size: 11pt; } .a{width:12%}</style>"
        "<script>var x = 1;</script></head><body><!-- 2568 -->"
        '<a href="/p/6301401/2568/" class="x1">ฉบับที่ 2</a><br/>'
        '<span data-digits="keep">https://site/p/6301401/<span>2568</span>/r1/</span> 3'
        '<svg viewBox="0 0 400 200"><text x="10" y="20">90.24</text></svg></body></html>'
    )
    out = apply_digits(html, True)
    assert "body { font-size: 11pt; } .a{width:12%}" in out and "var x = 1;" in out
    assert "<!-- 2568 -->" in out and 'href="/p/6301401/2568/" class="x1"' in out
    assert ">ฉบับที่ ๒</a>" in out
    assert "https://site/p/6301401/<span>2568</span>/r1/</span> ๓" in out
    assert 'viewBox="0 0 400 200"' in out and ">๙๐.๒๔</text>" in out


# ---------------------------------------------------------------- every kind of the demo


@pytest.mark.pdf
@pytest.mark.parametrize("thai", [False, True])
def test_every_kind_prints_one_kind_of_digit(demo, tmp_path, thai):
    assert {"analysis", "measure-plan", "measure-results", "progress", "memo"} <= set(KINDS)
    for kind in KINDS.values():
        if kind.name in VERBATIM:
            continue
        text = URL.sub(
            "", pdftotext(render_demo_kind(kind, demo, thai_digits=thai).content, tmp_path)
        )
        wrong = ARABIC if thai else THAI
        found = sorted({m.group() for m in wrong.finditer(text)})
        context = [text[max(m.start() - 20, 0) : m.end() + 20] for m in wrong.finditer(text)][:5]
        assert not found, f"{kind.name} (thai_digits={thai}) prints {found}: {context}"
        assert (THAI if thai else ARABIC).search(text), kind.name  # it does print numbers
        # The word boundaries given to the renderer (documents.linebreaks) are not text.
        assert "\u200b" not in text and "\u2060" not in text, kind.name
