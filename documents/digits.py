"""One digit setting per document, applied to every number it prints.

A document is either in Thai digits (๐–๙) or in Arabic digits (0–9), never a mix: the setting
(`DocumentOptions.thai_digits`) is applied to the rendered HTML's text, so figures, dates, memo
numbers, item codes ("i๑", "o๒๗": the tool's letter stays Latin, its number follows the setting)
and what users typed (a measure written with Thai digits prints with Arabic ones when the setting
is off) all agree. Templates need not remember a filter on every value.

Left as they are: markup (tags and attribute values, so links and CSS keep working), the text of
<style> and <script>, and the text inside an element marked `data-digits="keep"` (a URL printed
for a reader to type must stay as the browser needs it).
"""

from __future__ import annotations

import re

from ita_portal.thai.dates import to_arabic_digits, to_thai_digits

#: a tag, a comment or a doctype; everything between two of them is text (shared with
#: documents.linebreaks, which walks the same HTML)
MARKUP = re.compile(r"<!--.*?-->|<![^>]*>|<[^>]*>", re.S)
TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
_KEEP = re.compile(r"""\sdata-digits\s*=\s*["']?keep\b""")
#: elements whose content is not text for a reader
_RAW = {"style", "script"}
#: elements that never have a closing tag
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def apply_digits(html: str, thai: bool) -> str:
    """`html` with every digit of its text in Thai (`thai`) or Arabic digits."""
    convert = to_thai_digits if thai else to_arabic_digits
    out: list[str] = []
    # The element that opened a region left alone, and how deep in same-named elements we are.
    skipping: str | None = None
    depth = 0
    position = 0
    for match in MARKUP.finditer(html):
        text = html[position : match.start()]
        out.append(text if skipping or not text else convert(text))
        tag = match.group()
        out.append(tag)
        position = match.end()
        name_match = TAG_NAME.match(tag)
        if not name_match:
            continue
        name = name_match.group(1).lower()
        closing = tag.startswith("</")
        self_closing = tag.endswith("/>") or name in VOID
        if skipping:
            if name == skipping and not self_closing:
                depth += -1 if closing else 1
                if depth == 0:
                    skipping = None
        elif not closing and not self_closing and (name in _RAW or _KEEP.search(tag)):
            skipping, depth = name, 1
    tail = html[position:]
    out.append(tail if skipping or not tail else convert(tail))
    return "".join(out)
