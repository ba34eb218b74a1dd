"""Thai conventions: พ.ศ. dates, Thai digits, fiscal years, numbers and template filters."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from itertools import pairwise

import pytest
from django.template import Context, Engine, Template

from ita_portal.thai import dates
from ita_portal.thai.dates import (
    BE_OFFSET,
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    ThaiDateError,
    be_year,
    ce_year,
    fiscal_quarter_of,
    fiscal_quarter_range,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_range,
    fiscal_year_start,
    format_date,
    format_date_short,
    format_fiscal_year_span,
    format_month_span,
    format_month_year,
    format_number,
    format_round_span,
    maybe_thai_digits,
    parse_date,
    parse_number,
    round_range,
    to_arabic_digits,
    to_local_date,
    to_thai_digits,
)

# --- Constants, years and digits ----------------------------------------------------


def test_month_tables():
    assert len(THAI_MONTHS) == len(THAI_MONTHS_ABBR) == 12
    assert THAI_MONTHS[0] == "มกราคม"
    assert THAI_MONTHS[9] == "ตุลาคม"
    assert THAI_MONTHS[11] == "ธันวาคม"
    assert THAI_MONTHS_ABBR == (
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


@pytest.mark.parametrize(("ce", "be"), [(2021, 2564), (2024, 2567), (2025, 2568), (1957, 2500)])
def test_be_and_ce_year(ce, be):
    assert BE_OFFSET == 543
    assert be_year(ce) == be
    assert ce_year(be) == ce


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0123456789", "๐๑๒๓๔๕๖๗๘๙"),
        (2568, "๒๕๖๘"),
        (-42, "-๔๒"),
        (99.78, "๙๙.๗๘"),
        (Decimal("99.78"), "๙๙.๗๘"),
        (Decimal("1E+2"), "๑๐๐"),
        ("ปีงบประมาณ 2568 ข้อ 1.2", "ปีงบประมาณ ๒๕๖๘ ข้อ ๑.๒"),
        ("", ""),
        ("๑๒๓", "๑๒๓"),
    ],
)
def test_to_thai_digits(value, expected):
    assert to_thai_digits(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("๐๑๒๓๔๕๖๗๘๙", "0123456789"),
        ("๑๖/๐๔/๒๕๖๔", "16/04/2564"),
        ("ข้อ ๑ และ 2", "ข้อ 1 และ 2"),
        ("", ""),
    ],
)
def test_to_arabic_digits(text, expected):
    assert to_arabic_digits(text) == expected


def test_digit_conversion_round_trips():
    text = "คะแนน 99.78 จาก 100 (ปี 2568)"
    assert to_arabic_digits(to_thai_digits(text)) == text


@pytest.mark.parametrize(("enabled", "expected"), [(True, "ปี ๒๕๖๘"), (False, "ปี 2568")])
def test_maybe_thai_digits(enabled, expected):
    assert maybe_thai_digits("ปี 2568", enabled) == expected


# --- Formatting dates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2021, 4, 16), "16 เมษายน 2564"),
        (date(2024, 1, 1), "1 มกราคม 2567"),
        (date(2024, 2, 29), "29 กุมภาพันธ์ 2567"),
        (date(2024, 12, 31), "31 ธันวาคม 2567"),
        (date(2025, 9, 30), "30 กันยายน 2568"),
    ],
)
def test_format_date(d, expected):
    assert format_date(d) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2021, 4, 16), "16 เม.ย. 64"),
        (date(2024, 1, 5), "5 ม.ค. 67"),
        (date(2024, 10, 1), "1 ต.ค. 67"),
        # 2600 BE: the two-digit year keeps its leading zero.
        (date(2057, 5, 9), "9 พ.ค. 00"),
        (date(2066, 5, 9), "9 พ.ค. 09"),
    ],
)
def test_format_date_short(d, expected):
    assert format_date_short(d) == expected


def test_format_dates_with_thai_digits():
    assert format_date(date(2021, 4, 16), thai_digits=True) == "๑๖ เมษายน ๒๕๖๔"
    assert format_date_short(date(2021, 4, 16), thai_digits=True) == "๑๖ เม.ย. ๖๔"


def test_format_date_converts_aware_datetime_to_bangkok():
    # 23:30 UTC on 30 Sep is already 06:30 on 1 Oct in Bangkok.
    moment = datetime(2024, 9, 30, 23, 30, tzinfo=UTC)
    assert format_date(moment) == "1 ตุลาคม 2567"
    assert format_date_short(moment) == "1 ต.ค. 67"


def test_format_date_accepts_naive_datetime_as_local():
    assert format_date(datetime(2024, 9, 30, 23, 30)) == "30 กันยายน 2567"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2024, 9, 30, 23, 30, tzinfo=UTC), date(2024, 10, 1)),
        (datetime(2024, 10, 1, 3, 0, tzinfo=timezone(timedelta(hours=-5))), date(2024, 10, 1)),
        (datetime(2024, 10, 1, 0, 30, tzinfo=timezone(timedelta(hours=9))), date(2024, 9, 30)),
        (datetime(2024, 9, 30, 23, 30), date(2024, 9, 30)),
        (date(2024, 9, 30), date(2024, 9, 30)),
    ],
)
def test_to_local_date(value, expected):
    result = to_local_date(value)
    assert result == expected
    assert type(result) is date


def test_to_local_date_rejects_strings():
    with pytest.raises(TypeError):
        to_local_date("2024-10-01")


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (date(2024, 10, 1), {}, "ตุลาคม 2567"),
        (date(2025, 9, 30), {}, "กันยายน 2568"),
        ((2567, 10), {}, "ตุลาคม 2567"),
        ((2568, 1), {"abbreviated": True}, "ม.ค. 68"),
        ((2567, 10), {"thai_digits": True}, "ตุลาคม ๒๕๖๗"),
        (datetime(2024, 9, 30, 23, 30, tzinfo=UTC), {}, "ตุลาคม 2567"),
    ],
)
def test_format_month_year(value, kwargs, expected):
    assert format_month_year(value, **kwargs) == expected


@pytest.mark.parametrize("month", [0, 13])
def test_format_month_year_rejects_bad_month(month):
    with pytest.raises(ValueError, match="เดือนต้องอยู่ระหว่าง 1 ถึง 12"):
        format_month_year((2567, month))


@pytest.mark.parametrize(
    ("start", "end", "kwargs", "expected"),
    [
        (date(2024, 10, 1), date(2025, 9, 30), {}, "ตุลาคม 2567 – กันยายน 2568"),
        (
            date(2024, 10, 1),
            date(2025, 9, 30),
            {"thai_digits": True},
            "ตุลาคม ๒๕๖๗ – กันยายน ๒๕๖๘",
        ),
        (date(2024, 10, 1), date(2024, 12, 31), {}, "ตุลาคม – ธันวาคม 2567"),
        (date(2025, 1, 1), date(2025, 3, 31), {"thai_digits": True}, "มกราคม – มีนาคม ๒๕๖๘"),
        (date(2024, 10, 1), date(2024, 10, 31), {}, "ตุลาคม 2567"),
        (date(2024, 10, 1), date(2025, 3, 31), {"abbreviated": True}, "ต.ค. 67 – มี.ค. 68"),
        (date(2024, 10, 1), date(2024, 12, 31), {"abbreviated": True}, "ต.ค. – ธ.ค. 67"),
        # Same month name in different years must still show both years.
        (date(2024, 10, 1), date(2025, 10, 31), {}, "ตุลาคม 2567 – ตุลาคม 2568"),
    ],
)
def test_format_month_span(start, end, kwargs, expected):
    assert format_month_span(start, end, **kwargs) == expected


def test_format_month_span_uses_en_dash_with_spaces():
    text = format_month_span(date(2024, 10, 1), date(2025, 9, 30))
    assert " \u2013 " in text
    assert "-" not in text


def test_format_month_span_rejects_reversed_range():
    with pytest.raises(ValueError, match="วันเริ่มต้น"):
        format_month_span(date(2025, 9, 30), date(2024, 10, 1))


# --- Parsing dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16/04/2564", date(2021, 4, 16)),
        ("๑๖/๐๔/๒๕๖๔", date(2021, 4, 16)),
        ("  16/04/2564  ", date(2021, 4, 16)),
        ("16-04-2564", date(2021, 4, 16)),
        ("16.04.2564", date(2021, 4, 16)),
        ("1/4/2564", date(2021, 4, 1)),
        ("01/04/2564", date(2021, 4, 1)),
        ("๑/๔/๒๕๖๔", date(2021, 4, 1)),
        ("16 / 04 / 2564", date(2021, 4, 16)),
        ("\u200b16/04/2564\u200b", date(2021, 4, 16)),
        ("29/02/2567", date(2024, 2, 29)),
        ("30/09/2567", date(2024, 9, 30)),
        ("01/10/2567", date(2024, 10, 1)),
        ("31/12/2400", date(1857, 12, 31)),
        ("01/01/2700", date(2157, 1, 1)),
    ],
)
def test_parse_date_valid(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16/4/64", date(2021, 4, 16)),
        ("31/3/68", date(2025, 3, 31)),
        ("๑/๑๒/๖๙", date(2026, 12, 1)),
        ("1.10.69", date(2026, 10, 1)),
    ],
)
def test_parse_date_accepts_a_two_digit_be_year(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "16/04", "16042564", "16/04/564", "2564/04/16", "16/04-2564", "2024-04-16"],
)
def test_parse_date_wrong_format(text):
    with pytest.raises(ThaiDateError) as info:
        parse_date(text)
    message = str(info.value)
    if text.strip():
        assert message == (
            f'รูปแบบวันที่ไม่ถูกต้อง: "{text.strip()}" กรุณากรอกเป็น วว/ดด/ปปปป เช่น 16/04/2564'
        )
    else:
        assert message == "กรุณากรอกวันที่"


@pytest.mark.parametrize(
    ("text", "ce", "be"),
    [
        ("16/04/2024", 2024, 2567),
        ("๑๖/๐๔/๒๐๒๔", 2024, 2567),
        ("01/10/2021", 2021, 2564),
        ("31/12/2399", 2399, 2942),
    ],
)
def test_parse_date_rejects_ce_year_and_suggests_be(text, ce, be):
    with pytest.raises(ThaiDateError) as info:
        parse_date(text)
    message = str(info.value)
    assert "ค.ศ." in message
    assert "พ.ศ." in message
    assert message.startswith(f"ปี {ce} เป็นปี ค.ศ. กรุณากรอกปี พ.ศ. ({be})")


def test_parse_date_ce_message_shows_corrected_date():
    with pytest.raises(ThaiDateError) as info:
        parse_date("16/4/2024")
    assert str(info.value) == "ปี 2024 เป็นปี ค.ศ. กรุณากรอกปี พ.ศ. (2567) เช่น 16/04/2567"


@pytest.mark.parametrize("text", ["01/01/2701", "16/04/2800", "16/04/9999"])
def test_parse_date_rejects_implausible_be_year(text):
    with pytest.raises(ThaiDateError) as info:
        parse_date(text)
    year = text.rsplit("/", 1)[1]
    assert str(info.value) == f'ปี พ.ศ. {year} ไม่ถูกต้อง: "{text}" กรุณาตรวจสอบปีอีกครั้ง'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("29/02/2566", "ไม่มีวันที่ 29 กุมภาพันธ์ 2566"),
        ("30/02/2567", "ไม่มีวันที่ 30 กุมภาพันธ์ 2567"),
        ("31/04/2567", "ไม่มีวันที่ 31 เมษายน 2567"),
        ("00/01/2567", "ไม่มีวันที่ 0 มกราคม 2567"),
        ("32/12/2567", "ไม่มีวันที่ 32 ธันวาคม 2567"),
        ("๒๙/๐๒/๒๕๖๖", "ไม่มีวันที่ 29 กุมภาพันธ์ 2566"),
        ("01/13/2567", 'ไม่มีเดือนที่ 13: "01/13/2567" เดือนต้องอยู่ระหว่าง 01 ถึง 12'),
        ("01/00/2567", 'ไม่มีเดือนที่ 0: "01/00/2567" เดือนต้องอยู่ระหว่าง 01 ถึง 12'),
    ],
)
def test_parse_date_rejects_impossible_dates(text, message):
    with pytest.raises(ThaiDateError) as info:
        parse_date(text)
    assert str(info.value) == message


def test_thai_date_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_date("not a date")


def test_parse_date_requires_text():
    with pytest.raises(TypeError):
        parse_date(date(2021, 4, 16))


@pytest.mark.parametrize(
    "d", [date(2021, 4, 16), date(2024, 2, 29), date(2024, 10, 1), date(2025, 9, 30)]
)
def test_parse_date_round_trips_numeric_form(d):
    assert parse_date(f"{d.day:02d}/{d.month:02d}/{be_year(d.year)}") == d


# --- Fiscal year ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2024, 9, 30), 2567),
        (date(2024, 10, 1), 2568),
        (date(2024, 12, 31), 2568),
        (date(2025, 1, 1), 2568),
        (date(2025, 9, 30), 2568),
        (date(2025, 10, 1), 2569),
        (parse_date("30/09/2567"), 2567),
        (parse_date("01/10/2567"), 2568),
    ],
)
def test_fiscal_year_of(d, fy):
    assert fiscal_year_of(d) == fy


def test_fiscal_year_of_aware_datetime_uses_bangkok_date():
    # 23:30 UTC on 30 Sep is 1 Oct in Bangkok, so it belongs to the next fiscal year.
    assert fiscal_year_of(datetime(2024, 9, 30, 23, 30, tzinfo=UTC)) == 2568
    assert fiscal_year_of(datetime(2024, 9, 30, 16, 59, tzinfo=UTC)) == 2567
    assert fiscal_year_of(datetime(2024, 9, 30, 17, 0, tzinfo=UTC)) == 2568


@pytest.mark.parametrize(
    ("fy", "start", "end"),
    [
        (2568, date(2024, 10, 1), date(2025, 9, 30)),
        (2567, date(2023, 10, 1), date(2024, 9, 30)),
        (2566, date(2022, 10, 1), date(2023, 9, 30)),
    ],
)
def test_fiscal_year_range(fy, start, end):
    assert fiscal_year_start(fy) == start
    assert fiscal_year_end(fy) == end
    assert fiscal_year_range(fy) == (start, end)
    assert fiscal_year_of(start) == fiscal_year_of(end) == fy
    assert fiscal_year_of(start - timedelta(days=1)) == fy - 1
    assert fiscal_year_of(end + timedelta(days=1)) == fy + 1


@pytest.mark.parametrize(
    ("d", "quarter"),
    [
        (date(2024, 10, 1), 1),
        (date(2024, 12, 31), 1),
        (date(2025, 1, 1), 2),
        (date(2025, 3, 31), 2),
        (date(2025, 4, 1), 3),
        (date(2025, 6, 30), 3),
        (date(2025, 7, 1), 4),
        (date(2025, 9, 30), 4),
        (datetime(2024, 12, 31, 17, 30, tzinfo=UTC), 2),
    ],
)
def test_fiscal_quarter_of(d, quarter):
    assert fiscal_quarter_of(d) == quarter


@pytest.mark.parametrize(
    ("q", "start", "end"),
    [
        (1, date(2024, 10, 1), date(2024, 12, 31)),
        (2, date(2025, 1, 1), date(2025, 3, 31)),
        (3, date(2025, 4, 1), date(2025, 6, 30)),
        (4, date(2025, 7, 1), date(2025, 9, 30)),
    ],
)
def test_fiscal_quarter_range(q, start, end):
    assert fiscal_quarter_range(2568, q) == (start, end)
    assert fiscal_quarter_of(start) == fiscal_quarter_of(end) == q


def test_fiscal_quarters_tile_the_year_without_gaps():
    ranges = [fiscal_quarter_range(2567, q) for q in (1, 2, 3, 4)]
    assert ranges[0][0] == fiscal_year_start(2567)
    assert ranges[-1][1] == fiscal_year_end(2567)
    for (_, end), (next_start, _) in pairwise(ranges):
        assert next_start == end + timedelta(days=1)


@pytest.mark.parametrize("q", [0, 5, -1, 2.0])
def test_fiscal_quarter_range_rejects_bad_quarter(q):
    with pytest.raises(ValueError, match="ไตรมาสต้องเป็น 1 ถึง 4"):
        fiscal_quarter_range(2568, q)


@pytest.mark.parametrize(
    ("months", "end"),
    [
        (1, date(2024, 10, 31)),
        (3, date(2024, 12, 31)),
        (5, date(2025, 2, 28)),
        (6, date(2025, 3, 31)),
        (9, date(2025, 6, 30)),
        (12, date(2025, 9, 30)),
    ],
)
def test_round_range(months, end):
    assert round_range(2568, months) == (date(2024, 10, 1), end)


def test_round_range_handles_leap_february():
    # FY2567 spans Feb 2024, a leap month.
    assert round_range(2567, 5) == (date(2023, 10, 1), date(2024, 2, 29))


def test_round_range_six_months_example():
    assert round_range(2568, 6) == (date(2024, 10, 1), date(2025, 3, 31))


@pytest.mark.parametrize("months", [0, 13, -6, 6.0])
def test_round_range_rejects_bad_months(months):
    with pytest.raises(ValueError, match="จำนวนเดือนของรอบรายงาน"):
        round_range(2568, months)


@pytest.mark.parametrize(
    ("fy", "kwargs", "expected"),
    [
        (2568, {}, "ตุลาคม 2567 – กันยายน 2568"),
        (2568, {"thai_digits": True}, "ตุลาคม ๒๕๖๗ – กันยายน ๒๕๖๘"),
        (2566, {"thai_digits": True}, "ตุลาคม ๒๕๖๕ – กันยายน ๒๕๖๖"),
        (2568, {"abbreviated": True}, "ต.ค. 67 – ก.ย. 68"),
    ],
)
def test_format_fiscal_year_span(fy, kwargs, expected):
    assert format_fiscal_year_span(fy, **kwargs) == expected


@pytest.mark.parametrize(
    ("months", "kwargs", "expected"),
    [
        (3, {}, "ตุลาคม – ธันวาคม 2567"),
        (6, {}, "ตุลาคม 2567 – มีนาคม 2568"),
        (6, {"thai_digits": True}, "ตุลาคม ๒๕๖๗ – มีนาคม ๒๕๖๘"),
        (12, {}, "ตุลาคม 2567 – กันยายน 2568"),
        (9, {"abbreviated": True}, "ต.ค. 67 – มิ.ย. 68"),
    ],
)
def test_format_round_span(months, kwargs, expected):
    assert format_round_span(2568, months, **kwargs) == expected


# --- Numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "args", "kwargs", "expected"),
    [
        (99.78, (), {}, "99.78"),
        (99.78, (), {"thai_digits": True}, "๙๙.๗๘"),
        (Decimal("99.785"), (), {}, "99.79"),
        (2.675, (), {}, "2.68"),
        (100, (), {}, "100.00"),
        (999.999, (), {}, "1,000.00"),
        (1234.5, (), {}, "1,234.50"),
        (1234567.891, (), {}, "1,234,567.89"),
        (1234567, (0,), {}, "1,234,567"),
        (1234.5, (0,), {}, "1,235"),
        (1234.5, (1,), {"thai_digits": True}, "๑,๒๓๔.๕"),
        (-1234.5, (), {}, "-1,234.50"),
        (-0.001, (), {}, "0.00"),
        (0, (), {}, "0.00"),
        ("๙๙.๗๘", (), {}, "99.78"),
        ("1,234.5", (3,), {}, "1,234.500"),
    ],
)
def test_format_number(value, args, kwargs, expected):
    assert format_number(value, *args, **kwargs) == expected


@pytest.mark.parametrize("value", [Decimal("NaN"), float("inf"), "abc"])
def test_format_number_rejects_non_numbers(value):
    with pytest.raises(ValueError):
        format_number(value)


def test_format_number_rejects_negative_decimals():
    with pytest.raises(ValueError):
        format_number(1, -1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("99.78", Decimal("99.78")),
        ("๙๙.๗๘", Decimal("99.78")),
        (" 1,234.50 ", Decimal("1234.50")),
        ("๑,๒๓๔", Decimal("1234")),
        ("1 234", Decimal("1234")),
        ("1,234,567", Decimal("1234567")),
        ("-5", Decimal("-5")),
        ("+5", Decimal("5")),
        (".5", Decimal("0.5")),
        ("0", Decimal("0")),
        ("\u200b100\u200b", Decimal("100")),
    ],
)
def test_parse_number(text, expected):
    result = parse_number(text)
    assert result == expected
    assert isinstance(result, Decimal)


@pytest.mark.parametrize(
    "text", ["abc", "1,5", "1,2345", "1.2.3", "1e5", "NaN", "Infinity", "12a", "5.", "--5"]
)
def test_parse_number_rejects_garbage_with_thai_message(text):
    with pytest.raises(ValueError) as info:
        parse_number(text)
    assert str(info.value) == (f'ตัวเลขไม่ถูกต้อง: "{text}" กรุณากรอกตัวเลข เช่น 99.78 หรือ 1,234.50')


@pytest.mark.parametrize("text", ["", "   "])
def test_parse_number_empty(text):
    with pytest.raises(ValueError, match="กรุณากรอกตัวเลข"):
        parse_number(text)


def test_package_reexports_dates_api():
    import ita_portal.thai as thai

    for name in dates.__all__:
        assert getattr(thai, name) is getattr(dates, name)


# --- Template filters ---------------------------------------------------------------


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ("{{ d|thai_date }}", {"d": date(2021, 4, 16)}, "16 เมษายน 2564"),
        ('{{ d|thai_date:"short" }}', {"d": date(2021, 4, 16)}, "16 เม.ย. 64"),
        ("{{ d|thai_date_short }}", {"d": date(2021, 4, 16)}, "16 เม.ย. 64"),
        ("{{ d|thai_date }}", {"d": datetime(2024, 9, 30, 23, 30, tzinfo=UTC)}, "1 ตุลาคม 2567"),
        ("{{ d|thai_date|thai_digits }}", {"d": date(2021, 4, 16)}, "๑๖ เมษายน ๒๕๖๔"),
        ("{{ d|be_year }}", {"d": date(2021, 4, 16)}, "2564"),
        ("{{ d|be_year }}", {"d": datetime(2024, 12, 31, 18, 0, tzinfo=UTC)}, "2568"),
        ("{{ n|thai_digits }}", {"n": 2568}, "๒๕๖๘"),
        ("{{ n|thai_digits }}", {"n": Decimal("99.78")}, "๙๙.๗๘"),
        ("{{ n|thai_number }}", {"n": 1234.5}, "1,234.50"),
        ("{{ n|thai_number:0 }}", {"n": 1234.5}, "1,235"),
        ('{{ n|thai_number:"1" }}', {"n": Decimal("99.78")}, "99.8"),
        ("{{ n|thai_number|thai_digits }}", {"n": 99.78}, "๙๙.๗๘"),
        ("{{ fy|fiscal_span }}", {"fy": 2568}, "ตุลาคม 2567 – กันยายน 2568"),
        ("{{ fy|fiscal_span }}", {"fy": "2568"}, "ตุลาคม 2567 – กันยายน 2568"),
        ("{{ fy|fiscal_span|thai_digits }}", {"fy": 2568}, "ตุลาคม ๒๕๖๗ – กันยายน ๒๕๖๘"),
        ("{{ 2568|fiscal_span }}", {}, "ตุลาคม 2567 – กันยายน 2568"),
    ],
)
def test_template_filters(source, context, expected):
    assert render(source, **context) == expected


@pytest.mark.parametrize(
    "filter_expr",
    [
        "thai_date",
        'thai_date:"short"',
        "thai_date_short",
        "thai_digits",
        "thai_number",
        "thai_number:0",
        "fiscal_span",
        "be_year",
        "digits:True",
        "digits:False",
    ],
)
@pytest.mark.parametrize("value", [None, ""])
def test_template_filters_render_empty_for_missing_values(filter_expr, value):
    assert render(f"[{{{{ v|{filter_expr} }}}}]", v=value) == "[]"
    assert render(f"[{{{{ missing|{filter_expr} }}}}]") == "[]"


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("{{ v|thai_date }}", "2021-04-16"),
        ("{{ v|thai_date_short }}", 12),
        ("{{ v|be_year }}", "16/04/2564"),
        ("{{ v|thai_number }}", "abc"),
        ("{{ v|fiscal_span }}", "ปีนี้"),
    ],
)
def test_template_filters_render_empty_for_invalid_values(source, value):
    assert render(source, v=value) == ""


@pytest.mark.parametrize(
    ("enabled", "expected"),
    [
        (True, "คะแนน ๙๙.๗๘"),
        (False, "คะแนน 99.78"),
        (1, "คะแนน ๙๙.๗๘"),
        (0, "คะแนน 99.78"),
        (None, "คะแนน 99.78"),
        ("false", "คะแนน 99.78"),
        ("yes", "คะแนน ๙๙.๗๘"),
    ],
)
def test_digits_filter_follows_document_setting(enabled, expected):
    source = "{{ text|digits:doc.thai_digits }}"
    assert render(source, text="คะแนน 99.78", doc={"thai_digits": enabled}) == expected


def test_digits_filter_with_number_and_chain():
    source = "{{ score|thai_number|digits:doc.thai_digits }}"
    assert render(source, score=1234.5, doc={"thai_digits": True}) == "๑,๒๓๔.๕๐"
    assert render(source, score=1234.5, doc={"thai_digits": False}) == "1,234.50"


@pytest.mark.parametrize("filter_expr", ["thai_digits", "digits:True", "digits:False"])
def test_digit_filters_do_not_mark_user_text_safe(filter_expr):
    html = render(f"{{{{ v|{filter_expr} }}}}", v='<script>alert("1")</script>')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_digit_filters_keep_already_safe_markup():
    html = render("{{ v|safe|thai_digits }}", v="<b>12</b>")
    assert html == "<b>๑๒</b>"


def test_date_filters_output_is_escaped_plain_text():
    html = render("{% autoescape on %}{{ d|thai_date }}{% endautoescape %}", d=date(2021, 4, 16))
    assert html == "16 เมษายน 2564"


def test_filters_work_with_load_tag_when_registered_as_library():
    engine = Engine(libraries={"thai": "ita_portal.thai.templatetags"})
    template = engine.from_string("{% load thai %}{{ d|thai_date:'short'|thai_digits }}")
    assert template.render(Context({"d": date(2021, 4, 16)})) == "๑๖ เม.ย. ๖๔"


def test_filters_work_without_load_when_registered_as_builtin():
    engine = Engine(builtins=["ita_portal.thai.templatetags"])
    template = engine.from_string("{{ fy|fiscal_span }}")
    assert template.render(Context({"fy": 2567})) == "ตุลาคม 2566 – กันยายน 2567"
