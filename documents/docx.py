"""Every document as an editable Word file, from the same HTML as its PDF.

A clerk often hands in (or retouches) a Word file. `html_to_docx` walks the document's HTML
(after the digit setting is applied, so digits agree) and writes real Word paragraphs and tables
with python-docx:

- A4 in the kind's orientation and margins (`PageSetup`), the running title in the header and
  "หน้า n / N" in the footer as Word fields;
- "TH SarabunPSK", the font every government PC has (named, not embedded), 16 pt for text,
  14 pt in tables, 18–20 pt headings, as the official look (documents/typography.py in Sarabun);
  set for the complex-script slot too, which is the one Word uses for Thai;
- headings, paragraphs (alignment from the templates' classes), lists, bold/italic/underline,
  line breaks; tables with their header rows repeated on every page, merged cells (colspan and
  rowspan) and the template's column widths;
- charts (inline SVG) are left out: their values are in the tables beside them;
- the print stylesheet's simple class rules are read (`_Css`): a page break where the PDF starts a
  page (`break-before: page`), a section of its own, in its orientation and margins, for an
  element on a named page (`page: matrix` with `@page matrix { size: A4 landscape }`: the
  analysis matrix, the results report's portrait cover), `text-align` and `text-indent`;
- headings use Word's Heading styles (restyled in TH SarabunPSK, black), so the navigation pane
  lists them;
- the memo (บันทึกข้อความ) numbers its pages "- ๒ -" at the top from page 2, as the form does, with
  no running title; its labels are set apart from their values by a tab;
- the file's properties name the document, not the software that wrote it, and have no thumbnail.

`note` puts a line above the document, e.g. that a published file is a copy of the approved one.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from docx import Document as new_document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from lxml import html as lxml_html

from .rendering import PageSetup
from .timeouts import render_time_limit

#: The font named in every Word file (not embedded: every government PC has it).
WORD_FONT = "TH SarabunPSK"
SIZES = {"body": 16, "small": 14, "h3": 16, "h2": 18, "h1": 20, "memo_title": 29, "label": 20}
A4 = (Cm(21.0), Cm(29.7))
SPACE = re.compile(r"\s+")
SKIP = {"style", "script", "head", "title", "svg", "meta", "link", "noscript", "template"}
BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "table", "blockquote", "figure", "figcaption", "details", "summary",
    "dl", "dt", "dd", "hr", "main", "nav", "aside",
}  # fmt: skip
UNMARKED_LISTS = {"area-list", "list-unstyled", "plain"}
NUMBERED = re.compile(r"^\s*[0-9๐-๙]+[.)]\s")
CENTRE_CLASSES = {"center", "doc-subtitle", "doc-heading", "memo-title", "cover", "signature"}
RIGHT_CLASSES = {"num", "right", "text-end"}


_PAGE_RULE = re.compile(r"@page\s*([\w-]*)\s*\{")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_LENGTH = re.compile(r"(-?[\d.]+)(cm|mm|pt|em)")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg);base64,([A-Za-z0-9+/=\s]+)$")
#: an inline image's base64 text at most (a QR code is a few KB)
MAX_IMAGE_CHARS = 2 * 1024 * 1024


def _length(value: str):
    match = _LENGTH.match(value.strip())
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    return {"cm": Cm(number), "mm": Cm(number / 10), "pt": Pt(number), "em": Pt(number * 16)}[unit]


@dataclass
class _NamedPage:
    landscape: bool | None = None
    margins: tuple | None = None  # (top, right, bottom, left)


@dataclass
class _Css:
    """The simple rules of a document's print stylesheet: `.class { … }` and `@page name`."""

    classes: dict[str, dict[str, str]] = field(default_factory=dict)
    #: ".ancestor tag" and ".ancestor .class" rules: (ancestor class, tag or ".class", rules)
    descendants: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    pages: dict[str, _NamedPage] = field(default_factory=dict)
    thai_page_numbers: bool = False

    @classmethod
    def read(cls, tree) -> _Css:
        css = cls()
        for style in tree.iter("style"):
            text = re.sub(r"/\*.*?\*/", "", style.text or "", flags=re.S)
            css.thai_page_numbers |= "counter(page, thai)" in text
            # @page blocks (with nested margin boxes) are read, then cut out
            while match := _PAGE_RULE.search(text):
                depth, end = 1, match.end()
                while depth and end < len(text):
                    depth += {"{": 1, "}": -1}.get(text[end], 0)
                    end += 1
                body = text[match.end() : end - 1]
                top = re.sub(r"@[\w-]+\s*\{[^{}]*\}", "", body)
                page = _NamedPage()
                size = re.search(r"size:\s*([^;]+)", top)
                if size:
                    page.landscape = "landscape" in size.group(1)
                margin = re.search(r"margin:\s*([^;]+)", top)
                if margin:
                    parts = [_length(v) for v in margin.group(1).split()]
                    if parts and all(parts):
                        parts = (parts * 4)[:4] if len(parts) == 1 else parts
                        if len(parts) == 2:
                            parts = [parts[0], parts[1], parts[0], parts[1]]
                        if len(parts) == 3:
                            parts = [parts[0], parts[1], parts[2], parts[1]]
                        page.margins = tuple(parts[:4])
                if match.group(1):
                    css.pages[match.group(1)] = page
                text = text[: match.start()] + text[end:]
            for selectors, body in _RULE.findall(text):
                declarations = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (d.partition(":") for d in body.split(";"))
                    if v.strip()
                }
                for selector in selectors.split(","):
                    selector = selector.strip()
                    if re.fullmatch(r"\.[\w-]+", selector):
                        css.classes.setdefault(selector[1:], {}).update(declarations)
                    elif match := re.fullmatch(r"\.([\w-]+)\s+(\.?[\w-]+)", selector):
                        css.descendants.append((match.group(1), match.group(2), declarations))
        return css

    def declarations(self, el) -> dict[str, str]:
        """The rules that apply to `el`, the more specific later: ".a p", ".a", ".a .b", inline."""
        found: dict[str, str] = {}
        classes = _classes(el)
        inside = None
        if self.descendants:
            inside = {c for a in el.iterancestors() for c in _classes(a)}
            for ancestor, target, rules in self.descendants:
                if target == el.tag and ancestor in inside:
                    found.update(rules)
        for name in classes:
            found.update(self.classes.get(name, {}))
        if inside:
            for ancestor, target, rules in self.descendants:
                if target.startswith(".") and target[1:] in classes and ancestor in inside:
                    found.update(rules)
        for k, _, v in (d.partition(":") for d in (el.get("style") or "").split(";")):
            if v.strip():
                found[k.strip().lower()] = v.strip()
        return found


@dataclass
class _Style:
    bold: bool = False
    italic: bool = False
    underline: bool = False
    superscript: bool = False
    size: int | None = None


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _set_font(run_or_style, size: int | None) -> None:
    font = run_or_style.font
    font.name = WORD_FONT
    if size:
        font.size = Pt(size)
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), WORD_FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would win over the named one
    if size:
        # Thai is a complex script: Word sizes it with szCs, not sz.
        size_cs = rpr.find(qn("w:szCs"))
        if size_cs is None:
            size_cs = OxmlElement("w:szCs")
            rpr.append(size_cs)
        size_cs.set(qn("w:val"), str(size * 2))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:bidi"), "th-TH")


def _field(paragraph, code: str, size: int = SIZES["small"]) -> None:
    """A Word field (PAGE, NUMPAGES) in `paragraph`."""
    run = paragraph.add_run()
    _set_font(run, size)
    for kind, text in (
        ("begin", None),
        (None, code),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


class _Writer:
    def __init__(self, document, page: PageSetup, css: _Css | None = None):
        self.document = document
        self.page = page
        self.css = css or _Css()
        self.named_page = ""  # the named page the current section is for ("": the document's)
        self.context_page = ""  # the named page of the element being written (inherited)
        self.started = False  # something is written in the body (a page break then makes sense)
        width = (A4[1] if page.landscape else A4[0]) - Cm(page.left) - Cm(page.right)
        self.text_width = width

    # ------------------------------------------------------------ pages

    def _page_flow(self, el, container) -> str:
        """Before a top-level block: a new section when its named page (its own, or its
        parent's) is not the current section's, or a page break. Returns its named page."""
        rules = self.css.declarations(el)
        declared = rules.get("page", "")
        name = declared if declared in self.css.pages else self.context_page
        if container is not self.document:
            return name
        if name != self.named_page:
            self._section(name, first=not self.started)
            if self.started:
                return name
        breaks = {rules.get("break-before"), rules.get("page-break-before")}
        if breaks & {"page", "always"} and self.started:
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        return name

    def _section(self, name: str, first: bool = False) -> None:
        """Start a section (a new page) laid out as the named page (or as the document)."""
        self.named_page = name
        section = (
            self.document.sections[-1] if first else self.document.add_section(WD_SECTION.NEW_PAGE)
        )
        named = self.css.pages.get(name) if name else None
        landscape = self.page.landscape
        if named is not None and named.landscape is not None:
            landscape = named.landscape
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (A4[1], A4[0]) if landscape else A4
        if named is not None and named.margins:
            top, right, bottom, left = named.margins
        else:
            top, right, bottom, left = (
                Cm(self.page.top),
                Cm(self.page.right),
                Cm(self.page.bottom),
                Cm(self.page.left),
            )
        section.top_margin, section.right_margin = top, right
        section.bottom_margin, section.left_margin = bottom, left
        self.text_width = section.page_width - left - right

    # ------------------------------------------------------------ blocks

    def blocks(self, el, container, style: _Style, align=None) -> None:
        """Write `el`'s children into `container` (the document body or a table cell)."""
        pending: list = []  # inline nodes waiting for a paragraph
        if el.text and el.text.strip():
            pending.append(el.text)
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in SKIP or not tag:
                if child.tail and child.tail.strip():
                    pending.append(child.tail)
                continue
            if tag in BLOCKS:
                self._flush(pending, container, style, align)
                pending = []
                self.block(child, container, style, align)
                if child.tail and child.tail.strip():
                    pending.append(child.tail)
            else:
                pending.append(child)
                if child.tail:
                    pending.append(child.tail)
        self._flush(pending, container, style, align)

    def _flush(self, pending, container, style, align) -> None:
        if not any((isinstance(n, str) and n.strip()) or not isinstance(n, str) for n in pending):
            return
        paragraph = container.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        for node in pending:
            if isinstance(node, str):
                self._text(paragraph, node, style)
            else:
                self.inline(node, paragraph, style)
        self._trim(paragraph)
        if not paragraph.text.strip():
            paragraph._p.getparent().remove(paragraph._p)

    def block(self, el, container, style: _Style, align=None) -> None:
        outer = self.context_page
        self.context_page = self._page_flow(el, container)
        try:
            self._block(el, container, style, align)
        finally:
            self.context_page = outer

    def _block(self, el, container, style: _Style, align=None) -> None:
        tag = el.tag
        classes = _classes(el)
        if container is self.document:
            self.started = True
        align = self._align(el, align)
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            size = SIZES.get(tag, SIZES["body"])
            heading = _Style(bold=True, size=size)
            if tag == "h1" and align is None:
                align = WD_ALIGN_PARAGRAPH.CENTER
            paragraph = container.add_paragraph()
            if container is self.document and tag in {"h1", "h2", "h3"}:
                paragraph.style = self.document.styles[f"Heading {tag[1]}"]
            paragraph.alignment = align
            paragraph.paragraph_format.keep_with_next = True
            self.inline_children(el, paragraph, heading)
            self._trim(paragraph)
            return
        if tag == "table":
            self.table(el, container, style)
            return
        if tag in {"ul", "ol"}:
            # Lists whose items carry their own numbers (list-style: none) get no marker.
            unmarked = bool(classes & UNMARKED_LISTS) or "list-style:none" in (
                el.get("style") or ""
            ).replace(" ", "")
            for number, item in enumerate((c for c in el if c.tag == "li"), start=1):
                own = NUMBERED.match(item.text_content() or "")
                marker = "" if unmarked or own else (f"{number}. " if tag == "ol" else "• ")
                self.list_item(item, container, style, marker)
            return
        if tag == "hr":
            return
        if "memo-title" in classes:
            style = _Style(bold=True, size=SIZES["memo_title"])
        if tag == "p" or not any(
            isinstance(c.tag, str) and c.tag in BLOCKS for c in el
        ):  # only inline content: one paragraph
            paragraph = container.add_paragraph()
            paragraph.alignment = align
            indent = _length(self.css.declarations(el).get("text-indent", ""))
            if indent is not None:
                paragraph.paragraph_format.first_line_indent = indent
            if "memo-line" in classes or "memo-to" in classes:
                paragraph.paragraph_format.space_after = Pt(2)
            self.inline_children(el, paragraph, style)
            self._trim(paragraph)
            if not paragraph.text.strip() and not paragraph.runs:
                paragraph._p.getparent().remove(paragraph._p)
            return
        self.blocks(el, container, style, align)

    def list_item(self, item, container, style, marker: str) -> None:
        paragraph = container.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.6)
        paragraph.paragraph_format.first_line_indent = Cm(-0.6)
        if marker:
            self._text(paragraph, marker, style)
        inline = [c for c in item if not (isinstance(c.tag, str) and c.tag in BLOCKS)]
        if len(inline) == len(item):
            self.inline_children(item, paragraph, style)
            self._trim(paragraph)
            return
        # Nested blocks (a sub-list): the item's own text, then its blocks.
        if item.text:
            self._text(paragraph, item.text, style)
        for child in item:
            if isinstance(child.tag, str) and child.tag in BLOCKS:
                self.block(child, container, style)
            else:
                self.inline(child, paragraph, style)
            if child.tail:
                self._text(paragraph, child.tail, style)

    # ------------------------------------------------------------ inline

    def inline_children(self, el, paragraph, style: _Style) -> None:
        if el.text:
            self._text(paragraph, el.text, style)
        for child in el:
            if isinstance(child.tag, str) and child.tag not in SKIP:
                if child.tag in BLOCKS:  # a block inside inline content: a line break
                    paragraph.add_run().add_break()
                    self.inline_children(child, paragraph, style)
                else:
                    self.inline(child, paragraph, style)
            if child.tail:
                self._text(paragraph, child.tail, style)

    def inline(self, el, paragraph, style: _Style) -> None:
        tag = el.tag
        if tag == "br":
            paragraph.add_run().add_break(WD_BREAK.LINE)
            return
        if tag == "img":
            self.image(el, paragraph)
            return
        classes = _classes(el)
        style = _Style(
            bold=style.bold or tag in {"b", "strong", "th"} or "memo-label" in classes,
            italic=style.italic or tag in {"i", "em"},
            underline=style.underline or tag == "u" or "analysis-title" in classes,
            superscript=style.superscript or tag == "sup",
            size=SIZES["label"] if "memo-label" in classes else style.size,
        )
        if "memo-label-inner" in classes:
            self._trim(paragraph)
            _set_font(paragraph.add_run("\t"), style.size)
        self.inline_children(el, paragraph, style)
        if "memo-label" in classes:  # the form's gap between a label and its value
            _set_font(paragraph.add_run("\t"), style.size)

    def image(self, el, paragraph) -> None:
        """An image the document carries inline (a QR code): a data: URI, PNG or JPEG, never a
        fetched URL; its CSS width (at most the text width), else 4 cm."""
        match = _DATA_IMAGE.match(el.get("src") or "")
        if not match or len(match.group(2)) > MAX_IMAGE_CHARS:
            return
        try:
            data = base64.b64decode(match.group(2), validate=True)
        except ValueError:
            return
        width = _length(self.css.declarations(el).get("width", "")) or Cm(4)
        width = min(width, self.text_width) if getattr(self, "text_width", None) else width
        if paragraph.alignment is None:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(io.BytesIO(data), width=width)

    def _text(self, paragraph, text: str, style: _Style) -> None:
        text = SPACE.sub(" ", text)
        if not text:
            return
        if not paragraph.runs and not paragraph.text:
            text = text.lstrip()
            if not text:
                return
        run = paragraph.add_run(text)
        run.bold = style.bold or None
        run.italic = style.italic or None
        run.underline = style.underline or None
        if style.superscript:
            run.font.superscript = True
        _set_font(run, style.size)

    @staticmethod
    def _trim(paragraph) -> None:
        if paragraph.runs:
            last = paragraph.runs[-1]
            if last.text:
                last.text = last.text.rstrip()

    def _align(self, el, inherited):
        classes = _classes(el)
        css = self.css.declarations(el).get("text-align", "")
        if classes & CENTRE_CLASSES or css == "center":
            return WD_ALIGN_PARAGRAPH.CENTER
        if classes & RIGHT_CLASSES or css in {"right", "end"}:
            return WD_ALIGN_PARAGRAPH.RIGHT
        return inherited

    # ------------------------------------------------------------ tables

    def table(self, el, container, style: _Style) -> None:
        head_rows = [tr for section in el.findall("thead") for tr in section.findall("tr")]
        body_rows = [
            tr for section in (el.findall("tbody") or [el]) for tr in section.findall("tr")
        ] + [tr for section in el.findall("tfoot") for tr in section.findall("tr")]
        rows = head_rows + body_rows
        if not rows:
            return
        grid = self._grid(rows)
        width = max(len(r) for r in grid)
        table = container.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = self._widths(el, width)
        # Each slot's cell element, taken once while the grid is whole: python-docx's
        # table.cell(r, c) walks the whole table on every call (a 1,200-row plan took 100 s).
        slots = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
        done = set()
        for r, cells in enumerate(grid):
            for c, slot in enumerate(cells):
                if slot is None or id(slot[0]) in done:
                    continue
                cell_el, rowspan, colspan = slot
                done.add(id(cell_el))
                cell = _Cell(slots[r][c], table)
                if rowspan > 1 or colspan > 1:
                    cell = cell.merge(_Cell(slots[r + rowspan - 1][c + colspan - 1], table))
                cell._tc.remove(cell.paragraphs[0]._p)  # filled below
                cell_style = _Style(bold=cell_el.tag == "th", size=SIZES["small"])
                align = self._align(cell_el, None)
                if cell_el.tag == "th" and align is None:
                    align = WD_ALIGN_PARAGRAPH.CENTER
                self.blocks(cell_el, cell, cell_style, align)
                if not cell.paragraphs:
                    cell.add_paragraph()
                if cell_el.tag == "th":
                    self._shade(cell, "EEEEEE")
        for r in range(len(head_rows)):  # repeated at the top of every page
            tr_pr = table.rows[r]._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr_pr.append(header)
        if widths:  # the grid (LibreOffice reads it) and every cell (Word reads these)
            table.autofit = False
            for index, column in enumerate(table.columns):
                column.width = widths[index]
            for tr in table._tbl.tr_lst:  # a merged cell is as wide as its columns
                column = 0
                for tc in tr.tc_lst:
                    span = tc.grid_span
                    if column < width:
                        _Cell(tc, table).width = sum(widths[column : column + span])
                    column += span
        if container is self.document:
            self.document.add_paragraph()  # space after a table, as in the PDF

    @staticmethod
    def _grid(rows):
        """[row][column] → (cell element, rowspan, colspan) at its top-left slot, None where a
        merged cell continues."""
        grid: list[list] = [[] for _ in rows]
        for r, tr in enumerate(rows):
            c = 0
            for cell in (x for x in tr if x.tag in {"td", "th"}):
                while c < len(grid[r]) and grid[r][c] is not None:
                    c += 1
                rowspan = max(1, min(int(cell.get("rowspan", "1") or 1), len(rows) - r))
                colspan = max(1, min(int(cell.get("colspan", "1") or 1), 63))
                for dr in range(rowspan):
                    row = grid[r + dr]
                    while len(row) < c + colspan:
                        row.append(None)
                    for dc in range(colspan):
                        row[c + dc] = (cell, rowspan, colspan) if (dr, dc) == (0, 0) else False
                c += colspan
        return [[slot if slot else None for slot in row] for row in grid]

    def _widths(self, table_el, count: int):
        cols = [c for group in table_el.findall("colgroup") for c in group.findall("col")]
        shares = []
        for col in cols[:count]:
            match = re.search(r"width:\s*([\d.]+)%", col.get("style") or "")
            shares.append(float(match.group(1)) if match else None)
        if len(shares) != count or not any(shares):
            return None
        known = sum(s for s in shares if s)
        missing = [i for i, s in enumerate(shares) if not s]
        rest = max(100 - known, 0) / len(missing) if missing else 0
        shares = [s or rest for s in shares]
        total = sum(shares) or 1
        return [int(self.text_width * s / total) for s in shares]

    @staticmethod
    def _shade(cell, colour: str) -> None:
        tc_pr = cell._tc.get_or_add_tcPr()
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), colour)
        tc_pr.append(shading)


def _properties(document, title: str) -> None:
    """The file's properties: the document's title, written now; nothing of python-docx's
    template (its author, its comment, its 2013 dates, its thumbnail)."""
    now = datetime.now(UTC).replace(microsecond=0)
    properties = document.core_properties
    properties.title = title
    properties.language = "th-TH"
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.keywords = ""
    properties.subject = ""
    properties.created = now
    properties.modified = now
    properties.revision = 1
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rel_id]


def html_to_docx(html: str, *, page: PageSetup, title: str = "", note: str = "") -> bytes:
    """The document in `html` as .docx bytes (see the module's docstring)."""
    tree = lxml_html.fromstring(html)
    body = tree.find("body") if tree.tag == "html" else tree
    if body is None:
        body = tree
    document = new_document()
    normal = document.styles["Normal"]
    _set_font(normal, SIZES["body"])
    normal.paragraph_format.space_after = Pt(0)
    for name in ("Table Grid",):
        _set_font(document.styles[name], SIZES["small"])
    for level, size in ((1, SIZES["h1"]), (2, SIZES["h2"]), (3, SIZES["h3"])):
        heading = document.styles[f"Heading {level}"]
        _set_font(heading, size)
        heading.font.bold = True
        heading.font.italic = False
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.paragraph_format.space_before = Pt(6)
        heading.paragraph_format.space_after = Pt(3)
    css = _Css.read(tree)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4[1], A4[0]) if page.landscape else A4
    section.top_margin, section.bottom_margin = Cm(page.top), Cm(page.bottom)
    section.left_margin, section.right_margin = Cm(page.left), Cm(page.right)
    _properties(document, title)
    numbers = " \\* ThaiArabic" if css.thai_page_numbers else ""
    if body.find_class("memo-title"):
        # บันทึกข้อความ: no running title; "- ๒ -" at the top centre from page 2.
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(header.add_run("- "), SIZES["body"])
        _field(header, f"PAGE{numbers}", SIZES["body"])
        _set_font(header.add_run(" -"), SIZES["body"])
    else:
        if title:
            header = section.header.paragraphs[0]
            header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = header.add_run(title)
            _set_font(run, SIZES["small"])
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        label = footer.add_run("หน้า ")
        _set_font(label, SIZES["small"])
        _field(footer, f"PAGE{numbers}")
        of = footer.add_run(" / ")
        _set_font(of, SIZES["small"])
        _field(footer, f"NUMPAGES{numbers}")
    if note:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(note)
        _set_font(run, SIZES["small"])
        run.italic = True
    with render_time_limit():
        _Writer(document, page, css).blocks(body, document, _Style())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
