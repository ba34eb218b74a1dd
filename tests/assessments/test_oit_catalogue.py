"""OIT criteria and the ITAS window travel with the framework: fixtures, admin, workbook."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from assessments.catalogue import (
    OIT_DEADLINE_LABEL,
    OIT_OPENS_LABEL,
    SHEET_CRITERIA,
    SHEET_FRAMEWORK,
    CatalogueError,
    framework_export_xlsx,
    framework_import_xlsx,
)
from assessments.models import Framework, ItemCriterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def fw():
    call_command("load_framework", stdout=io.StringIO())
    return Framework.objects.get(fiscal_year__year=2568, variant="อปท.")


def _edit(content: bytes, edit) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row_of(ws, label):
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)


def test_only_sourced_criteria_are_shipped(fw):
    with_criteria = set(
        ItemCriterion.objects.filter(item__framework=fw).values_list("item__code", flat=True)
    )
    assert with_criteria == {"o1"}
    general = Framework.objects.get(fiscal_year__year=2568, variant="")
    o9 = [c.text for c in general.items.get(code="o9").criteria.order_by("order")]
    assert o9 == ["ชื่องาน", "ขั้นตอน", "ระยะเวลา", "ช่องทาง", "ค่าธรรมเนียม", "เอกสารหลักฐาน"]
    assert all(c.source for c in ItemCriterion.objects.all())
    assert Framework.objects.filter(oit_deadline__isnull=False).count() == 0


def test_admin_added_criterion_survives_a_reload(fw):
    o14 = fw.items.get(code="o14")
    ItemCriterion.objects.create(item=o14, order=1, text="เป็นแผนของปี พ.ศ. 2568")
    call_command("load_framework", stdout=io.StringIO())
    assert list(o14.criteria.values_list("text", flat=True)) == ["เป็นแผนของปี พ.ศ. 2568"]


def test_workbook_round_trips_criteria_and_the_itas_window(fw):
    fw.oit_opens_on, fw.oit_deadline = date(2025, 3, 1), date(2025, 4, 30)
    fw.save()
    ItemCriterion.objects.create(item=fw.items.get(code="o14"), order=1, text="เป็นแผนปีปัจจุบัน")
    content = framework_export_xlsx(fw)
    wb = load_workbook(io.BytesIO(content))
    head = wb[SHEET_FRAMEWORK]
    assert head.cell(_row_of(head, OIT_DEADLINE_LABEL), 2).value == "30/04/2568"
    assert wb[SHEET_CRITERIA].max_row == 1 + 3  # header + o1 (2) + o14 (1)

    def edit(wb):
        head = wb[SHEET_FRAMEWORK]
        head.cell(_row_of(head, OIT_DEADLINE_LABEL), 2).value = "15/05/2568"
        wb[SHEET_CRITERIA].append(["o14", 2, "ลงนามโดยผู้บริหาร", "ทดสอบ", ""])

    framework, _ = framework_import_xlsx(content=_edit(content, edit))
    framework.refresh_from_db()
    assert framework.oit_deadline == date(2025, 5, 15)
    assert framework.oit_opens_on == date(2025, 3, 1)
    assert list(fw.items.get(code="o14").criteria.values_list("order", "text")) == [
        (1, "เป็นแผนปีปัจจุบัน"),
        (2, "ลงนามโดยผู้บริหาร"),
    ]


def test_bad_criteria_and_dates_are_named_and_nothing_is_written(fw):
    def edit(wb):
        head = wb[SHEET_FRAMEWORK]
        head.cell(_row_of(head, OIT_OPENS_LABEL), 2).value = "01/03/2025"  # ค.ศ.
        criteria = wb[SHEET_CRITERIA]
        criteria.append(["o99", 1, "ไม่มีข้อนี้", "", ""])
        criteria.append(["i1", 1, "เกณฑ์ของข้อ IIT", "", ""])
        criteria.append(["o14", 1, "", "", ""])

    with pytest.raises(CatalogueError) as exc:
        framework_import_xlsx(content=_edit(framework_export_xlsx(fw), edit))
    messages = [str(e) for e in exc.value.errors]
    assert any("ปี 2025 เป็นปี ค.ศ." in m for m in messages), messages
    assert any(SHEET_CRITERIA in m and "o99" in m and "ไม่พบข้อนี้" in m for m in messages)
    assert any(SHEET_CRITERIA in m and "เฉพาะข้อของ OIT" in m for m in messages)
    assert any(SHEET_CRITERIA in m and "ต้องระบุข้อความเกณฑ์" in m for m in messages)
    fw.refresh_from_db()
    assert fw.oit_opens_on is None
    assert ItemCriterion.objects.filter(item__framework=fw).count() == 2


def test_deadline_before_opening_is_refused(fw):
    def edit(wb):
        head = wb[SHEET_FRAMEWORK]
        head.cell(_row_of(head, OIT_OPENS_LABEL), 2).value = "30/04/2568"
        head.cell(_row_of(head, OIT_DEADLINE_LABEL), 2).value = "01/03/2568"

    with pytest.raises(CatalogueError, match="ต้องไม่ก่อนวันเริ่มเปิดรับข้อมูล"):
        framework_import_xlsx(content=_edit(framework_export_xlsx(fw), edit))


def test_older_workbook_without_the_criteria_sheet_still_imports(fw):
    def edit(wb):
        del wb[SHEET_CRITERIA]

    framework, _ = framework_import_xlsx(content=_edit(framework_export_xlsx(fw), edit))
    assert framework == fw
    assert ItemCriterion.objects.filter(item__framework=fw).count() == 2
