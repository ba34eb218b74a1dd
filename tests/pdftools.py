"""Helpers to read PDFs back the way users' tools do (poppler's pdftotext and pdffonts)."""

import logging
import re
import subprocess
import unicodedata
from pathlib import Path


def pdftotext(
    pdf: bytes, tmp_path: Path, *, first: int | None = None, last: int | None = None
) -> str:
    """Text in drawing order (-raw keeps table cells apart; it is how poppler reads ActualText)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-raw", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True).stdout.decode()


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    """One string per page (pdftotext separates pages with form feeds)."""
    return pdftotext(pdf, tmp_path).split("\f")[:-1]


def pdffonts(pdf: bytes, tmp_path: Path) -> list[dict[str, str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True).stdout.decode()
    fonts = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object ID: read the flags from the right.
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts


def norm(text: str) -> str:
    """NFC, every whitespace run collapsed to one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def wrap_match(expected: str, extracted: str) -> bool:
    """Does `extracted` (one line per PDF line) give back exactly `expected`?

    Every character and every space within a PDF line must match, in order. A line break may
    stand for a space or for nothing: Thai wraps inside runs that have no spaces, and plain
    text cannot say which kind of break it was.
    """
    expected = norm(expected)
    position = 0
    for line in extracted.splitlines():
        line = norm(line)
        if not line:
            continue
        if expected[position : position + len(line)] != line:
            return False
        position += len(line)
        if expected[position : position + 1] == " ":
            position += 1
    return position == len(expected)


def segments(
    text: str, marker: str, furniture: set[str], furniture_re: re.Pattern
) -> dict[str, str]:
    """Map each ASCII line reference to the text that follows it, page furniture removed."""
    kept = [
        line
        for line in text.replace("\f", "\n").splitlines()
        if norm(line) not in furniture and not furniture_re.fullmatch(norm(line))
    ]
    parts = re.split(f"({marker})", "\n".join(kept))
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


class MissingGlyphs(logging.Handler):
    """Collects WeasyPrint's ".notdef glyph" warnings for Thai or Latin text: a font without
    those glyphs prints boxes where the reader expects words. (Other scripts, e.g. emoji a user
    typed, are not the portal's fonts' job.)"""

    CODE = re.compile(r"\(U\+([0-9A-F]{4,6})\)")
    _active: list["MissingGlyphs"] = []  # the innermost watch records (a test of the checker)

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if ".notdef" not in message or self._active[-1:] != [self]:
            return
        found = self.CODE.search(message)
        point = int(found.group(1), 16) if found else 0
        if 0x0E00 <= point <= 0x0E7F or 0x20 <= point <= 0x7E:
            self.messages.append(message)

    def __enter__(self):
        logging.getLogger("weasyprint").addHandler(self)
        self._active.append(self)
        return self

    def __exit__(self, *exc):
        self._active.remove(self)
        logging.getLogger("weasyprint").removeHandler(self)
