"""Thai line breaking at word boundaries, for the PDF.

Thai is written without spaces between words. WeasyPrint leaves line breaking to Pango, whose
Thai break opportunities (libthai's) fall inside words: measured on the demo documents, 18 % of
the line ends inside a Thai run cut a word as pythainlp's newmm segments it ("ดำเนิน|การ",
"หน่วย|งาน", "ประจำปี|งบประมาณ" in headings, "จัดซื้อจัด|จ้าง"). Two steps fix it:

1. `segment_html`, on the HTML before WeasyPrint reads it, cuts every Thai run of the text into
   words with pythainlp's dictionary-based `newmm` (no model download) and puts a ZERO WIDTH
   SPACE between two words where Pango sees no break of its own. In headings, titles and
   captions a whole phrase between spaces is instead kept in one `<span class="tw">`
   (`white-space: nowrap`) when it is short enough to fit (`PHRASE_MAX`), so "ประจำปีงบประมาณ"
   never breaks there. Table headers are often narrow columns: their words are kept whole
   ("ระยะเวลา|ดำเนินการ" may break between its two words, never inside "ดำเนินการ"). "ๆ" stays
   with the word before it.
2. `words_kept_whole()`, around the render, has Pango keep each Thai word whole: every text
   WeasyPrint lays out gets a Pango "allow breaks: no" attribute over each of its Thai words (the
   letters between two zero width spaces, spaces or other characters), so lines break between
   words only. A word longer than `WORD_MAX` letters is left breakable (it may be wider than a
   narrow column, where only a break inside it avoids an overflow).

Why not a span per word: each span is a box WeasyPrint lays out and draws; a span around every
word made the PDF 2.5× slower to render, the attribute costs next to nothing (bench/linebreaks.py).

Only the PDF gets this: the screen has the browser's own Thai dictionary, and the Word file Word's.
The PDF's text layer is unchanged: `documents.pdf_text` leaves the zero width spaces out of the
text it records for each line, so `pdftotext`, copy and search see the plain text.

The patch wraps one WeasyPrint method, `weasyprint.text.line_break.Layout.set_text`, calls it
unchanged, then adds the attributes; it acts only inside `words_kept_whole()`, so a render that
was not segmented is laid out exactly as before.
"""

from __future__ import annotations

import contextlib
import re
import threading
from contextvars import ContextVar
from functools import lru_cache

from .digits import MARKUP, TAG_NAME, VOID

#: a run of Thai letters (with a "ๆ" after a space: "อื่น ๆ")
_THAI_RUN = re.compile(r"[\u0E01-\u0E4F]+(?:[ \u00a0]ๆ)?")
#: the same, as laid out (segment_html joined "อื่น ๆ" with a no-break space)
_LAID_OUT_RUN = re.compile(r"[\u0E01-\u0E4F]+(?:\u00a0ๆ)?")
_THAI = re.compile(r"[\u0E01-\u0E4F]")
#: elements whose text is not laid out as text
_SKIP = {"style", "script", "svg", "title", "head"}
#: elements whose phrases are kept whole: headings and captions (a table header may be a narrow
#: column: its words are kept whole, as in running text, but it may break between them)
_PHRASES = {"h1", "h2", "h3", "h4", "h5", "h6", "caption"}

ZWSP = "\u200b"
#: the longest word kept whole (a longer one may be wider than a narrow column)
WORD_MAX = 30
#: the longest phrase of a heading kept whole
PHRASE_MAX = 30
_ACTIVE: ContextVar[bool] = ContextVar("thai_words_kept_whole", default=False)


#: entries of pythainlp's word list that newmm prefers at the wrong place in these documents
#: ("ดำเนิน|การตาม" for ดำเนินการ|ตาม, "ติด|ตามกำหนด" for ติดตาม|กำหนด, "ช่อง|ทางการ" for
#: ช่องทาง|การ); left out of its dictionary, with every "การ" + word entry (below)
NOT_WORDS = frozenset({"การตาม", "ตามกำหนด", "ทางการ"})
#: compounds of these documents kept whole (a line may break before or after them)
EXTRA_WORDS = frozenset({"ประจำปีงบประมาณ", "ข้อสั่งการ", "ชำนาญการ", "ชำนาญการพิเศษ", "ปรึกษาหารือ"})


def dictionary() -> frozenset[str]:
    """pythainlp's words, less the ones that split these documents' compounds: "การ" + a word
    ("การป้องกัน", "การกำกับ") makes newmm cut "ดำเนิน|การป้องกัน" and "กระบวน|การกำกับ",
    where ดำเนินการ and กระบวนการ are the words; without them a line may still break between
    "การ" and its word."""
    from pythainlp.corpus import thai_words as words

    base = words()
    nominal = {w for w in base if w.startswith("การ") and len(w) > 4 and w[3:] in base}
    return (base - NOT_WORDS - nominal) | EXTRA_WORDS


@lru_cache(maxsize=1)
def _tokenizer():
    from pythainlp.tokenize import Tokenizer

    return Tokenizer(dictionary(), engine="newmm", keep_whitespace=False)


def warm_up() -> None:
    """Build the segmenter now (its dictionary trie takes about 2 s) rather than in the first
    render: a Celery worker calls this as it starts (documents.apps)."""
    _tokenizer()


@lru_cache(maxsize=8192)
def thai_words(run: str) -> tuple[str, ...]:
    """The newmm words of a run of Thai letters; "ๆ" stays with the word before it ("อื่น ๆ"
    joined by a no-break space)."""
    spaced = run[-2:] in {" ๆ", "\u00a0ๆ"} and len(run) > 2
    words: list[str] = []
    for word in _tokenizer().word_tokenize(run[:-2] if spaced else run):
        if word == "ๆ" and words:
            words[-1] += word
        elif word.strip():
            words.append(word)
    if spaced:
        words[-1] += "\u00a0ๆ"
    return tuple(words)


def _renderer_breaks(text: str) -> set[int]:
    """Where Pango, left to itself, may start a line in `text`."""
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(text, "th")
    return {i for i in range(1, len(text)) if attrs[i].is_line_break}


@lru_cache(maxsize=8192)
def _segmented(run: str) -> str:
    """A run's words, with a zero width space between two of them only where Pango sees no
    break of its own (fewer characters for it to shape; the words are kept whole either way)."""
    words = thai_words(run)
    breaks = _renderer_breaks("".join(words))
    out: list[str] = []
    position = 0
    for index, word in enumerate(words):
        if index and position not in breaks:
            out.append(ZWSP)
        out.append(word)
        position += len(word)
    return "".join(out)


def _segment_run(match: re.Match) -> str:
    return _segmented(match.group())


def segment_text(text: str, phrases: bool = False) -> str:
    """`text` (HTML text, no tags) with a zero width space between its Thai words; with
    `phrases`, each phrase between spaces that fits kept whole in a span instead."""
    if not _THAI.search(text):
        return text
    if phrases:

        def phrase(match: re.Match) -> str:
            if len(match.group()) <= PHRASE_MAX:
                return f'<span class="tw">{match.group()}</span>'
            return _THAI_RUN.sub(_segment_run, match.group())

        return re.sub(r"[^\s<>&]*[\u0E01-\u0E4F][^\s<>&]*", phrase, text)
    return _THAI_RUN.sub(_segment_run, text)


def segment_html(html: str) -> str:
    """`html` with Thai word boundaries marked (see the module docstring)."""
    out: list[str] = []
    stack: list[str] = []
    position = 0

    def convert(text: str) -> str:
        if not text or any(name in _SKIP for name in stack):
            return text
        return segment_text(text, phrases=any(name in _PHRASES for name in stack))

    for match in MARKUP.finditer(html):
        out.append(convert(html[position : match.start()]))
        tag = match.group()
        out.append(tag)
        position = match.end()
        name_match = TAG_NAME.match(tag)
        if not name_match:
            continue
        name = name_match.group(1).lower()
        if tag.startswith("</"):
            if name in stack:
                while stack and stack.pop() != name:
                    pass
        elif not (tag.endswith("/>") or name in VOID):
            stack.append(name)
    out.append(convert(html[position:]))
    result = "".join(out)
    if '<span class="tw">' in result and ".tw {" not in result:
        result = result.replace("</head>", "<style>.tw { white-space: nowrap; }</style></head>", 1)
    return result


@contextlib.contextmanager
def words_kept_whole():
    """Inside this block, WeasyPrint keeps each Thai word whole (see the module docstring)."""
    install()
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


@lru_cache(maxsize=16384)
def _kept_whole(run: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) offsets of the words of a Thai run that Pango would break inside."""
    words = thai_words(run)
    if "".join(words) != run:  # not a run segment_html would write; leave it to Pango
        return ()
    breaks = _renderer_breaks(run)
    spans = []
    position = 0
    for word in words:
        end = position + len(word)
        if len(word) <= WORD_MAX and any(position < b < end for b in breaks):
            spans.append((position, end))
        position = end
    return tuple(spans)


@lru_cache(maxsize=4096)
def _byte_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start byte, end byte) in UTF-8 of each word of `text` to keep whole. WeasyPrint sets the
    same text on a layout several times while it splits a paragraph into lines: worked out once."""
    spans = []
    position = byte = 0
    for match in _LAID_OUT_RUN.finditer(text):
        for start, end in _kept_whole(match.group()):
            start += match.start()
            end += match.start()
            byte += len(text[position:start].encode())
            length = len(text[start:end].encode())
            spans.append((byte, byte + length))
            byte += length
            position = end
    return tuple(spans)


def _keep_words(layout) -> None:
    """Add Pango "allow breaks: no" attributes over the Thai words of a layout's text that Pango
    would otherwise break inside (most words have no break of Pango's inside them)."""
    spans = _byte_spans(layout.text)
    if not spans:
        return
    from weasyprint.text.ffi import ffi, pango

    attr_list = pango.pango_layout_get_attributes(layout.layout)
    if attr_list == ffi.NULL:
        attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    for start, end in spans:
        attr = pango.pango_attr_allow_breaks_new(False)
        attr.start_index, attr.end_index = start, end
        pango.pango_attr_list_insert(attr_list, attr)
    pango.pango_layout_set_attributes(layout.layout, attr_list)


_PATCH_MARKER = "_ita_thai_words"


_INSTALL_LOCK = threading.Lock()


def install() -> None:
    """Wrap `weasyprint.text.line_break.Layout.set_text` (idempotent, thread-safe: a threaded
    web worker may render two documents at once)."""
    from weasyprint.text import line_break
    from weasyprint.text.ffi import ffi

    with _INSTALL_LOCK:
        if getattr(line_break.Layout.set_text, _PATCH_MARKER, False):
            return
        _install(line_break, ffi)


def _install(line_break, ffi) -> None:
    original = line_break.Layout.set_text
    ffi.cdef("PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);")

    def set_text(self, text, justify=False):
        original(self, text, justify)
        if _ACTIVE.get() and _THAI.search(self.text):
            _keep_words(self)

    set_text.__wrapped__ = original
    setattr(set_text, _PATCH_MARKER, True)
    line_break.Layout.set_text = set_text
