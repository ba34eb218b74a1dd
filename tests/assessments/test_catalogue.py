"""Loading the shipped catalogue (twice), admin corrections, and .xlsx export/import."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from openpyxl import load_workbook

from assessments.catalogue import (
    SHEET_ITEMS,
    CatalogueError,
    framework_export_xlsx,
    framework_import_xlsx,
    load_json_file,
)
from assessments.models import AnalysisArea, Framework, GradeBand, Indicator, Item

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Framework.objects.count(),
        Indicator.objects.count(),
        Item.objects.count(),
        GradeBand.objects.count(),
        AnalysisArea.objects.count(),
    )


def test_load_framework_ships_every_year_and_is_idempotent():
    call_command("load_framework", stdout=io.StringIO())
    first = _counts()
    call_command("load_framework", stdout=io.StringIO())
    assert _counts() == first
    years = sorted({f.fiscal_year.year for f in Framework.objects.select_related("fiscal_year")})
    assert years == [2564, 2565, 2566, 2567, 2568, 2569]
    assert Framework.objects.filter(fiscal_year__year=2568).count() == 2  # general + อปท.
    assert Indicator.objects.count() == 7 * 10


def test_2568_local_government_catalogue():
    call_command("load_framework", stdout=io.StringIO())
    fw = Framework.objects.get(fiscal_year__year=2568, variant="อปท.")
    assert fw.grading_kind == "levels"
    assert [b.label for b in fw.bands.order_by("order")] == [
        "ผ่านดีเยี่ยม",
        "ผ่านดี",
        "ผ่าน",
        "ต้องปรับปรุง",
        "ต้องปรับปรุงโดยด่วน",
    ]
    areas = list(fw.analysis_areas.order_by("number"))
    assert len(areas) == 7
    assert areas[3].name == "กระบวนการกำกับดูแลการใช้ทรัพย์สินของราชการ"
    assert sorted(i.code for i in areas[3].items.all()) == ["i10", "i11", "i12"]
    o27 = fw.items.get(code="o27")
    assert o27.text == "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
    assert o27.indicator.number == 10
    # o5 and o6 have no source in 2568: they are not invented.
    assert not fw.items.filter(code__in=["o5", "o6"]).exists()
    assert fw.items.filter(tool="IIT").count() == 15


def test_unsourced_years_ship_no_item_text():
    call_command("load_framework", stdout=io.StringIO())
    fw2567 = Framework.objects.get(fiscal_year__year=2567)
    assert fw2567.items.count() == 0
    fw2568 = Framework.objects.get(fiscal_year__year=2568, variant="")
    assert fw2568.items.filter(indicator__isnull=True, tool="OIT").count() == 22
    assert "confidence" not in fw2568.items.get(code="o1").source  # per-item source kept
    assert fw2568.items.get(code="o1").source


def test_admin_correction_survives_reload_but_update_flag_restores():
    call_command("load_framework", stdout=io.StringIO())
    item = Item.objects.get(framework__fiscal_year__year=2568, framework__variant="อปท.", code="i1")
    original = item.text
    item.text = "ข้อความที่ผู้ดูแลแก้ไข"
    item.save()
    call_command("load_framework", stdout=io.StringIO())
    item.refresh_from_db()
    assert item.text == "ข้อความที่ผู้ดูแลแก้ไข"
    call_command("load_framework", "--update", stdout=io.StringIO())
    item.refresh_from_db()
    assert item.text == original


def test_bad_fixture_is_rejected_with_a_located_thai_message(tmp_path):
    bad = tmp_path / "framework-bad.json"
    bad.write_text(
        '{"fiscal_year": 2024, "name": "x", "weights": {"IIT": 30, "EIT": 30, "OIT": 30},'
        ' "grading": {"kind": "bands", "bands": [{"label": "A", "min_total": "0"}]},'
        ' "indicators": [{"number": 1, "name": "ก", "tool": "IIT",'
        ' "items": [{"code": "e1", "text": ""}]}]}',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as exc:
        load_json_file(bad)
    text = str(exc.value)
    assert "ค.ศ." in text
    assert "ต้องรวมกันได้ 100" in text
    assert "รหัสข้อไม่ตรงกับเครื่องมือ IIT" in text
    assert "ต้องระบุข้อความของข้อ" in text
    assert Framework.objects.count() == 0


def test_xlsx_export_then_import_round_trips():
    call_command("load_framework", stdout=io.StringIO())
    fw = Framework.objects.get(fiscal_year__year=2568, variant="อปท.")
    before = _counts()
    content = framework_export_xlsx(fw)
    framework, stats = framework_import_xlsx(content=content)
    assert framework == fw
    assert stats.created == 0 and stats.updated == 0
    assert _counts() == before


def _edit_items_sheet(content: bytes, edit) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    edit(wb[SHEET_ITEMS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_import_adds_a_new_year_without_code():
    call_command("load_framework", stdout=io.StringIO())
    fw = Framework.objects.get(fiscal_year__year=2568, variant="อปท.")
    wb = load_workbook(io.BytesIO(framework_export_xlsx(fw)))
    wb["กรอบการประเมิน"]["B2"] = 2570
    wb["กรอบการประเมิน"]["B4"] = "ITA 2570 (ทดลอง)"
    out = io.BytesIO()
    wb.save(out)
    framework, stats = framework_import_xlsx(content=out.getvalue())
    assert framework.fiscal_year.year == 2570
    assert framework.items.count() == fw.items.count()
    assert stats.created > 50


def test_xlsx_import_with_bad_rows_names_them_and_writes_nothing():
    call_command("load_framework", stdout=io.StringIO())
    fw = Framework.objects.get(fiscal_year__year=2568, variant="อปท.")

    def edit(ws):
        ws["A3"] = "x9"  # bad code in row 3
        ws["D5"] = None  # empty text in row 5
        ws["B2"] = "oit"  # i1 declared as OIT (case-insensitive tool, wrong prefix)
        ws["D2"] = "ข้อความใหม่ที่ไม่ควรถูกบันทึก"

    content = _edit_items_sheet(framework_export_xlsx(fw), edit)
    before = list(fw.items.order_by("code").values_list("code", "text"))
    with pytest.raises(CatalogueError) as exc:
        framework_import_xlsx(content=content)
    messages = [str(e) for e in exc.value.errors]
    assert any("แถวที่ 3" in m and "x9" in m for m in messages)
    assert any("แถวที่ 5" in m and "ข้อความ" in m for m in messages)
    assert any("แถวที่ 2" in m and "ไม่ตรงกับเครื่องมือ OIT" in m for m in messages)
    assert list(fw.items.order_by("code").values_list("code", "text")) == before


def test_xlsx_import_rejects_a_file_that_is_not_a_workbook():
    with pytest.raises(CatalogueError) as exc:
        framework_import_xlsx(content=b"not a workbook")
    assert "อ่านไฟล์ไม่ได้" in str(exc.value)


def test_weights_in_fixture_directory_are_valid():
    for path in sorted(settings.ITA_FRAMEWORK_DIR.glob("framework-*.json")):
        data = load_json_file(path)
        assert sum(data.weights.values()) == Decimal(100), path.name


def test_xlsx_carries_the_advice_library():
    """The workbook has the advice column: the shipped advice goes out, an edited one comes back
    in, an over-long one is refused naming its row and column, and nothing is half-written."""
    from assessments.catalogue import ADVICE_COLUMN

    call_command("load_framework", stdout=io.StringIO())
    fw = Framework.objects.get(fiscal_year__year=2568, variant="อปท.")
    i10 = fw.items.get(code="i10")
    assert i10.low_score_advice  # shipped (seed 004)
    wb = load_workbook(io.BytesIO(framework_export_xlsx(fw)))
    ws = wb[SHEET_ITEMS]
    header = [c.value for c in ws[1]]
    column = header.index(ADVICE_COLUMN) + 1
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    assert ws.cell(row=rows["i10"], column=column).value == i10.low_score_advice

    def edit(value):
        def apply(sheet):
            sheet.cell(row=rows["i11"], column=column).value = value

        return _edit_items_sheet(framework_export_xlsx(fw), apply)

    framework_import_xlsx(content=edit("จัดทำทะเบียนคุมการใช้ทรัพย์สินของราชการให้เป็นปัจจุบัน"))
    assert fw.items.get(code="i11").low_score_advice == (
        "จัดทำทะเบียนคุมการใช้ทรัพย์สินของราชการให้เป็นปัจจุบัน"
    )
    with pytest.raises(CatalogueError) as exc:
        framework_import_xlsx(content=edit("ก" * 2001))
    message = " ".join(str(e) for e in exc.value.errors)
    assert f"แถวที่ {rows['i11']}" in message and ADVICE_COLUMN in message
    assert "2,001 ตัวอักษร" in message
    assert fw.items.get(code="i11").low_score_advice.startswith("จัดทำทะเบียนคุม")
