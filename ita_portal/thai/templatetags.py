"""Template filters for Thai dates, digits and fiscal years.

Registered as a template builtin (``TEMPLATES[...]["OPTIONS"]["builtins"]``), so no
``{% load %}`` is needed; it can also be listed under ``OPTIONS["libraries"]``.

Empty values (None, "") render as "". Invalid values also render as "" rather than
raising, like Django's own ``date`` filter, so one bad row never breaks a page.
Outputs are plain strings and are escaped normally; the digit filters only keep an
input's existing "safe" status, since swapping digits cannot introduce markup.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import template

from . import dates

register = template.Library()

_FALSE_STRINGS = frozenset({"", "0", "false", "no", "off", "none"})


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _as_bool(arg: Any) -> bool:
    if isinstance(arg, str):
        return arg.strip().lower() not in _FALSE_STRINGS
    return bool(arg)


@register.filter
def thai_date(value: Any, arg: str | None = None) -> str:
    """{{ d|thai_date }} -> "16 เมษายน 2564"; {{ d|thai_date:"short" }} -> "16 เม.ย. 64"."""
    if _is_empty(value) or not isinstance(value, date):
        return ""
    if arg == "short":
        return dates.format_date_short(value)
    return dates.format_date(value)


@register.filter
def thai_date_short(value: Any) -> str:
    """{{ d|thai_date_short }} -> "16 เม.ย. 64"."""
    return thai_date(value, "short")


@register.filter(is_safe=True)
def thai_digits(value: Any) -> str:
    """{{ value|thai_digits }}: any value as text with ๐-๙."""
    if _is_empty(value):
        return ""
    return dates.to_thai_digits(value if isinstance(value, Decimal) else str(value))


@register.filter(is_safe=True)
def digits(value: Any, enabled: Any = False) -> str:
    """{{ value|digits:doc.thai_digits }}: Thai digits when the argument is true."""
    if _is_empty(value):
        return ""
    return thai_digits(value) if _as_bool(enabled) else str(value)


@register.filter
def thai_number(value: Any, decimals: Any = 2) -> str:
    """{{ score|thai_number }} -> "1,234.50"; {{ score|thai_number:0 }} -> "1,235".

    Arabic digits, like the other formatters; chain ``|digits:...`` for ๐-๙.
    """
    if _is_empty(value):
        return ""
    try:
        return dates.format_number(value, int(decimals))
    except (TypeError, ValueError):
        return ""


@register.filter
def fiscal_span(value: Any) -> str:
    """{{ 2568|fiscal_span }} -> "ตุลาคม 2567 – กันยายน 2568"."""
    if _is_empty(value):
        return ""
    try:
        return dates.format_fiscal_year_span(int(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def be_year(value: Any) -> int | str:
    """{{ d|be_year }} -> 2564."""
    if _is_empty(value) or not isinstance(value, date):
        return ""
    return dates.be_year(dates.to_local_date(value).year)
