"""Thai conventions for the ITA Portal: พ.ศ. dates, Thai digits, fiscal years and numbers.

Everything here is a pure function with no Django dependency, so it can be used from
models, forms, templates, exports and management commands alike.

Conventions:
- Years shown to users are Buddhist Era (พ.ศ.) = Common Era (ค.ศ.) + 543.
- The government fiscal year (ปีงบประมาณ) runs 1 October – 30 September and is named
  by the พ.ศ. year in which it ends: FY2568 = 1 Oct 2024 – 30 Sep 2025.
- Output uses Arabic digits unless ``thai_digits=True`` (official documents often
  use ๐–๙).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "BANGKOK",
    "BE_OFFSET",
    "FISCAL_YEAR_MAX",
    "FISCAL_YEAR_MIN",
    "THAI_MONTHS",
    "THAI_MONTHS_ABBR",
    "ThaiDateError",
    "be_year",
    "ce_year",
    "fiscal_quarter_of",
    "fiscal_quarter_range",
    "fiscal_year_end",
    "fiscal_year_of",
    "fiscal_year_range",
    "fiscal_year_start",
    "format_date",
    "format_date_short",
    "format_fiscal_year_span",
    "format_month_span",
    "format_month_year",
    "format_number",
    "format_round_span",
    "is_fiscal_year",
    "maybe_thai_digits",
    "parse_date",
    "parse_number",
    "round_range",
    "to_arabic_digits",
    "to_local_date",
    "to_thai_digits",
]

THAI_MONTHS: tuple[str, ...] = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)

THAI_MONTHS_ABBR: tuple[str, ...] = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)

BE_OFFSET = 543

# The fiscal years (พ.ศ.) the portal knows: a year in a URL, a workbook or a form outside this
# range is refused (the FiscalYear table has the same check).
FISCAL_YEAR_MIN = 2500
FISCAL_YEAR_MAX = 2700

# Typed years below this are taken as ค.ศ. (a very common slip); above _MAX_BE_YEAR
# they are almost certainly typos rather than real dates.
_MIN_BE_YEAR = 2400
_MAX_BE_YEAR = 2700

_FISCAL_YEAR_START_MONTH = 10
_DATE_EXAMPLE = "16/04/2564"
_EN_DASH = "\u2013"

_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# Thai text pasted from Word, LINE or web pages often carries zero-width word-break
# hints that are invisible to the user but would make an otherwise valid value fail.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

_DATE_RE = re.compile(r"([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]{4}|[0-9]{2})")
_NUMBER_RE = re.compile(r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)")


def _bangkok_tz() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Bangkok")
    except (ImportError, LookupError):  # pragma: no cover - hosts without tz data
        # Thailand has had no DST since 1920, so a fixed offset is exact in practice.
        return timezone(timedelta(hours=7), "Asia/Bangkok")


BANGKOK: tzinfo = _bangkok_tz()


class ThaiDateError(ValueError):
    """A date typed by a user could not be understood; ``str(err)`` is a Thai message."""


# --- Years and digits ----------------------------------------------------------------


def be_year(ce: int) -> int:
    """ค.ศ. year -> พ.ศ. year (2021 -> 2564)."""
    return ce + BE_OFFSET


def ce_year(be: int) -> int:
    """พ.ศ. year -> ค.ศ. year (2564 -> 2021)."""
    return be - BE_OFFSET


def to_thai_digits(value: str | int | float | Decimal) -> str:
    """Return ``value`` as text with 0-9 replaced by ๐-๙."""
    # Decimal's str() may switch to exponent notation (1E+2); users never want that.
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.translate(_TO_THAI)


def to_arabic_digits(text: str) -> str:
    """Return ``text`` with ๐-๙ replaced by 0-9."""
    return text.translate(_TO_ARABIC)


def maybe_thai_digits(text: str, enabled: bool) -> str:
    """Convert ``text`` to Thai digits only when ``enabled`` (e.g. a per-document setting)."""
    return to_thai_digits(text) if enabled else str(text)


# --- Formatting dates ---------------------------------------------------------------


def to_local_date(d: date) -> date:
    """Return the calendar date in Thailand; aware datetimes are converted to Bangkok time."""
    if isinstance(d, datetime):
        # Naive datetimes are assumed to be local already (Django stores aware ones).
        return d.astimezone(BANGKOK).date() if d.tzinfo is not None else d.date()
    if isinstance(d, date):
        return d
    raise TypeError(f"expected date or datetime, got {type(d).__name__}")


def _month_name(month: int, abbreviated: bool) -> str:
    return (THAI_MONTHS_ABBR if abbreviated else THAI_MONTHS)[month - 1]


def _year_text(be: int, abbreviated: bool) -> str:
    # The short form uses the last two digits of the พ.ศ. year, as in "เม.ย. 64".
    return f"{be % 100:02d}" if abbreviated else str(be)


def format_date(d: date, *, thai_digits: bool = False) -> str:
    """Full Thai date, e.g. "16 เมษายน 2564"; accepts date or datetime."""
    d = to_local_date(d)
    text = f"{d.day} {THAI_MONTHS[d.month - 1]} {be_year(d.year)}"
    return maybe_thai_digits(text, thai_digits)


def format_date_numeric(d: date) -> str:
    """วว/ดด/ปปปป in พ.ศ. ("16/04/2564"), the form `parse_date` reads back."""
    return f"{d.day:02d}/{d.month:02d}/{be_year(d.year)}"


def format_date_short(d: date, *, thai_digits: bool = False) -> str:
    """Short Thai date, e.g. "16 เม.ย. 64"; accepts date or datetime."""
    d = to_local_date(d)
    text = f"{d.day} {THAI_MONTHS_ABBR[d.month - 1]} {_year_text(be_year(d.year), True)}"
    return maybe_thai_digits(text, thai_digits)


def format_month_year(
    value: date | tuple[int, int], *, thai_digits: bool = False, abbreviated: bool = False
) -> str:
    """Month and พ.ศ. year, e.g. "ตุลาคม 2567" (abbreviated: "ต.ค. 67").

    ``value`` is a date/datetime or a ``(year_be, month)`` tuple.
    """
    if isinstance(value, tuple):
        year_be, month = value
        if not 1 <= month <= 12:
            raise ValueError(f"เดือนต้องอยู่ระหว่าง 1 ถึง 12 (ได้รับ {month})")
    else:
        d = to_local_date(value)
        year_be, month = be_year(d.year), d.month
    text = f"{_month_name(month, abbreviated)} {_year_text(year_be, abbreviated)}"
    return maybe_thai_digits(text, thai_digits)


def format_month_span(
    start: date, end: date, *, thai_digits: bool = False, abbreviated: bool = False
) -> str:
    """Month range such as "ตุลาคม 2567 – กันยายน 2568".

    Within one พ.ศ. year the year is printed once ("ตุลาคม – ธันวาคม 2567"), and a
    single month collapses to "ตุลาคม 2567". ``abbreviated`` uses "ต.ค. 67" style.
    """
    start, end = to_local_date(start), to_local_date(end)
    if start > end:
        raise ValueError(f"วันเริ่มต้น ({start}) ต้องไม่อยู่หลังวันสิ้นสุด ({end})")
    start_be, end_be = be_year(start.year), be_year(end.year)
    if (start_be, start.month) == (end_be, end.month):
        text = f"{_month_name(start.month, abbreviated)} {_year_text(start_be, abbreviated)}"
    elif start_be == end_be:
        text = (
            f"{_month_name(start.month, abbreviated)} {_EN_DASH} "
            f"{_month_name(end.month, abbreviated)} {_year_text(end_be, abbreviated)}"
        )
    else:
        text = (
            f"{_month_name(start.month, abbreviated)} {_year_text(start_be, abbreviated)}"
            f" {_EN_DASH} "
            f"{_month_name(end.month, abbreviated)} {_year_text(end_be, abbreviated)}"
        )
    return maybe_thai_digits(text, thai_digits)


# --- Parsing dates ------------------------------------------------------------------


def parse_date(text: str) -> date:
    """Parse a พ.ศ. date typed as วว/ดด/ปปปป ("16/04/2564" -> date(2021, 4, 16)).

    Accepts Thai digits, "/", "-" or "." separators, optional leading zeros, and a two-digit
    พ.ศ. year as clerks write it ("16/4/64" is 16/04/2564: 25xx, the only century in use).
    Raises ThaiDateError with a Thai message meant to be shown to the user.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    raw = text.translate(_INVISIBLE).strip()
    if not raw:
        raise ThaiDateError("กรุณากรอกวันที่")
    match = _DATE_RE.fullmatch(to_arabic_digits(raw))
    if match is None:
        raise ThaiDateError(f'รูปแบบวันที่ไม่ถูกต้อง: "{raw}" กรุณากรอกเป็น วว/ดด/ปปปป เช่น {_DATE_EXAMPLE}')
    day, month, year = int(match[1]), int(match[3]), int(match[4])
    if len(match[4]) == 2:
        year += 2500
    if year < _MIN_BE_YEAR:
        suggested = be_year(year)
        raise ThaiDateError(
            f"ปี {year} เป็นปี ค.ศ. กรุณากรอกปี พ.ศ. ({suggested}) เช่น {day:02d}/{month:02d}/{suggested}"
        )
    if year > _MAX_BE_YEAR:
        raise ThaiDateError(f'ปี พ.ศ. {year} ไม่ถูกต้อง: "{raw}" กรุณาตรวจสอบปีอีกครั้ง')
    if not 1 <= month <= 12:
        raise ThaiDateError(f'ไม่มีเดือนที่ {month}: "{raw}" เดือนต้องอยู่ระหว่าง 01 ถึง 12')
    try:
        return date(ce_year(year), month, day)
    except ValueError:
        raise ThaiDateError(f"ไม่มีวันที่ {day} {THAI_MONTHS[month - 1]} {year}") from None


# --- Fiscal year --------------------------------------------------------------------


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def fiscal_year_of(d: date) -> int:
    """พ.ศ. fiscal year containing ``d``; 30 Sep 2024 -> 2567, 1 Oct 2024 -> 2568."""
    d = to_local_date(d)
    return be_year(d.year) + (1 if d.month >= _FISCAL_YEAR_START_MONTH else 0)


def fiscal_year_start(be: int) -> date:
    """First day of fiscal year ``be``: 1 October of the previous ค.ศ. year."""
    return date(ce_year(be) - 1, _FISCAL_YEAR_START_MONTH, 1)


def fiscal_year_end(be: int) -> date:
    """Last day of fiscal year ``be``: 30 September."""
    return date(ce_year(be), _FISCAL_YEAR_START_MONTH - 1, 30)


def fiscal_year_range(be: int) -> tuple[date, date]:
    """(first day, last day) of fiscal year ``be``, both inclusive."""
    return fiscal_year_start(be), fiscal_year_end(be)


def fiscal_quarter_of(d: date) -> int:
    """Fiscal quarter 1-4: Q1 ต.ค.–ธ.ค., Q2 ม.ค.–มี.ค., Q3 เม.ย.–มิ.ย., Q4 ก.ค.–ก.ย."""
    d = to_local_date(d)
    return (d.month - _FISCAL_YEAR_START_MONTH) % 12 // 3 + 1


def fiscal_quarter_range(be: int, q: int) -> tuple[date, date]:
    """(first day, last day) of quarter ``q`` of fiscal year ``be``."""
    if not isinstance(q, int) or not 1 <= q <= 4:
        raise ValueError(f"ไตรมาสต้องเป็น 1 ถึง 4 (ได้รับ {q})")
    start = _add_months(fiscal_year_start(be), 3 * (q - 1))
    return start, _month_end(_add_months(start, 2))


def round_range(be: int, months: int) -> tuple[date, date]:
    """Reporting round covering the first ``months`` months of fiscal year ``be``.

    ``round_range(2568, 6)`` -> (1 Oct 2024, 31 Mar 2025); ``months=12`` is the full year.
    """
    if not isinstance(months, int) or not 1 <= months <= 12:
        raise ValueError(f"จำนวนเดือนของรอบรายงานต้องอยู่ระหว่าง 1 ถึง 12 (ได้รับ {months})")
    start = fiscal_year_start(be)
    return start, _month_end(_add_months(start, months - 1))


def format_fiscal_year_span(
    be: int, *, thai_digits: bool = False, abbreviated: bool = False
) -> str:
    """Month span of fiscal year ``be``, e.g. "ตุลาคม 2567 – กันยายน 2568"."""
    return format_month_span(
        *fiscal_year_range(be), thai_digits=thai_digits, abbreviated=abbreviated
    )


def format_round_span(
    be: int, months: int, *, thai_digits: bool = False, abbreviated: bool = False
) -> str:
    """Month span of a reporting round, e.g. (2568, 6) -> "ตุลาคม 2567 – มีนาคม 2568"."""
    return format_month_span(
        *round_range(be, months), thai_digits=thai_digits, abbreviated=abbreviated
    )


# --- Numbers ------------------------------------------------------------------------


def parse_number(text: str) -> Decimal:
    """Parse a user-typed number ("๙๙.๗๘", "1,234.5", " 42 ") into a Decimal.

    Commas must be proper thousands separators so that "1,5" is not silently read as 15.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    raw = text.translate(_INVISIBLE).strip()
    if not raw:
        raise ValueError("กรุณากรอกตัวเลข")
    cleaned = "".join(to_arabic_digits(raw).split())
    if _NUMBER_RE.fullmatch(cleaned) is None:
        raise ValueError(f'ตัวเลขไม่ถูกต้อง: "{raw}" กรุณากรอกตัวเลข เช่น 99.78 หรือ 1,234.50')
    return Decimal(cleaned.replace(",", ""))


def format_number(
    value: int | float | Decimal | str, decimals: int = 2, *, thai_digits: bool = False
) -> str:
    """Number with ``decimals`` places and thousands separators: "1,234.50" / "๙๙.๗๘".

    Rounds half up, as people expect in reports (99.785 -> "99.79").
    """
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    if isinstance(value, str):
        number = parse_number(value)
    elif isinstance(value, float):
        # Going through repr avoids binary noise: Decimal(0.1) is 0.1000000000000000055...
        number = Decimal(repr(value))
    else:
        number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"ไม่สามารถแสดงค่า {value} เป็นตัวเลขได้")
    try:
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"ตัวเลขมีจำนวนหลักมากเกินไป: {value}") from None
    if rounded.is_zero():
        # Avoid printing "-0.00" for tiny negatives that round to zero.
        rounded = rounded.copy_abs()
    return maybe_thai_digits(f"{rounded:,.{decimals}f}", thai_digits)


def is_fiscal_year(year: int) -> bool:
    """Is `year` a พ.ศ. fiscal year the portal knows (FISCAL_YEAR_MIN to FISCAL_YEAR_MAX)?"""
    return FISCAL_YEAR_MIN <= year <= FISCAL_YEAR_MAX
