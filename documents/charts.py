"""Server-side SVG charts with Thai labels: the same markup on screen and in the PDF.

No JavaScript is needed to see a chart. Labels are escaped; the SVG names the document's font
family so WeasyPrint and browsers draw the Thai text with Sarabun.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from ita_portal.thai.dates import format_number


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | float | None
    highlight: bool = False


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str = "",
    maximum: float = 100.0,
    thai_digits: bool = False,
    width: int = 640,
    bar_height: int = 22,
    label_width: int = 260,
    decimals: int = 2,
) -> SafeString:
    """A horizontal bar chart (scores 0–100 by default) as an inline <svg>."""
    top = 28 if title else 8
    gap = 8
    height = top + len(bars) * (bar_height + gap) + 8
    plot = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="Sarabun, sans-serif" font-size="13">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
        parts.append(f'<text x="0" y="18" font-weight="bold">{escape(title)}</text>')
    for index, bar in enumerate(bars):
        y = top + index * (bar_height + gap)
        value = None if bar.value is None else float(bar.value)
        length = 0 if value is None else max(0.0, min(value, maximum)) / maximum * plot
        colour = "#c0392b" if bar.highlight else "#1f5f99"
        shown = (
            "ไม่มีข้อมูล" if value is None else format_number(value, decimals, thai_digits=thai_digits)
        )
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.72:.1f}" '
            f'text-anchor="end">{escape(bar.label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.72:.1f}">'
            f"{escape(shown)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text above is escaped
