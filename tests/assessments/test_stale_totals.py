"""An official total from an earlier file, after a later file changed the items it sums up.

The total is kept as given but marked stale: the import preview names the organisations and how
many of their items changed, the score pages show the stale mark beside the computed total and
grade on the computed one, and a later file that gives the total makes it current again.
"""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessments import imports
from assessments.grading import grade_for
from assessments.imports import scores_import
from assessments.models import Assessment, ImportStatus, Score, ScoreImport
from assessments.scoring import score_sheet
from assessments.selectors import assessments_for_organisation
from tests.factories import OrganisationFactory

from .test_imports import seed_rows, workbook

pytestmark = pytest.mark.django_db

#: Far from what the seed's items compute to, so a grade taken from it would differ.
OLD_TOTAL = Decimal("40.00")


@pytest.fixture(autouse=True)
def catalogue(org):
    call_command("load_framework", stdout=io.StringIO())


@pytest.fixture(params=["orm", "copy"])
def write_path(request, monkeypatch):
    """Both writers (on SQLite the COPY threshold changes nothing: the ORM writes)."""
    if request.param == "copy":
        monkeypatch.setattr(imports, "COPY_THRESHOLD", 1)
    return request.param


def _first_file(code="6301401"):
    """Items and indicators of seed 004, tools left out, and an official total."""
    return seed_rows(code) + [(code, 2568, "TOTAL", float(OLD_TOTAL))]


def _items_changed(code="6301401", changes=3):
    """Items only: the first `changes` items moved by one point."""
    rows = [r for r in seed_rows(code) if not r[2].startswith("ind")]
    return [
        (c, y, k, (v - 1 if v >= 1 else v + 1) if i < changes else v)
        for i, (c, y, k, v) in enumerate(rows)
    ]


def _sheet(org):
    return score_sheet(assessments_for_organisation(org)[0])


def test_items_changed_without_a_total_mark_the_total_stale(org, write_path):
    scores_import(content=workbook(_first_file()), file_name="ครั้งแรก.xlsx")
    assert not Score.objects.filter(stale=True).exists()

    preview = scores_import(content=workbook(_items_changed()), file_name="แก้ไข.xlsx", dry_run=True)
    assert preview.stale_total_count == 1
    assert preview.stale_totals == [{"code": "6301401", "name": org.name, "year": 2568, "items": 3}]
    assert "คะแนนรวมทางการของ 1 หน่วยงานจะไม่เป็นปัจจุบัน" in preview.summary()
    assert not Score.objects.filter(stale=True).exists()  # a preview writes nothing

    result = scores_import(content=workbook(_items_changed()), file_name="แก้ไข.xlsx")
    assert (result.updated, result.stale_total_count) == (3, 1)
    total = Score.objects.get(code="TOTAL")
    assert total.score == OLD_TOTAL and total.stale  # kept as given, marked
    # Every official figure above the items that this file did not give again is stale too.
    assert set(Score.objects.filter(stale=True).values_list("code", flat=True)) == {
        "TOTAL",
        *(f"ind{n}" for n in range(1, 11)),
    }

    sheet = _sheet(org)
    assert sheet.total.stale and sheet.total.uses_computed and not sheet.total.differs
    assert sheet.total.official == OLD_TOTAL
    assert sheet.total.value == sheet.total.computed != OLD_TOTAL
    framework = sheet.assessment.framework
    tools = {t: f.value for t, f in sheet.tools.items()}
    assert sheet.level == grade_for(framework.bands.all(), total=sheet.total.computed, tools=tools)
    assert sheet.level != grade_for(framework.bands.all(), total=OLD_TOTAL, tools=tools)
    assert sheet.stale == 11 and sheet.differences == 0


def test_a_file_with_the_total_makes_it_current_again(org, write_path):
    scores_import(content=workbook(_first_file()), file_name="ครั้งแรก.xlsx")
    scores_import(content=workbook(_items_changed()), file_name="แก้ไข.xlsx")
    # The NACC's corrected total alone: the total is current, the indicators stay stale.
    result = scores_import(
        content=workbook([("6301401", 2568, "TOTAL", 71.5)]), file_name="คะแนนรวม.xlsx"
    )
    assert result.stale_total_count == 0
    total = Score.objects.get(code="TOTAL")
    assert (total.score, total.stale) == (Decimal("71.50"), False)
    assert Score.objects.filter(stale=True, kind="indicator").count() == 10
    sheet = _sheet(org)
    assert sheet.total.value == Decimal("71.50") and not sheet.total.uses_computed
    # An unchanged value in a later full file also makes it current.
    scores_import(content=workbook(_first_file()), file_name="ทั้งชุด.xlsx")
    assert not Score.objects.filter(stale=True).exists()


def test_files_that_change_no_item_or_carry_the_total_mark_nothing(org, write_path):
    scores_import(content=workbook(_first_file()), file_name="ครั้งแรก.xlsx")
    same = scores_import(content=workbook(_items_changed(changes=0)), file_name="เดิม.xlsx")
    assert same.stale_total_count == 0 and same.updated == 0
    with_total = _items_changed() + [("6301401", 2568, "TOTAL", 72.0)]
    result = scores_import(content=workbook(with_total), file_name="พร้อมคะแนนรวม.xlsx")
    assert result.stale_total_count == 0
    assert set(Score.objects.filter(stale=True).values_list("code", flat=True)) == {
        f"ind{n}" for n in range(1, 11)
    }
    assert not Score.objects.get(code="TOTAL").stale


def test_only_the_organisations_whose_items_changed_are_listed(org, write_path):
    OrganisationFactory(code="6301499", name="เทศบาลตำบลทดสอบ")
    scores_import(content=workbook(_first_file() + _first_file("6301499")), file_name="ครั้งแรก.xlsx")
    result = scores_import(
        content=workbook(_items_changed() + _items_changed("6301499", changes=0)),
        file_name="แก้ไข.xlsx",
    )
    assert [row["code"] for row in result.stale_totals] == ["6301401"]
    other = Assessment.objects.get(organisation__code="6301499")
    assert not other.scores.filter(stale=True).exists()


def test_pages_show_the_stale_total(
    login, org, staff, central_admin, client, django_capture_on_commit_callbacks
):
    admin = login(central_admin)
    for name, rows in (("ครั้งแรก.xlsx", _first_file()), ("แก้ไข.xlsx", _items_changed())):
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(
                reverse("assessments:import_list"),
                {"file": SimpleUploadedFile(name, workbook(rows))},
            )
        record = ScoreImport.objects.get(file_name=name)
        page = admin.get(reverse("assessments:import_detail", args=[record.pk])).content.decode()
        if name == "แก้ไข.xlsx":
            # The preview names the organisation and its changed items before anything is written.
            assert record.status == ImportStatus.PREVIEWED and record.stale_total_count == 1
            assert 'id="stale-totals"' in page and "คะแนนรวมทางการของ 1 หน่วยงานจะไม่เป็นปัจจุบัน" in page
            assert org.name in page and '<td class="text-end">3</td>' in page
        else:
            assert 'id="stale-totals"' not in page
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(reverse("assessments:import_commit", args=[record.pk]))
    page = admin.get(reverse("assessments:import_detail", args=[record.pk])).content.decode()
    assert "คะแนนรวมทางการของ 1 หน่วยงานไม่เป็นปัจจุบัน" in page

    sheet = _sheet(org)
    client.force_login(staff)
    page = client.get(reverse("scores:assessment_detail", args=[org.code, 2568])).content.decode()
    assert 'id="stale-total"' in page and "คะแนนรวมทางการ 40.00 ไม่เป็นปัจจุบัน" in page
    assert f'id="total-score">{sheet.total.computed}<' in page
    assert "ทางการเดิม 40.00" in page and "score-stale" in page
    assert f'id="level">{sheet.level.label}<' in page

    client.logout()
    public = client.get(reverse("public:organisation", args=[org.code])).content.decode()
    assert f"{sheet.total.computed}<sup>*</sup>" in public and 'id="stale-note"' in public


def test_the_organisation_page_links_to_its_scores_and_analysis(org, staff, client):
    client.force_login(staff)
    url = reverse("organisations:organisation_detail", args=[org.code])
    assert "ยังไม่มีผลคะแนนที่นำเข้า" in client.get(url).content.decode()
    scores_import(content=workbook(_first_file()), file_name="ครั้งแรก.xlsx")
    page = client.get(url).content.decode()
    for link in (
        reverse("scores:assessment_detail", args=[org.code, 2568]),
        reverse("measures:analysis_edit", args=[org.code, 2568]),
        reverse("public:organisation", args=[org.code]),
    ):
        assert f'href="{link}"' in page
        assert client.get(link).status_code == 200
