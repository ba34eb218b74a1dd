"""Import the NACC's ITA scores from Excel, at national scale.

- Reads .xlsx, .xls and .ods with python-calamine (fast, bounded); openpyxl is kept for files the
  portal writes.
- Each column is an ImportColumn: its Thai label, the header names (English or Thai) it is found
  by, and clean(). Two layouts, detected from the header row: long (org_code, fiscal_year,
  item_code, score) and wide (org_code, fiscal_year, then one column per code).
- Pass 1 parses and validates every row into compact arrays and collects errors as
  (sheet, row, column, value, Thai message). Nothing is written if there is any error.
- Pass 2 writes everything in one transaction: PostgreSQL COPY into a staging table plus an
  upsert for large files, the ORM otherwise. Official figures are stored as given. One
  django-auditlog entry per changed assessment records the import.
- A dry run does all of it and rolls back, so its counts are exactly what a commit would do.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from assessments.catalogue import RowError
from assessments.models import (
    MAX_BE_YEAR,
    MIN_BE_YEAR,
    Assessment,
    FiscalYear,
    Framework,
    Score,
    ScoreKind,
)
from assessments.selectors import LOCAL_GOVERNMENT_VARIANT
from ita_portal.public_cache import bump_organisations
from ita_portal.thai.dates import to_arabic_digits
from ita_portal.uploads import zip_expanded_size
from organisations.models import Organisation, OrganisationType

ProgressCallback = Callable[[str, int, int], None]

#: Errors kept for the page and the downloadable report; the rest are only counted.
MAX_KEPT_ERRORS = 10_000
#: Above this many scores on PostgreSQL, write through COPY + upsert instead of the ORM.
COPY_THRESHOLD = 2_000
PROGRESS_EVERY = 10_000
#: Audit entries per query and per INSERT (one per changed assessment).
AUDIT_BATCH = 2_000
#: Organisations named in the preview whose official total goes stale; the rest are counted.
MAX_STALE_LISTED = 200
#: Assessment ids per query when marking official figures stale.
STALE_BATCH = 2_000

PHASES = {
    "read": "อ่านไฟล์",
    "validate": "ตรวจสอบข้อมูล",
    "write": "บันทึกข้อมูล",
    "done": "เสร็จสิ้น",
}

ORG_TYPE_WORDS = {
    **{t.value: t.value for t in OrganisationType},
    **{t.label: t.value for t in OrganisationType},
    "อบต.": OrganisationType.SAO,
    "อบต": OrganisationType.SAO,
    "ทต.": OrganisationType.SUBDISTRICT_MUNICIPALITY,
    "ทม.": OrganisationType.TOWN_MUNICIPALITY,
    "ทน.": OrganisationType.CITY_MUNICIPALITY,
    "อบจ.": OrganisationType.PAO,
    "อบจ": OrganisationType.PAO,
}

ITEM_RE = re.compile(r"^[ieo][1-9][0-9]*$")
INDICATOR_RE = re.compile(r"^ind(10|[1-9])$")
#: An organisation code the import may create (as organisations.models.code_validator).
NEW_ORG_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")
TOOLS = {"iit": "IIT", "eit": "EIT", "oit": "OIT"}


class ScoreImportFailed(Exception):
    def __init__(self, errors: list[RowError], total: int | None = None):
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__(f"{self.total} errors")


@dataclass
class ImportResult:
    layout: str = ""
    rows: int = 0
    organisations_created: int = 0
    assessments_created: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    seconds: float = 0.0
    #: Assessments whose official total stays from an earlier file while this one changes their
    #: items: the count, and the first MAX_STALE_LISTED as dicts (code, name, year, items).
    stale_total_count: int = 0
    stale_totals: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        verb = "จะ" if self.dry_run else ""
        return (
            f"{self.rows:,} แถว: คะแนนใหม่ {self.created:,}, แก้ไข {self.updated:,}, คงเดิม {self.unchanged:,}; "
            f"{verb}สร้างผลการประเมิน {self.assessments_created:,} รายการ"
            + (
                f", {verb}สร้างหน่วยงาน {self.organisations_created:,} แห่ง"
                if self.organisations_created
                else ""
            )
            + (
                f"; คะแนนรวมทางการของ {self.stale_total_count:,} หน่วยงาน{verb}ไม่เป็นปัจจุบัน"
                " (คะแนนรายข้อเปลี่ยน แต่ไฟล์นี้ไม่มีคะแนนรวม)"
                if self.stale_total_count
                else ""
            )
        )


def normalise_code(raw: Any) -> tuple[str, str] | None:
    """(kind, canonical code) for i1/e5/o27, ind1–ind10, IIT/EIT/OIT, TOTAL; None otherwise."""
    text = to_arabic_digits(str(raw or "")).strip().lower().replace(" ", "")
    if ITEM_RE.match(text):
        return ScoreKind.ITEM, text
    if INDICATOR_RE.match(text):
        return ScoreKind.INDICATOR, text
    if text in TOOLS:
        return ScoreKind.TOOL, TOOLS[text]
    if text == "total":
        return ScoreKind.TOTAL, "TOTAL"
    return None


# ---------------------------------------------------------------- columns


class CellError(ValueError):
    """A cell's value cannot be used; the message is Thai, for whoever fixes the file."""


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class ImportColumn:
    """One column of the score sheet, as pretix's ImportColumn: the Thai label an error names,
    the header names it is found by, and clean(), which returns the value or raises CellError."""

    def __init__(self, identifier: str, verbose_name: str, headers: tuple[str, ...]):
        self.identifier = identifier
        self.verbose_name = verbose_name
        self.headers = frozenset(h.lower() for h in headers)

    def __repr__(self) -> str:
        return f"<ImportColumn {self.identifier}>"

    def clean(self, value: Any) -> Any:
        return _cell_text(value)

    def parse(self, value: Any) -> tuple[Any, str]:
        """(value, "") or (None, the Thai message): a result the readers can memoise."""
        try:
            return self.clean(value), ""
        except CellError as error:
            return None, str(error)


class OrgCodeColumn(ImportColumn):
    def clean(self, value: Any) -> str:
        text = _cell_text(value)
        if not text:
            raise CellError("ช่องว่าง: ต้องระบุรหัสหน่วยงาน")
        return text


class FiscalYearColumn(ImportColumn):
    def clean(self, value: Any) -> int:
        """A Buddhist-era year (Thai digits and a thousands comma allowed)."""
        text = to_arabic_digits(_cell_text(value)).replace(",", "")
        if not text:
            raise CellError("ช่องว่าง: ต้องระบุปีงบประมาณ (พ.ศ.)")
        if not (text.isascii() and text.isdigit()) or len(text) > 6:  # "²" is a digit too
            raise CellError("ปีงบประมาณต้องเป็นตัวเลข พ.ศ. 4 หลัก เช่น 2568")
        year = int(text)
        if year < 2400:
            raise CellError(f"ปี {year} เป็นปี ค.ศ. กรุณาใช้ปี พ.ศ. ({year + 543})")
        if not MIN_BE_YEAR <= year <= MAX_BE_YEAR:
            raise CellError("ปีงบประมาณไม่อยู่ในช่วงที่เป็นไปได้")
        return year


class ItemCodeColumn(ImportColumn):
    def clean(self, value: Any) -> tuple[str, str]:
        """(kind, canonical code): see normalise_code."""
        normal = normalise_code(value)
        if normal is None:
            if not _cell_text(value):
                raise CellError("ช่องว่าง: ต้องระบุรหัสข้อ")
            raise CellError("รหัสข้อไม่ถูกต้อง (ใช้ i1, e5, o27, ind1–ind10, IIT, EIT, OIT หรือ TOTAL)")
        return normal


class ScoreColumn(ImportColumn):
    def clean(self, value: Any) -> int:
        """The score in hundredths, exactly as given: 0–100 with at most 2 decimals."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = Decimal(str(value))
        else:
            text = to_arabic_digits(_cell_text(value)).replace(",", "").replace(" ", "")
            if not text:
                raise CellError("ช่องว่าง: ต้องระบุคะแนน")
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise CellError("คะแนนต้องเป็นตัวเลข") from None
        if not number.is_finite():
            raise CellError("คะแนนต้องเป็นตัวเลข")
        if number < 0 or number > 100:
            raise CellError("คะแนนต้องอยู่ระหว่าง 0–100")
        hundredths = number * 100
        if hundredths != hundredths.to_integral_value():
            if not isinstance(value, float):
                raise CellError("คะแนนมีทศนิยมเกิน 2 ตำแหน่ง")
            hundredths = hundredths.quantize(Decimal(1))  # a float cell such as 99.78000000000001
        return int(hundredths)


class OrgTypeColumn(ImportColumn):
    def clean(self, value: Any) -> str:
        """The type of an organisation to create; อบต. when the cell is empty."""
        text = _cell_text(value)
        if not text:
            return OrganisationType.SAO
        org_type = ORG_TYPE_WORDS.get(text)
        if org_type is None:
            raise CellError("ประเภทหน่วยงานไม่ถูกต้อง (เช่น อบต., ทต., ทม., ทน., อบจ. หรือ other)")
        return org_type


ORG_CODE = OrgCodeColumn("org_code", "รหัสหน่วยงาน (org_code)", ("org_code", "รหัสหน่วยงาน"))
FISCAL_YEAR = FiscalYearColumn(
    "fiscal_year", "ปีงบประมาณ (fiscal_year)", ("fiscal_year", "ปีงบประมาณ", "ปี")
)
ITEM_CODE = ItemCodeColumn("item_code", "ข้อ (item_code)", ("item_code", "ข้อ", "รหัสข้อ", "รหัส"))
SCORE = ScoreColumn("score", "คะแนน (score)", ("score", "คะแนน"))
ORG_NAME = ImportColumn("org_name", "ชื่อหน่วยงาน (org_name)", ("org_name", "ชื่อหน่วยงาน"))
ORG_TYPE = OrgTypeColumn(
    "org_type", "ประเภทหน่วยงาน (org_type)", ("org_type", "ประเภทหน่วยงาน", "ประเภท")
)
DISTRICT = ImportColumn("district", "อำเภอ (district)", ("district", "อำเภอ"))
PROVINCE = ImportColumn("province", "จังหวัด (province)", ("province", "จังหวัด"))
#: Every column the header row is searched for, in this order.
COLUMNS = (ORG_CODE, FISCAL_YEAR, ITEM_CODE, SCORE, ORG_NAME, ORG_TYPE, DISTRICT, PROVINCE)
#: The long layout's columns; the wide layout has the first two, then a column per code.
LONG_COLUMNS = (ORG_CODE, FISCAL_YEAR, ITEM_CODE, SCORE)
#: Kept from an organisation's first row, to create it if asked to.
DETAIL_COLUMNS = (ORG_NAME, ORG_TYPE, DISTRICT, PROVINCE)


# ---------------------------------------------------------------- file checks


def check_file(content: bytes, name: str) -> None:
    """Size, type by content, and zip-bomb checks (Thai ScoreImportFailed)."""
    limit = getattr(settings, "SCORE_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
    if len(content) > limit:
        raise ScoreImportFailed(
            [
                RowError(
                    "ไฟล์",
                    None,
                    "",
                    name,
                    f"ไฟล์มีขนาด {len(content) / 1024 / 1024:.1f} MB เกินขนาดที่รับได้ {limit / 1024 / 1024:.0f} MB",
                )
            ]
        )
    if not content:
        raise ScoreImportFailed([RowError("ไฟล์", None, "", name, "ไฟล์ว่างเปล่า")])
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return  # .xls (OLE2); calamine reads it in bounded memory
    if not content.startswith(b"PK\x03\x04"):
        raise ScoreImportFailed(
            [RowError("ไฟล์", None, "", name, "ไม่ใช่ไฟล์ Excel (.xlsx, .xls) หรือ .ods")]
        )
    max_total = getattr(settings, "SCORE_IMPORT_MAX_UNCOMPRESSED", 1024 * 1024 * 1024)
    max_ratio = getattr(settings, "SCORE_IMPORT_MAX_RATIO", 200)
    cap = min(max_total, max_ratio * max(len(content), 1))
    try:
        # Decompressed and counted, not read from the archive's directory (which can lie).
        expanded = zip_expanded_size(content, cap)
    except Exception:  # noqa: BLE001
        # A crafted archive makes zipfile raise almost anything (BadZipFile, an unknown "version
        # needed to extract" as NotImplementedError, zlib.error, RuntimeError for an encrypted
        # member, EOFError...): each means the same to the user.
        raise ScoreImportFailed([RowError("ไฟล์", None, "", name, "ไฟล์เสียหาย เปิดอ่านไม่ได้")]) from None
    if expanded > cap:
        raise ScoreImportFailed(
            [
                RowError(
                    "ไฟล์",
                    None,
                    "",
                    name,
                    f"ไฟล์ขยายตัวเกิน {cap / 1024 / 1024:.0f} MB เมื่อแตกไฟล์ ผิดปกติสำหรับไฟล์คะแนน (อาจเป็น zip bomb)",
                )
            ]
        )


# ---------------------------------------------------------------- reading


@dataclass
class Parsed:
    """Every valid row, compactly: ints index into the interned lists."""

    sheet: str = ""
    layout: str = ""
    org_codes: list[str] = field(default_factory=list)
    org_index: dict[str, int] = field(default_factory=dict)
    org_details: dict[int, dict[str, str]] = field(default_factory=dict)
    org_first_row: dict[int, int] = field(default_factory=dict)
    codes: list[tuple[str, str]] = field(default_factory=list)
    code_index: dict[tuple[str, str], int] = field(default_factory=dict)
    org: array = field(default_factory=lambda: array("i"))
    year: array = field(default_factory=lambda: array("i"))
    code: array = field(default_factory=lambda: array("i"))
    score: array = field(default_factory=lambda: array("i"))  # hundredths
    row: array = field(default_factory=lambda: array("i"))
    rows_read: int = 0

    def org_of(self, code: str, row: int, values: list[Any], details) -> int:
        """The organisation's index; a new one keeps its first row and its detail cells."""
        org = self.org_index.get(code)
        if org is None:
            org = self.org_index[code] = len(self.org_codes)
            self.org_codes.append(code)
            self.org_first_row[org] = row
            n = len(values)
            self.org_details[org] = {
                column.identifier: _cell_text(values[index] if index < n else None)
                for column, index in details
            }
        return org

    def code_of(self, normal: tuple[str, str]) -> int:
        code = self.code_index.get(normal)
        if code is None:
            code = self.code_index[normal] = len(self.codes)
            self.codes.append(normal)
        return code


class Errors:
    def __init__(self):
        self.kept: list[RowError] = []
        self.total = 0

    def add(self, sheet: str, row: int | None, column: str, value: Any, message: str) -> None:
        self.total += 1
        if len(self.kept) < MAX_KEPT_ERRORS:
            shown = "" if value is None else str(value)
            self.kept.append(RowError(sheet, row, column, shown[:100], message))

    def __bool__(self) -> bool:
        return self.total > 0


def _header_map(header: list[Any]) -> dict[ImportColumn, int]:
    """Where each column is: the first header cell that names it."""
    found: dict[ImportColumn, int] = {}
    for index, raw in enumerate(header):
        text = _cell_text(raw).lower()
        for column in COLUMNS:
            if text in column.headers and column not in found:
                found[column] = index
    return found


def read_workbook(
    content: bytes, errors: Errors, progress: ProgressCallback | None = None
) -> Parsed:
    from python_calamine import CalamineWorkbook

    parsed = Parsed()
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet_name = book.sheet_names[0]
        sheet = book.get_sheet_by_name(sheet_name)
    except Exception:  # calamine raises several error types for unreadable files
        errors.add("ไฟล์", None, "", "", "ไฟล์เสียหายหรือไม่ใช่ไฟล์ Excel ที่อ่านได้")
        return parsed
    parsed.sheet = sheet_name
    rows: Iterator[list[Any]] = iter(sheet.iter_rows())
    header = next(rows, None)
    if header is None or not any(_cell_text(c) for c in header):
        errors.add(sheet_name, None, "", "", "แผ่นงานว่างเปล่า ไม่พบแถวหัวตาราง")
        return parsed
    merged = sheet.merged_cell_ranges or []
    for (r1, c1), (r2, c2) in merged:
        errors.add(
            sheet_name,
            r1 + 1,
            f"{_col(c1)}–{_col(c2)}",
            "",
            f"พบเซลล์ที่ผสาน (merge) แถว {r1 + 1}–{r2 + 1} กรุณายกเลิกการผสานเซลล์และกรอกค่าให้ครบทุกช่อง",
        )
    columns = _header_map(header)
    if all(column in columns for column in LONG_COLUMNS):
        parsed.layout = "long"
        _read_long(parsed, rows, columns, errors, progress)
    elif wide_codes := _wide_codes(header, columns):
        parsed.layout = "wide"
        _read_wide(parsed, rows, header, columns, wide_codes, errors, progress)
    else:
        missing = [column.verbose_name for column in LONG_COLUMNS if column not in columns]
        errors.add(
            sheet_name,
            1,
            ", ".join(missing),
            "",
            "ไม่พบคอลัมน์ที่ต้องมี (แบบแถวยาว: รหัสหน่วยงาน ปีงบประมาณ ข้อ คะแนน; แบบตาราง: รหัสหน่วยงาน ปีงบประมาณ และคอลัมน์ละหนึ่งรหัสข้อ)",
        )
        return parsed
    if parsed.rows_read == 0 and not errors:
        errors.add(sheet_name, None, "", "", "แผ่นงานไม่มีข้อมูลคะแนน (มีแต่หัวตาราง)")
    return parsed


def _wide_codes(header: list[Any], columns: dict[ImportColumn, int]) -> dict[int, tuple]:
    """The wide layout's code columns (index → (kind, code)); none if it is not that layout."""
    if ORG_CODE not in columns or FISCAL_YEAR not in columns:
        return {}
    taken = set(columns.values())
    return {
        index: normal
        for index, raw in enumerate(header)
        if index not in taken and (normal := normalise_code(raw)) is not None
    }


def _detail_columns(columns: dict[ImportColumn, int]) -> list[tuple[ImportColumn, int]]:
    return [(column, columns[column]) for column in DETAIL_COLUMNS if column in columns]


_MISSING = object()


def _read_long(parsed, rows, columns, errors, progress) -> None:
    """The long layout, memoised: years, codes and organisations repeat on every row. The
    columns' clean() runs once per distinct cell value; a float score in range needs none."""
    sheet_name = parsed.sheet
    oc, yc, ic, sc = (columns[column] for column in LONG_COLUMNS)
    details = _detail_columns(columns)
    org_memo: dict = {}
    year_memo: dict = {}
    code_memo: dict = {}
    add_org, add_year, add_code = parsed.org.append, parsed.year.append, parsed.code.append
    add_score, add_row = parsed.score.append, parsed.row.append
    number = 1
    for number, values in enumerate(rows, start=2):  # noqa: B007
        if progress and (number - 1) % PROGRESS_EVERY == 0:
            progress("read", number - 1, 0)
        n = len(values)
        raw_org = values[oc] if oc < n else None
        org = org_memo.get((raw_org.__class__, raw_org))
        if org is None:
            org_code, problem = ORG_CODE.parse(raw_org)
            if problem:
                if not any(v not in (None, "") for v in values):
                    continue
                errors.add(sheet_name, number, ORG_CODE.verbose_name, "", problem)
                continue
        raw_year = values[yc] if yc < n else None
        year_key = (raw_year.__class__, raw_year)
        parsed_year = year_memo.get(year_key)
        if parsed_year is None:
            parsed_year = year_memo[year_key] = FISCAL_YEAR.parse(raw_year)
        year, problem = parsed_year
        if problem:
            errors.add(sheet_name, number, FISCAL_YEAR.verbose_name, _cell_text(raw_year), problem)
            continue
        if org is None:
            org = org_memo[(raw_org.__class__, raw_org)] = parsed.org_of(
                org_code, number, values, details
            )
        raw_code = values[ic] if ic < n else None
        code_key = (raw_code.__class__, raw_code)
        parsed_code = code_memo.get(code_key)
        if parsed_code is None:
            normal, problem = ITEM_CODE.parse(raw_code)
            parsed_code = code_memo[code_key] = (
                (None, problem) if problem else (parsed.code_of(normal), "")
            )
        code, problem = parsed_code
        if problem:
            errors.add(sheet_name, number, ITEM_CODE.verbose_name, _cell_text(raw_code), problem)
            continue
        raw_score = values[sc] if sc < n else None
        kind = raw_score.__class__
        if kind is float and 0.0 <= raw_score <= 100.0:
            scaled = raw_score * 100
            hundredths = round(scaled)
            if abs(scaled - hundredths) > 1e-6:  # more than 2 decimals: the exact path
                hundredths = SCORE.clean(raw_score)  # never fails for a float in range
        elif kind is int and 0 <= raw_score <= 100:
            hundredths = raw_score * 100
        else:
            hundredths, problem = SCORE.parse(raw_score)
            if problem:
                errors.add(sheet_name, number, SCORE.verbose_name, _cell_text(raw_score), problem)
                continue
        add_org(org)
        add_year(year)
        add_code(code)
        add_score(hundredths)
        add_row(number)
    parsed.rows_read = number - 1


def _read_wide(parsed, rows, header, columns, wide_codes, errors, progress) -> None:
    """The wide layout: one row per organisation and year, one column per code. A score error
    names its column by the header as written."""
    sheet_name = parsed.sheet
    oc, yc = columns[ORG_CODE], columns[FISCAL_YEAR]
    details = _detail_columns(columns)
    header_text = {index: _cell_text(header[index]) for index in wide_codes}
    for number, values in enumerate(rows, start=2):
        parsed.rows_read += 1
        if progress and parsed.rows_read % PROGRESS_EVERY == 0:
            progress("read", parsed.rows_read, 0)
        if not any(v not in (None, "") for v in values):
            continue  # a wholly empty row (often at the end of a sheet)
        n = len(values)
        org_code, problem = ORG_CODE.parse(values[oc] if oc < n else None)
        if problem:
            errors.add(sheet_name, number, ORG_CODE.verbose_name, "", problem)
            continue
        raw_year = values[yc] if yc < n else None
        year, problem = FISCAL_YEAR.parse(raw_year)
        if problem:
            errors.add(sheet_name, number, FISCAL_YEAR.verbose_name, _cell_text(raw_year), problem)
            continue
        org = parsed.org_of(org_code, number, values, details)
        for index, normal in wide_codes.items():
            raw_score = values[index] if index < n else None
            hundredths, problem = SCORE.parse(raw_score)
            if problem:
                errors.add(sheet_name, number, header_text[index], _cell_text(raw_score), problem)
                continue
            parsed.org.append(org)
            parsed.year.append(year)
            parsed.code.append(parsed.code_of(normal))
            parsed.score.append(hundredths)
            parsed.row.append(number)


def _col(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


# ---------------------------------------------------------------- validation against the database


@dataclass
class Plan:
    """What pass 2 will write."""

    org_ids: dict[int, int] = field(default_factory=dict)  # org index → id (or -1: to create)
    org_types: dict[int, str] = field(default_factory=dict)
    frameworks: dict[tuple[int, int], Framework] = field(default_factory=dict)  # (org, year)
    order: list[int] = field(default_factory=list)  # row indices, deduplicated, in file order


def validate(
    parsed: Parsed,
    errors: Errors,
    *,
    create_organisations: bool,
    allowed: Callable[[Organisation], bool] | None = None,
) -> Plan:
    """Pass 1 against the database: the organisations, then row by row the framework of its
    year, its code and any duplicate. Errors are added in that order (and later sorted by row).
    `allowed` (an oversight scope) refuses organisations outside it, and creating any."""
    plan = Plan()
    _validate_organisations(
        parsed, plan, errors, create_organisations=create_organisations, allowed=allowed
    )
    _validate_rows(parsed, plan, errors, _Frameworks())
    return plan


def _validate_organisations(
    parsed: Parsed,
    plan: Plan,
    errors: Errors,
    *,
    create_organisations: bool,
    allowed: Callable[[Organisation], bool] | None = None,
) -> None:
    """Each organisation's id and type; -1 for one the import will create."""
    known = _known_organisations(parsed.org_codes)
    for index, code in enumerate(parsed.org_codes):
        organisation = known.get(code)
        if allowed is not None and (organisation is None or not allowed(organisation)):
            errors.add(
                parsed.sheet,
                parsed.org_first_row[index],
                ORG_CODE.verbose_name,
                code,
                "หน่วยงานรหัสนี้ไม่อยู่ในขอบเขตที่ท่านกำกับดูแล (นำเข้าได้เฉพาะหน่วยงานในจังหวัด/อำเภอของท่าน)"
                if organisation is not None
                else "ไม่พบหน่วยงานรหัสนี้ในขอบเขตที่ท่านกำกับดูแล (ผู้กำกับดูแลระดับจังหวัด/อำเภอสร้างหน่วยงานใหม่ไม่ได้)",
            )
            continue
        if organisation is not None:
            plan.org_ids[index] = organisation.pk
            plan.org_types[index] = organisation.type
            continue
        org_type = _new_organisation_type(parsed, index, errors, create_organisations)
        if org_type is not None:
            plan.org_ids[index] = -1
            plan.org_types[index] = org_type


def _known_organisations(codes: list[str]) -> dict[str, Organisation]:
    known: dict[str, Organisation] = {}
    for start in range(0, len(codes), 5000):
        for organisation in Organisation.objects.filter(code__in=codes[start : start + 5000]).only(
            "id", "code", "type", "province", "district"
        ):
            known[organisation.code] = organisation
    return known


def _new_organisation_type(
    parsed: Parsed, index: int, errors: Errors, create_organisations: bool
) -> str | None:
    """The type of an organisation not in the portal yet, or None having said why it cannot be
    created (reported at its first row)."""
    code, sheet = parsed.org_codes[index], parsed.sheet
    details = parsed.org_details[index]
    row = parsed.org_first_row[index]
    if not create_organisations:
        errors.add(
            sheet,
            row,
            ORG_CODE.verbose_name,
            code,
            "ไม่พบหน่วยงานรหัสนี้ในระบบ (เลือก “สร้างหน่วยงานที่ยังไม่มี” และใส่คอลัมน์ org_name หากต้องการสร้าง)",
        )
        return None
    if not details.get(ORG_NAME.identifier):
        errors.add(sheet, row, ORG_NAME.verbose_name, code, "ต้องระบุชื่อหน่วยงานเพื่อสร้างหน่วยงานใหม่")
        return None
    raw_type = details.get(ORG_TYPE.identifier, "")
    org_type, problem = ORG_TYPE.parse(raw_type)
    if problem:
        errors.add(sheet, row, ORG_TYPE.verbose_name, raw_type, problem)
        return None
    if not NEW_ORG_CODE_RE.match(code) or len(code) > 32:
        errors.add(
            sheet,
            row,
            ORG_CODE.verbose_name,
            code,
            "รหัสหน่วยงานใช้ได้เฉพาะตัวเลข ตัวอักษรอังกฤษ ขีด และขีดล่าง",
        )
        return None
    return org_type


class _Frameworks:
    """Which framework judges an organisation's year (the อปท. variant for local government,
    else the general one), with the codes it allows; every framework is loaded once."""

    def __init__(self):
        self.by_key = {
            (f.variant, f.fiscal_year.year): f
            for f in Framework.objects.select_related("fiscal_year").prefetch_related(
                "items", "indicators"
            )
        }
        self.found: dict[tuple[str, int], tuple[Framework, set[tuple[str, str]]] | None] = {}

    def judge(self, org_type: str, year: int) -> tuple[Framework, set[tuple[str, str]]] | None:
        """(framework, allowed (kind, code) pairs), or None: no framework for that year."""
        variant = "" if org_type == OrganisationType.OTHER else LOCAL_GOVERNMENT_VARIANT
        key = (variant, year)
        if key not in self.found:
            framework = self.by_key.get(key) or self.by_key.get(("", year))
            self.found[key] = None if framework is None else (framework, self._codes(framework))
        return self.found[key]

    @staticmethod
    def _codes(framework: Framework) -> set[tuple[str, str]]:
        return (
            {(ScoreKind.ITEM, item.code) for item in framework.items.all() if not item.is_retired}
            | {(ScoreKind.INDICATOR, f"ind{ind.number}") for ind in framework.indicators.all()}
            | {(ScoreKind.TOOL, t) for t in TOOLS.values()}
            | {(ScoreKind.TOTAL, "TOTAL")}
        )


def _validate_rows(parsed: Parsed, plan: Plan, errors: Errors, frameworks: _Frameworks) -> None:
    """Each row's year has a framework, its code is in that framework, and a repeated
    (organisation, year, code) gives the same score. Fills plan.frameworks and plan.order.
    One loop over the arrays: 830,000 turns at national scale, so no call per row."""
    reported_years: set[int] = set()
    bad_codes: set[tuple[int, int]] = set()  # (framework, code) already reported
    first: dict[tuple[int, int, int], int] = {}  # (org, year, code) → its first valid row
    judged: dict[tuple[int, int], Any] = {}  # (org, year) → frameworks.judge()
    p_org, p_year, p_code, p_score = parsed.org, parsed.year, parsed.code, parsed.score
    codes, org_ids, org_types = parsed.codes, plan.org_ids, plan.org_types
    for i in range(len(parsed.row)):
        org = p_org[i]
        if org not in org_ids:
            continue
        year = p_year[i]
        fw_key = (org, year)
        judgement = judged.get(fw_key, _MISSING)
        if judgement is _MISSING:
            judgement = judged[fw_key] = frameworks.judge(org_types[org], year)
        if judgement is None:
            if year not in reported_years:
                reported_years.add(year)
                _report_missing_year(parsed, errors, i)
            continue
        framework, allowed = judgement
        code = p_code[i]
        if codes[code] not in allowed:
            if (framework.pk, code) not in bad_codes or errors.total < MAX_KEPT_ERRORS:
                bad_codes.add((framework.pk, code))
                _report_unknown_code(parsed, errors, i, framework)
            continue
        plan.frameworks[fw_key] = framework
        key = (org, year, code)
        previous = first.get(key)
        if previous is None:
            first[key] = i
            plan.order.append(i)
        elif p_score[i] != p_score[previous]:
            _report_disagreement(parsed, errors, i, previous)


def _report_missing_year(parsed: Parsed, errors: Errors, i: int) -> None:
    year = parsed.year[i]
    errors.add(
        parsed.sheet,
        parsed.row[i],
        FISCAL_YEAR.verbose_name,
        year,
        f"ไม่มีปีงบประมาณ {year} (หรือกรอบการประเมินของปีนั้น) ในระบบ",
    )


def _report_unknown_code(parsed: Parsed, errors: Errors, i: int, framework: Framework) -> None:
    code = parsed.codes[parsed.code[i]][1]
    errors.add(
        parsed.sheet,
        parsed.row[i],
        ITEM_CODE.verbose_name,
        code,
        f"ไม่มีข้อ {code} ใน{_framework_label(framework)}",
    )


def _report_disagreement(parsed: Parsed, errors: Errors, i: int, previous: int) -> None:
    score, row = parsed.score, parsed.row
    where = (
        f"{parsed.org_codes[parsed.org[i]]} ปี {parsed.year[i]} ข้อ {parsed.codes[parsed.code[i]][1]}"
    )
    errors.add(
        parsed.sheet,
        row[i],
        SCORE.verbose_name,
        f"{score[i] / 100:.2f}",
        f"ซ้ำกับแถวที่ {row[previous]} ({where}) แต่คะแนนไม่ตรงกัน ({score[previous] / 100:.2f})",
    )


def _framework_label(framework: Framework) -> str:
    suffix = f" ({framework.variant})" if framework.variant else ""
    return f"กรอบการประเมินปี {framework.fiscal_year.year}{suffix}"


# ---------------------------------------------------------------- writing


def _bulk_insert(model, objs: list) -> None:
    """Insert model instances as bulk_create would store them, without their ids (the caller
    reads them back by natural key). On PostgreSQL through COPY, with each field's own pre_save()
    and get_db_prep_save(), the values bulk_create's INSERT would carry: bulk_create binds its
    parameters client-side, quoting every value in Python, which for 8,300 organisations,
    assessments or audit entries costs about a second each."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=2000)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        write = copy.write_row
        for obj in objs:
            write([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])


def _write(
    parsed: Parsed, plan: Plan, result: ImportResult, progress: ProgressCallback | None
) -> None:
    # Organisations to create.
    to_create = [index for index, pk in plan.org_ids.items() if pk == -1]
    if to_create:
        _bulk_insert(
            Organisation,
            [
                Organisation(
                    code=parsed.org_codes[i],
                    name=parsed.org_details[i]["org_name"],
                    type=plan.org_types[i],
                    district=parsed.org_details[i].get("district", ""),
                    province=parsed.org_details[i].get("province", ""),
                )
                for i in to_create
            ],
        )
        codes = [parsed.org_codes[i] for i in to_create]
        ids: dict[str, int] = {}
        for start in range(0, len(codes), 5000):
            ids.update(
                Organisation.objects.filter(code__in=codes[start : start + 5000]).values_list(
                    "code", "id"
                )
            )
        for i in to_create:
            plan.org_ids[i] = ids[parsed.org_codes[i]]
        result.organisations_created = len(to_create)

    # Assessments: find, then create the missing ones.
    years = {y.year: y for y in FiscalYear.objects.filter(year__in={k[1] for k in plan.frameworks})}
    org_ids = sorted({plan.org_ids[o] for o, _ in plan.frameworks})

    def assessment_ids(of_orgs: list[int]) -> dict[tuple[int, int], int]:
        found: dict[tuple[int, int], int] = {}
        for start in range(0, len(of_orgs), 5000):
            for pk, org_id, year in Assessment.objects.filter(
                organisation_id__in=of_orgs[start : start + 5000],
                fiscal_year__year__in=list(years),
            ).values_list("id", "organisation_id", "fiscal_year__year"):
                found[(org_id, year)] = pk
        return found

    existing = assessment_ids(org_ids)
    missing = [
        Assessment(organisation_id=plan.org_ids[o], fiscal_year=years[y], framework=f)
        for (o, y), f in plan.frameworks.items()
        if (plan.org_ids[o], y) not in existing
    ]
    new_ids: set[int] = set()
    if missing:
        _bulk_insert(Assessment, missing)
        year_of = {y.pk: y.year for y in years.values()}
        keys = {(a.organisation_id, year_of[a.fiscal_year_id]) for a in missing}
        created_now = assessment_ids(sorted({org_id for org_id, _ in keys}))
        for key in keys:
            existing[key] = created_now[key]
            new_ids.add(created_now[key])
        result.assessments_created = len(missing)

    def rows() -> Iterator[tuple[int, str, str, int]]:
        for i in plan.order:
            kind, code = parsed.codes[parsed.code[i]]
            yield (
                existing[(plan.org_ids[parsed.org[i]], parsed.year[i])],
                kind,
                code,
                parsed.score[i],
            )

    total = len(plan.order)
    if connection.vendor == "postgresql" and total >= COPY_THRESHOLD:
        effects = _write_copy(rows, total, result, progress, new_ids)
    else:
        effects = _write_orm(rows(), total, result, progress)
    _mark_stale(effects, result)
    return effects.changed


@dataclass
class WriteEffects:
    """What a write did, for the audit trail and for marking official figures stale.

    `items_changed` and `summaries` cover assessments that existed before this import only (a
    new assessment has no earlier official figure to go stale)."""

    changed: set[int] = field(default_factory=set)
    #: assessment id → item scores this file created or changed
    items_changed: dict[int, int] = field(default_factory=dict)
    #: assessment id → indicator, tool and total codes this file gives
    summaries: dict[int, set[str]] = field(default_factory=dict)


def _write_orm(rows, total, result, progress) -> WriteEffects:
    wanted = list(rows)
    assessment_ids = sorted({r[0] for r in wanted})
    current: dict[tuple[int, str], Score] = {}
    for start in range(0, len(assessment_ids), 2000):
        for score in Score.objects.filter(assessment_id__in=assessment_ids[start : start + 2000]):
            current[(score.assessment_id, score.code)] = score
    now = timezone.now()
    new, changed = [], []
    effects = WriteEffects()
    for assessment_id, kind, code, hundredths in wanted:
        value = Decimal(hundredths) / 100
        score = current.get((assessment_id, code))
        if kind != ScoreKind.ITEM:
            effects.summaries.setdefault(assessment_id, set()).add(code)
        if score is None:
            new.append(Score(assessment_id=assessment_id, kind=kind, code=code, score=value))
        elif score.score != value:
            score.score, score.kind, score.updated_at = value, kind, now
            changed.append(score)
        else:
            result.unchanged += 1
            continue
        if kind == ScoreKind.ITEM:
            effects.items_changed[assessment_id] = effects.items_changed.get(assessment_id, 0) + 1
    Score.objects.bulk_create(new, batch_size=2000)
    Score.objects.bulk_update(changed, ["score", "kind", "updated_at"], batch_size=2000)
    result.created, result.updated = len(new), len(changed)
    if progress:
        progress("write", total, total)
    effects.changed = {s.assessment_id for s in new} | {s.assessment_id for s in changed}
    return effects


def _mark_stale(effects: WriteEffects, result: ImportResult) -> None:
    """Official indicator, tool and total figures are kept as given. When this file changes an
    assessment's item scores but does not give one of those figures again, that figure is marked
    stale (the score page then shows it beside the computed one and grades on the computed
    total); a figure this file gives is current again. The preview lists the organisations whose
    official total goes stale, with how many of their items changed."""
    by_codes: dict[frozenset[str], list[int]] = {}
    for assessment_id, codes in effects.summaries.items():
        by_codes.setdefault(frozenset(codes), []).append(assessment_id)
    for codes, ids in by_codes.items():
        for start in range(0, len(ids), STALE_BATCH):
            Score.objects.filter(
                assessment_id__in=ids[start : start + STALE_BATCH], code__in=codes, stale=True
            ).update(stale=False)
    by_codes = {}
    for assessment_id in effects.items_changed:
        codes = frozenset(effects.summaries.get(assessment_id, ()))
        by_codes.setdefault(codes, []).append(assessment_id)
    stale_totals = []
    for codes, ids in by_codes.items():
        for start in range(0, len(ids), STALE_BATCH):
            outdated = (
                Score.objects.filter(assessment_id__in=ids[start : start + STALE_BATCH])
                .exclude(kind=ScoreKind.ITEM)
                .exclude(code__in=codes)
            )
            stale_totals += outdated.filter(kind=ScoreKind.TOTAL).values_list(
                "assessment_id",
                "assessment__organisation__code",
                "assessment__organisation__name",
                "assessment__fiscal_year__year",
            )
            outdated.filter(stale=False).update(stale=True)
    stale_totals.sort(key=lambda row: (row[1], row[3]))
    result.stale_total_count = len(stale_totals)
    result.stale_totals = [
        {"code": code, "name": name, "year": year, "items": effects.items_changed[pk]}
        for pk, code, name, year in stale_totals[:MAX_STALE_LISTED]
    ]


def _write_copy(rows, total, result, progress, new_ids: set[int]) -> WriteEffects:
    """COPY the scores of assessments this import created straight into the score table (none
    can exist yet); the rest go through a staging table and an upsert. Returns what changed."""
    table = Score._meta.db_table
    now = timezone.now()
    direct = 0
    with connection.cursor() as cursor:
        if new_ids:
            # Every value is ASCII without tab, newline or backslash (ids, validated codes,
            # formatted numbers), so COPY's text format needs no escaping: write it in blocks.
            stamp = now.isoformat()
            lines: list[str] = []
            with cursor.cursor.copy(
                f"COPY {table} (assessment_id, kind, code, score, updated_at) FROM STDIN"
            ) as copy:
                for assessment_id, kind, code, hundredths in rows():
                    if assessment_id in new_ids:
                        lines.append(
                            f"{assessment_id}\t{kind}\t{code}\t"
                            f"{hundredths // 100}.{hundredths % 100:02d}\t{stamp}\n"
                        )
                        if len(lines) == PROGRESS_EVERY:
                            copy.write("".join(lines))
                            lines.clear()
                            direct += PROGRESS_EVERY
                            if progress:
                                progress("write", direct, total)
                if lines:
                    copy.write("".join(lines))
                    direct += len(lines)
        result.created = direct
        effects = WriteEffects(changed=set(new_ids))
        if direct == total:
            if progress:
                progress("write", total, total)
            return effects
        # Dropped at commit; dropped here too when one transaction runs several imports.
        cursor.execute("DROP TABLE IF EXISTS score_stage")
        cursor.execute(
            "CREATE TEMP TABLE score_stage (assessment_id bigint, kind varchar(10), code varchar(10), "
            "score numeric(5,2)) ON COMMIT DROP"
        )
        done = direct
        with cursor.cursor.copy(
            "COPY score_stage (assessment_id, kind, code, score) FROM STDIN"
        ) as copy:
            write = copy.write_row
            summaries = effects.summaries
            for assessment_id, kind, code, hundredths in rows():
                if assessment_id not in new_ids:
                    write(
                        (assessment_id, kind, code, f"{hundredths // 100}.{hundredths % 100:02d}")
                    )
                    if kind != ScoreKind.ITEM:
                        summaries.setdefault(assessment_id, set()).add(code)
                    done += 1
                    if progress and done % PROGRESS_EVERY == 0:
                        progress("write", done, total)
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE s.id IS NULL), "
            f"count(*) FILTER (WHERE s.id IS NOT NULL AND s.score <> t.score), "
            f"count(*) FILTER (WHERE s.score = t.score) "
            f"FROM score_stage t LEFT JOIN {table} s ON s.assessment_id = t.assessment_id AND s.code = t.code"
        )
        created, result.updated, result.unchanged = cursor.fetchone()
        result.created += created
        cursor.execute(
            f"SELECT DISTINCT t.assessment_id FROM score_stage t LEFT JOIN {table} s "
            f"ON s.assessment_id = t.assessment_id AND s.code = t.code "
            f"WHERE s.id IS NULL OR s.score <> t.score"
        )
        effects.changed |= {row[0] for row in cursor.fetchall()}
        cursor.execute(
            f"SELECT t.assessment_id, count(*) FROM score_stage t LEFT JOIN {table} s "
            f"ON s.assessment_id = t.assessment_id AND s.code = t.code "
            f"WHERE t.kind = %s AND (s.id IS NULL OR s.score <> t.score) GROUP BY t.assessment_id",
            [ScoreKind.ITEM.value],
        )
        effects.items_changed = dict(cursor.fetchall())
        cursor.execute(
            f"INSERT INTO {table} (assessment_id, kind, code, score, updated_at) "
            f"SELECT assessment_id, kind, code, score, now() FROM score_stage "
            f"ON CONFLICT (assessment_id, code) DO UPDATE SET score = EXCLUDED.score, "
            f"kind = EXCLUDED.kind, updated_at = EXCLUDED.updated_at "
            f"WHERE {table}.score IS DISTINCT FROM EXCLUDED.score"
        )
    if progress:
        progress("write", total, total)
    return effects


def _audit(changed: set[int], *, actor, file_name: str, import_id: str) -> None:
    """One django-auditlog entry per assessment whose scores the import changed (bulk writes
    bypass auditlog's per-row signals, so the import records itself). additional_data names the
    organisation, for its audit page, and the import."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    if not changed:
        return
    content_type = ContentType.objects.get_for_model(Assessment)
    changes = {"คะแนน": ["", f"นำเข้าคะแนนจากไฟล์ {file_name}"]}
    now = timezone.now()
    ids = sorted(changed)
    codes: set[str] = set()
    for start in range(0, len(ids), AUDIT_BATCH):
        assessments = list(
            Assessment.objects.filter(pk__in=ids[start : start + AUDIT_BATCH])
            .order_by("pk")
            .values_list("pk", "organisation_id", "organisation__code", "fiscal_year__year")
        )
        _bulk_insert(
            LogEntry,
            [
                LogEntry(
                    content_type=content_type,
                    object_pk=str(pk),
                    object_id=pk,
                    object_repr=f"{code} ITA {year}",
                    action=LogEntry.Action.UPDATE,
                    changes=changes,
                    changes_text="",
                    actor=actor,
                    additional_data={"organisation_id": org_id, "score_import": import_id},
                    timestamp=now,
                )
                for pk, org_id, code, year in assessments
            ],
        )
        codes.update(code for _, _, code, _ in assessments)
    # Public pages show scores: retire the pages of the organisations whose scores changed (the
    # global version beyond ita_portal.public_cache.MAX_SCOPED of them), and once this is
    # committed warm them again, in chunks on the queue (public.warming).
    bump_organisations(codes)


# ---------------------------------------------------------------- the service


def scores_import(
    *,
    content: bytes,
    file_name: str,
    dry_run: bool = False,
    create_organisations: bool = False,
    progress: ProgressCallback | None = None,
    actor=None,
    import_id: str = "",
    allowed: Callable[[Organisation], bool] | None = None,
) -> ImportResult:
    """Validate the whole file, then write it all in one transaction (or roll back a dry run).

    Raises ScoreImportFailed with located Thai errors, having written nothing.
    """
    started = time.monotonic()
    check_file(content, file_name)
    errors = Errors()
    if progress:
        progress("read", 0, 0)
    parsed = read_workbook(content, errors, progress)
    if errors and not parsed.layout:
        raise ScoreImportFailed(errors.kept, errors.total)
    if progress:
        progress("validate", 0, parsed.rows_read)
    # Validate the rows that parsed, so one upload reports every problem at once.
    plan = validate(parsed, errors, create_organisations=create_organisations, allowed=allowed)
    if errors:
        ordered = sorted(errors.kept, key=lambda e: (e.row is not None, e.row or 0))
        raise ScoreImportFailed(ordered, errors.total)
    result = ImportResult(layout=parsed.layout, rows=parsed.rows_read, dry_run=dry_run)
    with transaction.atomic():
        if progress:
            progress("write", 0, len(plan.order))
        changed = _write(parsed, plan, result, progress)
        if not dry_run:
            _audit(changed, actor=actor, file_name=file_name, import_id=import_id)
        if dry_run:
            transaction.set_rollback(True)
    result.seconds = time.monotonic() - started
    if progress:
        progress("done", len(plan.order), len(plan.order))
    return result


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
