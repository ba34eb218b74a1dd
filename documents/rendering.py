"""The document engine: one template per document, rendered to HTML for the screen and to PDF.

- Every document kind is a `DocumentSpec` in `reports.documents`; its template extends
  `documents/_document.html`, which carries the print stylesheet (A4, margins per kind,
  running title, page numbers, repeated table headers, rows kept whole).
- PDFs are rendered by WeasyPrint from an HTML string with a local `base_url` and a fetcher that
  only reads the bundled fonts and static files: nothing is fetched over the network, and no
  user-supplied URL is ever followed.
- `reports.pdf_text` fixes the PDF text layer for Thai (ActualText spans) before any render.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fontpkg_sarabun
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .digits import apply_digits
from .linebreaks import segment_html, words_kept_whole
from .timeouts import render_time_limit
from .typography import OFFICIAL_SIZES

logger = logging.getLogger(__name__)

FONT_DIR = fontpkg_sarabun.ROOT / "files"
FONT_FILES = {
    (400, "normal"): "Sarabun-Regular.ttf",
    (400, "italic"): "Sarabun-Italic.ttf",
    (600, "normal"): "Sarabun-SemiBold.ttf",
    (700, "normal"): "Sarabun-Bold.ttf",
    (700, "italic"): "Sarabun-BoldItalic.ttf",
}


@dataclass(frozen=True)
class PageSetup:
    """A4 page geometry in centimetres."""

    top: float = 2.0
    right: float = 2.0
    bottom: float = 2.0
    left: float = 2.5
    landscape: bool = False

    @property
    def size(self) -> str:
        return "A4 landscape" if self.landscape else "A4"


REPORT_PAGE = PageSetup()
WIDE_TABLE_PAGE = PageSetup(top=1.8, right=1.5, bottom=1.8, left=1.5, landscape=True)
# บันทึกข้อความ (แบบที่ ๒๙): left 3 cm, right 2 cm.
MEMO_PAGE = PageSetup(top=1.5, right=2.0, bottom=2.0, left=3.0)


#: The longest text a document option carries (a preface, an introduction, a paragraph).
MAX_TEXT_OPTION = 4000


@dataclass(frozen=True)
class DocumentOptions:
    """Per-document choices. Kinds ignore the options that do not apply to them."""

    thai_digits: bool = False
    #: a ReportingRound id: the round a results/progress report covers (None: the whole year)
    round_id: int | None = None
    #: table layout of the measure-results report: "a" (seed 000), "b" (seed 001), "c" (seed 003)
    layout: str = "b"
    #: optional texts of the measure-results report
    preface: str = ""
    introduction: str = ""
    #: metadata a clerk deletes by hand before handing a report in (report dates, status labels,
    #: raw link addresses): off by default, so cells hold what the seed documents hold
    show_metadata: bool = False
    #: the progress report's OIT paragraph as staff edited it ("" = drafted from the scores)
    oit_paragraph: str = ""
    #: a Unit id for "จัดทำโดย" (None: the organisation's first unit)
    prepared_by_unit_id: int | None = None
    #: the memo a `memo` document renders
    memo_id: int | None = None
    #: publication only: called with each evidence item (file or link) the document lists and
    #: its context (the measure's title); returns the permanent public path of its frozen copy,
    #: or "" to list it as text. Never stored (not part of the JSON options).
    evidence_link: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_dict(cls, values: dict) -> DocumentOptions:
        """Options stored as JSON (a memo attachment); unknown keys are ignored."""
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})


@dataclass
class Document:
    """What a template needs besides its own context."""

    kind: str
    title: str
    page: PageSetup
    options: DocumentOptions
    for_pdf: bool
    sizes: dict = field(default_factory=lambda: dict(OFFICIAL_SIZES))

    @property
    def thai_digits(self) -> bool:
        return self.options.thai_digits

    @property
    def site_url(self) -> str:
        """The portal's address, for links a PDF carries (a PDF has no base URL)."""
        return settings.SITE_URL

    @property
    def page_counter_style(self) -> str:
        return "thai" if self.options.thai_digits else "decimal"

    @property
    def font_faces(self) -> list[dict[str, Any]]:
        """@font-face sources: local files for the PDF, this site's static URLs on screen."""
        faces = []
        for (weight, style), filename in FONT_FILES.items():
            if self.for_pdf:
                src = (FONT_DIR / filename).as_uri()
            else:
                src = f"{settings.STATIC_URL}fonts/sarabun/{filename}"
            faces.append({"weight": weight, "style": style, "src": src})
        return faces


def sarabun_css_for_pdf() -> str:
    """@font-face rules of the bundled Sarabun for HTML turned into a PDF outside the document
    templates (e.g. the demo's stand-in files): without them WeasyPrint falls back to a font
    with no Thai glyphs and prints boxes."""
    return "".join(
        f'@font-face {{ font-family: "Sarabun"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{(FONT_DIR / filename).as_uri()}") format("truetype"); }}'
        for (weight, style), filename in FONT_FILES.items()
    )


class LocalOnlyFetcher(URLFetcher):
    """Serve the renderer only files from the font and static folders; refuse everything else."""

    def __init__(self, roots: list[Path] | None = None):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [
            p.resolve() for p in (roots or [FONT_DIR, Path(settings.BASE_DIR) / "static"])
        ]

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            from urllib.parse import unquote, urlparse

            path = Path(unquote(urlparse(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                logger.warning("renderer refused a local file outside its folders: %s", url)
                raise ValueError(f"refused: {url}")
        return super().fetch(url, headers)


def render_html(
    template: str,
    context: dict[str, Any],
    *,
    kind: str,
    title: str,
    page: PageSetup = REPORT_PAGE,
    options: DocumentOptions | None = None,
    for_pdf: bool = False,
) -> str:
    options = options or DocumentOptions()
    document = Document(kind=kind, title=title, page=page, options=options, for_pdf=for_pdf)
    # Every number the document prints follows its one digit setting (documents.digits).
    return apply_digits(
        render_to_string(template, {**context, "doc": document}), options.thai_digits
    )


def html_to_pdf(html: str) -> bytes:
    """PDF bytes from a document's HTML. Fonts are embedded; nothing is fetched remotely.

    The Thai text-layer fix (`reports.pdf_text`) is installed once at start-up by
    `ReportsConfig.ready()`.
    """
    with render_time_limit(), _thai_word_breaks():
        return _weasy(html).write_pdf()


def _thai_word_breaks():
    """Lines break between Thai words (`documents.linebreaks`), unless the setting
    `DOCUMENTS_THAI_WORD_BREAKS` is off (the benchmark compares both)."""
    if getattr(settings, "DOCUMENTS_THAI_WORD_BREAKS", True):
        return words_kept_whole()
    return contextlib.nullcontext()


def _weasy(html: str) -> HTML:
    """WeasyPrint's document for `html`, its Thai words marked when words are kept whole."""
    if getattr(settings, "DOCUMENTS_THAI_WORD_BREAKS", True):
        html = segment_html(html)
    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=LocalOnlyFetcher())


def htmls_to_pdf(htmls: list[str]) -> bytes:
    """One PDF of several documents in order (a memo and its attachments), each with its own
    page setup and page numbers."""
    with render_time_limit(), _thai_word_breaks():
        documents = [_weasy(html).render() for html in htmls]
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf()
