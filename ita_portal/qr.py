"""QR codes for printed and on-screen links (the survey drive's posters and page).

Inline SVG for the screen (sharp at any zoom, no request); a PNG data URI for documents, which
WeasyPrint embeds as an image (a PDF reader and a test can find it) and needs no fetch.
"""

from __future__ import annotations

import base64
import io
import re

import qrcode
from django.utils.html import escape
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.svg import SvgPathImage

#: longer text makes a QR code too dense to scan from a poster
MAX_QR_TEXT = 500
PNG_BOX = 8


def _code(text: str) -> qrcode.QRCode:
    if not text or len(text) > MAX_QR_TEXT:
        raise ValueError("QR text must be 1–500 characters")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of `text`'s QR code, quiet zone included (tests compare images with it)."""
    return _code(text).get_matrix()


def qr_svg(text: str, *, label: str = "") -> str:
    """An inline <svg> of `text`'s QR code, sized by CSS (class "qr"), titled for screen readers."""
    svg = _code(text).make_image(image_factory=SvgPathImage).to_string(encoding="unicode")
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    svg = svg.replace(' id="qr-path"', "")
    svg = svg.replace("<svg ", '<svg class="qr" role="img" ', 1)
    if label:
        svg = re.sub(
            r"(<svg[^>]*>)", lambda m: f"{m.group(1)}<title>{escape(label)}</title>", svg, count=1
        )
    return svg


def qr_png_data_uri(text: str) -> str:
    """`text`'s QR code as a black-and-white PNG in a data: URI, `PNG_BOX` pixels a module
    (sharp when a viewer scales it without honouring `image-rendering`)."""
    code = _code(text)
    code.box_size = PNG_BOX
    image = code.make_image()
    out = io.BytesIO()
    image.save(out)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
