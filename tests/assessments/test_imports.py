"""Score import: both layouts, Thai digits, idempotence, dry run, and every bad input case."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from assessments import imports
from assessments.imports import ScoreImportFailed, scores_import
from assessments.models import Assessment, Score
from organisations.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SEED = json.loads(
    (settings.BASE_DIR / "fixtures" / "demo-scores-2568.json").read_text(encoding="utf-8")
)


@pytest.fixture(autouse=True)
def catalogue():
    call_command("load_framework", stdout=io.StringIO())


@pytest.fixture
def agency(db):
    return OrganisationFactory(code="6301401", name="องค์การบริหารส่วนตำบลขามสมบูรณ์")


def workbook(rows, header=("org_code", "fiscal_year", "item_code", "score"), merge=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "คะแนน"
    if header:
        ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def seed_rows(code="6301401", thai_digits=False):
    rows = [(code, 2568, k, v) for k, v in SEED["items"].items()]
    rows += [(code, 2568, f"ind{k}", v) for k, v in SEED["indicators"].items()]
    if thai_digits:
        from ita_portal.thai.dates import to_thai_digits

        rows = [
            (c, to_thai_digits(y), k.upper(), to_thai_digits(f"{v:.2f}")) for c, y, k, v in rows
        ]
    return rows


def _errors(content, **kwargs):
    with pytest.raises(ScoreImportFailed) as exc:
        scores_import(content=content, file_name="คะแนน.xlsx", **kwargs)
    return [str(e) for e in exc.value.errors], exc.value.total


def _nothing_written():
    assert Score.objects.count() == 0 and Assessment.objects.count() == 0


def test_long_layout_with_thai_headers_digits_and_extra_columns(agency):
    rows = [(*r, "หมายเหตุ") for r in seed_rows(thai_digits=True)]
    content = workbook(rows, header=("รหัสหน่วยงาน", "ปีงบประมาณ", "ข้อ", "คะแนน", "หมายเหตุ"))
    result = scores_import(content=content, file_name="x.xlsx")
    assert result.layout == "long" and result.created == len(SEED["items"]) + 10
    assessment = Assessment.objects.get()
    assert assessment.framework.variant == "อปท."
    assert assessment.scores.get(code="i10").score == Decimal("1.29")
    assert assessment.scores.get(code="ind6").score == Decimal("92.52")  # kept as given


def test_wide_layout(agency):
    codes = ["i1", "i10", "ind1", "ind4", "IIT", "TOTAL"]
    content = workbook(
        [("6301401", 2568, 99.35, 1.29, 99.78, 67.10, 93.2, 90.77)],
        header=("org_code", "fiscal_year", *codes),
    )
    result = scores_import(content=content, file_name="wide.xlsx")
    assert result.layout == "wide" and result.created == 6
    assert (
        Score.objects.get(code="TOTAL").kind == "total"
        and Score.objects.get(code="IIT").kind == "tool"
    )


def test_reimport_changes_nothing_and_corrected_file_updates(agency):
    content = workbook(seed_rows())
    scores_import(content=content, file_name="x.xlsx")
    again = scores_import(content=content, file_name="x.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(seed_rows()))
    corrected = [(c, y, k, 50 if k == "i10" else v) for c, y, k, v in seed_rows()]
    fixed = scores_import(content=workbook(corrected), file_name="x.xlsx")
    assert (fixed.created, fixed.updated) == (0, 1)
    assert Score.objects.get(code="i10").score == Decimal("50.00")


def test_dry_run_counts_exactly_and_writes_nothing(agency):
    result = scores_import(content=workbook(seed_rows()), file_name="x.xlsx", dry_run=True)
    assert result.created == len(seed_rows()) and result.assessments_created == 1
    _nothing_written()


def test_copy_path_when_postgresql(agency, monkeypatch):
    """With the threshold lowered, PostgreSQL takes the COPY + upsert path; SQLite the ORM."""
    monkeypatch.setattr(imports, "COPY_THRESHOLD", 1)
    first = scores_import(content=workbook(seed_rows()), file_name="x.xlsx")
    second = scores_import(content=workbook(seed_rows()), file_name="x.xlsx")
    assert (first.created, second.unchanged) == (len(seed_rows()), len(seed_rows()))
    assert Score.objects.count() == len(seed_rows())


def test_create_missing_organisations(db):
    header = (
        "org_code",
        "org_name",
        "org_type",
        "district",
        "province",
        "fiscal_year",
        "item_code",
        "score",
    )
    content = workbook(
        [("9999001", "เทศบาลตำบลทดสอบ", "ทต.", "เมือง", "ขอนแก่น", 2568, "i1", 90)], header=header
    )
    errors, _ = _errors(content)
    assert "ไม่พบหน่วยงานรหัสนี้ในระบบ" in errors[0] and "9999001" in errors[0]
    _nothing_written()
    result = scores_import(content=content, file_name="x.xlsx", create_organisations=True)
    assert result.organisations_created == 1
    org = Organisation.objects.get(code="9999001")
    assert (org.name, org.type, org.province) == ("เทศบาลตำบลทดสอบ", "tambon", "ขอนแก่น")


def test_wide_layout_errors_name_the_code_column(agency):
    header = ("org_code", "fiscal_year", "i1", "i10")
    rows = [("6301401", 2568, 99.35, "ดี"), (None, None, None, None), ("6301401", 2568, 99.35, 101)]
    errors, total = _errors(workbook(rows, header=header))
    assert total == 2
    assert "แถวที่ 2 คอลัมน์ “i10”" in errors[0] and "ต้องเป็นตัวเลข" in errors[0]
    assert "แถวที่ 4 คอลัมน์ “i10”" in errors[1] and "ต้องอยู่ระหว่าง 0–100" in errors[1]
    _nothing_written()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (("9999001", "", "ทต.", 2568, "i1", 90), "ชื่อหน่วยงาน (org_name)", "ต้องระบุชื่อหน่วยงาน"),
        (
            ("9999001", "เทศบาล", "ตำบล", 2568, "i1", 90),
            "ประเภทหน่วยงาน (org_type)",
            "ประเภทหน่วยงานไม่ถูกต้อง",
        ),
        (("99 001", "เทศบาล", "ทต.", 2568, "i1", 90), "รหัสหน่วยงาน (org_code)", "ใช้ได้เฉพาะตัวเลข"),
    ],
)
def test_organisations_that_cannot_be_created(db, row, column, message):
    header = ("org_code", "org_name", "org_type", "fiscal_year", "item_code", "score")
    content = workbook([row], header=header)
    errors, total = _errors(content, create_organisations=True)
    assert total == 1 and "แถวที่ 2" in errors[0] and f"คอลัมน์ “{column}”" in errors[0]
    assert message in errors[0]
    assert not Organisation.objects.exists()


# ---------------------------------------------------------------- the columns' clean()


def _cleaned(column, value):
    """The value clean() returns, or the Thai message it raises."""
    try:
        return column.clean(value)
    except imports.CellError as error:
        return str(error)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2568, 2568),
        (2568.0, 2568),
        ("๒๕๖๘", 2568),
        (" 2,568 ", 2568),
        ("", "ช่องว่าง: ต้องระบุปีงบประมาณ (พ.ศ.)"),
        (None, "ช่องว่าง: ต้องระบุปีงบประมาณ (พ.ศ.)"),
        ("ปีหน้า", "ปีงบประมาณต้องเป็นตัวเลข พ.ศ. 4 หลัก เช่น 2568"),
        ("2568.5", "ปีงบประมาณต้องเป็นตัวเลข พ.ศ. 4 หลัก เช่น 2568"),
        ("2568²", "ปีงบประมาณต้องเป็นตัวเลข พ.ศ. 4 หลัก เช่น 2568"),  # a digit to isdigit()
        (2025, "ปี 2025 เป็นปี ค.ศ. กรุณาใช้ปี พ.ศ. (2568)"),
        ("๒๐๒๕", "ปี 2025 เป็นปี ค.ศ. กรุณาใช้ปี พ.ศ. (2568)"),
        (2800, "ปีงบประมาณไม่อยู่ในช่วงที่เป็นไปได้"),
    ],
)
def test_fiscal_year_column(value, expected):
    assert _cleaned(imports.FISCAL_YEAR, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (99.78, 9978),
        (99.78000000000001, 9978),  # a float cell's binary noise is not a third decimal
        (100, 10000),
        ("๙๒.๕๒", 9252),
        ("50", 5000),
        ("0", 0),
        ("", "ช่องว่าง: ต้องระบุคะแนน"),
        (None, "ช่องว่าง: ต้องระบุคะแนน"),
        ("ดี", "คะแนนต้องเป็นตัวเลข"),
        ("NaN", "คะแนนต้องเป็นตัวเลข"),
        (True, "คะแนนต้องเป็นตัวเลข"),
        (100.5, "คะแนนต้องอยู่ระหว่าง 0–100"),
        ("-1", "คะแนนต้องอยู่ระหว่าง 0–100"),
        ("99.999", "คะแนนมีทศนิยมเกิน 2 ตำแหน่ง"),
    ],
)
def test_score_column(value, expected):
    assert _cleaned(imports.SCORE, value) == expected


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (imports.ITEM_CODE, " I1 ", ("item", "i1")),
        (imports.ITEM_CODE, "ind๑๐", ("indicator", "ind10")),
        (imports.ITEM_CODE, "iit", ("tool", "IIT")),
        (imports.ITEM_CODE, "", "ช่องว่าง: ต้องระบุรหัสข้อ"),
        (
            imports.ITEM_CODE,
            "x1",
            "รหัสข้อไม่ถูกต้อง (ใช้ i1, e5, o27, ind1–ind10, IIT, EIT, OIT หรือ TOTAL)",
        ),
        (imports.ORG_CODE, 6301401.0, "6301401"),
        (imports.ORG_CODE, "  ", "ช่องว่าง: ต้องระบุรหัสหน่วยงาน"),
        (imports.ORG_TYPE, "", "sao"),
        (imports.ORG_TYPE, "ทต.", "tambon"),
        (imports.ORG_TYPE, "เทศบาลนคร", "nakhon"),
        (
            imports.ORG_TYPE,
            "ตำบล",
            "ประเภทหน่วยงานไม่ถูกต้อง (เช่น อบต., ทต., ทม., ทน., อบจ. หรือ other)",
        ),
    ],
)
def test_code_and_organisation_columns(column, value, expected):
    assert _cleaned(column, value) == expected


def test_parse_gives_the_message_instead_of_raising():
    assert imports.SCORE.parse("ดี") == (None, "คะแนนต้องเป็นตัวเลข")
    assert imports.FISCAL_YEAR.parse("๒๕๖๘") == (2568, "")


def test_columns_have_thai_labels_and_are_found_by_thai_headers():
    header = ["คะแนน", "รหัสหน่วยงาน", "ข้อ", "ปีงบประมาณ", "ชื่อหน่วยงาน", "SCORE"]
    found = imports._header_map(header)
    assert [(c.identifier, i) for c, i in found.items()] == [
        ("score", 0),  # the first cell that names a column wins
        ("org_code", 1),
        ("item_code", 2),
        ("fiscal_year", 3),
        ("org_name", 4),
    ]
    assert [c.verbose_name for c in imports.LONG_COLUMNS] == [
        "รหัสหน่วยงาน (org_code)",
        "ปีงบประมาณ (fiscal_year)",
        "ข้อ (item_code)",
        "คะแนน (score)",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text, not a workbook", "ไม่ใช่ไฟล์ Excel"),
        (b"PK\x03\x04 broken zip", "ไฟล์เสียหาย"),
        (b"", "ไฟล์ว่างเปล่า"),
    ],
)
def test_non_excel_or_corrupt_file(agency, content, message):
    errors, _ = _errors(content)
    assert message in errors[0]
    _nothing_written()


def test_empty_sheet(agency):
    errors, _ = _errors(workbook([], header=None))
    assert "แผ่นงานว่างเปล่า" in errors[0]
    errors, _ = _errors(workbook([]))
    assert "ไม่มีข้อมูลคะแนน" in errors[0]


def test_missing_required_columns(agency):
    errors, _ = _errors(
        workbook([("6301401", 2568, 50)], header=("org_code", "fiscal_year", "score"))
    )
    assert "แถวที่ 1" in errors[0] and "ข้อ (item_code)" in errors[0] and "ไม่พบคอลัมน์ที่ต้องมี" in errors[0]
    _nothing_written()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (("6301401", 2568, "o99", 50), "ข้อ (item_code)", "ไม่มีข้อ o99 ในกรอบการประเมินปี 2568 (อปท.)"),
        (("6301401", 2568, "x1", 50), "ข้อ (item_code)", "รหัสข้อไม่ถูกต้อง"),
        (("6301401", 2568, "i1", 100.5), "คะแนน (score)", "ต้องอยู่ระหว่าง 0–100"),
        (("6301401", 2568, "i1", -1), "คะแนน (score)", "ต้องอยู่ระหว่าง 0–100"),
        (("6301401", 2568, "i1", "ดี"), "คะแนน (score)", "ต้องเป็นตัวเลข"),
        (("6301401", 2568, "i1", "99.999"), "คะแนน (score)", "ทศนิยมเกิน 2 ตำแหน่ง"),
        (("6301401", 2025, "i1", 50), "ปีงบประมาณ (fiscal_year)", "ค.ศ."),
        (("6301401", 2590, "i1", 50), "ปีงบประมาณ (fiscal_year)", "ไม่มีปีงบประมาณ 2590"),
        (("6301401", 2568, "", 50), "ข้อ (item_code)", "ช่องว่าง"),
        (("6301401", 2568, "i1", None), "คะแนน (score)", "ช่องว่าง"),
        (("", 2568, "i1", 50), "รหัสหน่วยงาน (org_code)", "ช่องว่าง"),
    ],
)
def test_bad_rows_name_row_column_value_and_write_nothing(agency, row, column, message):
    rows = [("6301401", 2568, "i2", 100), row]
    errors, total = _errors(workbook(rows))
    assert total == 1
    assert "แผ่นงาน “คะแนน” แถวที่ 3" in errors[0] and f"คอลัมน์ “{column}”" in errors[0]
    assert message in errors[0]
    _nothing_written()


def test_duplicate_rows_that_disagree(agency):
    errors, _ = _errors(workbook([("6301401", 2568, "i1", 99), ("6301401", 2568, "I1", "๙๙.๕")]))
    assert "แถวที่ 3" in errors[0] and "ซ้ำกับแถวที่ 2" in errors[0] and "ไม่ตรงกัน" in errors[0]
    _nothing_written()
    result = scores_import(
        content=workbook([("6301401", 2568, "i1", 99), ("6301401", 2568, "i1", "99.00")]),
        file_name="x",
    )
    assert result.created == 1  # duplicates that agree are one score


def test_merged_cells(agency):
    errors, _ = _errors(
        workbook([("6301401", 2568, "i1", 99), ("6301401", 2568, "i2", 98)], merge="A2:A3")
    )
    assert any("ผสาน" in e and "แถวที่ 2" in e for e in errors)
    _nothing_written()


def test_every_error_is_reported_at_once(agency):
    rows = [("6301401", 2568, "i1", 150), ("NOPE", 2568, "i1", 50), ("6301401", 2568, "o99", 1)]
    errors, total = _errors(workbook(rows))
    assert total == 3
    assert [e.split(" คอลัมน์")[0].split("แถวที่ ")[1] for e in errors] == ["2", "3", "4"]


def test_file_over_the_size_limit(agency, settings):
    settings.SCORE_IMPORT_MAX_BYTES = 1000
    errors, _ = _errors(workbook(seed_rows()))
    assert "เกินขนาดที่รับได้" in errors[0]
    _nothing_written()


def test_zip_bomb(agency):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    errors, _ = _errors(out.getvalue())
    assert "zip bomb" in errors[0]
    _nothing_written()


def test_errors_beyond_the_kept_list_are_counted(agency, monkeypatch):
    monkeypatch.setattr(imports, "MAX_KEPT_ERRORS", 5)
    errors, total = _errors(workbook([("6301401", 2568, "i1", 200)] * 12))
    assert len(errors) == 5 and total == 12


def test_command_exit_codes(agency, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(seed_rows()))
    call_command("import_scores", str(good), "--dry-run")
    assert Score.objects.count() == 0
    call_command("import_scores", str(good))
    assert Score.objects.count() == len(seed_rows())
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([("6301401", 2025, "i1", 50)]))
    with pytest.raises(CommandError) as exc:
        call_command("import_scores", str(bad))
    assert exc.value.returncode == 1
    assert "ไม่ได้บันทึกข้อมูลใด ๆ" in str(exc.value)
    assert "ค.ศ." in capsys.readouterr().err
    with pytest.raises(CommandError, match="ไม่พบไฟล์"):
        call_command("import_scores", str(tmp_path / "missing.xlsx"))


@pytest.mark.pdf
def test_imported_seed_004_figures_appear_in_the_analysis_report(agency, tmp_path):
    """Seed 004's 2568 figures go in through the import; the analysis PDF shows them."""
    from documents.registry import document_render
    from tests.pdftools import norm, pdftotext

    scores_import(content=workbook(seed_rows()), file_name="seed004.xlsx")
    pdf = document_render(kind="analysis", organisation=agency, fiscal_year=2568).content
    text = "".join(norm(pdftotext(pdf, tmp_path)).split())
    for figure in ("99.78", "67.10", "92.52", "78.50", "1.29", "97.52"):
        assert figure in text, figure
    assert "กระบวนการกำกับดูแลการใช้ทรัพย์สินของราชการ" in text
