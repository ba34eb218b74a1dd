"""The score import pages: access, preview then commit, live progress, errors, downloads."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Framework, ImportStatus, Score, ScoreImport
from assessments.tasks import progress_key

from .test_imports import seed_rows, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalogue(org):
    call_command("load_framework", stdout=io.StringIO())


def _upload(client, content, captured, **extra):
    with captured(execute=True):
        return client.post(
            reverse("assessments:import_list"),
            {"file": SimpleUploadedFile("คะแนน 2568.xlsx", content), **extra},
        )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("staff", 403),
        ("approver", 403),
        ("org_admin", 403),
        ("central_admin", 200),
    ],
)
def test_access_to_import_pages(
    request, client, persona, status, central_admin, django_capture_on_commit_callbacks
):
    admin_client = client.__class__()
    admin_client.force_login(central_admin)
    _upload(admin_client, workbook(seed_rows()), django_capture_on_commit_callbacks)
    record = ScoreImport.objects.get()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    fw = Framework.objects.get(fiscal_year__year=2568, variant="อปท.")
    urls = [
        reverse("assessments:import_list"),
        reverse("assessments:import_detail", args=[record.pk]),
        reverse("assessments:import_progress", args=[record.pk]),
        reverse("assessments:score_template") + f"?framework={fw.pk}",
        reverse("assessments:score_export") + "?year=2568",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert response["Location"].startswith("/accounts/login/")
    response = client.post(reverse("assessments:import_commit", args=[record.pk]))
    assert response.status_code == (302 if persona in ("anonymous", "central_admin") else 403)


def test_preview_then_commit(login, central_admin, django_capture_on_commit_callbacks):
    client = login(central_admin)
    response = _upload(client, workbook(seed_rows()), django_capture_on_commit_callbacks)
    record = ScoreImport.objects.get()
    assert response["Location"] == reverse("assessments:import_detail", args=[record.pk])
    assert record.status == ImportStatus.PREVIEWED and record.created_by == central_admin
    assert record.sha256 and record.file_size > 0 and record.file_name == "คะแนน 2568.xlsx"
    page = client.get(response["Location"]).content.decode()
    assert "ถ้ายืนยัน ระบบจะบันทึกดังนี้" in page and f"คะแนนใหม่ {len(seed_rows())}" in page
    assert Score.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE and Score.objects.count() == len(seed_rows())
    again = client.post(reverse("assessments:import_commit", args=[record.pk]), follow=True)
    assert "ยืนยันได้ครั้งเดียว" in again.content.decode()


def test_errors_page_and_download(login, central_admin, django_capture_on_commit_callbacks):
    client = login(central_admin)
    rows = [("6301401", 2568, "i1", 150)] * 230
    _upload(client, workbook(rows), django_capture_on_commit_callbacks)
    record = ScoreImport.objects.get()
    assert record.status == ImportStatus.FAILED and record.error_count == 230
    page = client.get(reverse("assessments:import_detail", args=[record.pk])).content.decode()
    assert "พบข้อผิดพลาด 230 รายการ ยังไม่ได้บันทึกข้อมูลใด ๆ" in page
    # The progress card says so too: a red bar, never "เสร็จสิ้น".
    card = page.split('id="progress-card"')[1].split("</section>")[0]
    assert "bg-danger" in card and "เสร็จสิ้น" not in card and "ไม่ได้บันทึกข้อมูลใด ๆ" in card
    assert "100%</div>" not in card
    progress = client.get(reverse("assessments:import_progress", args=[record.pk])).json()
    assert progress["phase_label"] == "ไม่ได้บันทึกข้อมูลใด ๆ" and progress["status"] == "failed"
    assert page.count("ต้องอยู่ระหว่าง 0–100") == 200 and "และอีก 30 รายการ" in page
    download = client.get(reverse("assessments:import_errors", args=[record.pk]))
    ws = load_workbook(io.BytesIO(download.content)).active
    assert ws.max_row == 231 and ws["B2"].value == 2 and "0–100" in ws["E2"].value


def test_upload_form_errors(login, central_admin, settings):
    client = login(central_admin)
    assert (
        "กรุณาเลือกไฟล์คะแนน" in client.post(reverse("assessments:import_list"), {}).content.decode()
    )
    settings.SCORE_IMPORT_MAX_BYTES = 100
    page = client.post(
        reverse("assessments:import_list"), {"file": SimpleUploadedFile("big.xlsx", b"x" * 500)}
    )
    assert "เกินขนาดที่รับได้" in page.content.decode()
    assert ScoreImport.objects.count() == 0


def test_progress_endpoint_reports_live_phase_and_survives_reload(
    login, central_admin, django_capture_on_commit_callbacks
):
    client = login(central_admin)
    _upload(client, workbook(seed_rows()), django_capture_on_commit_callbacks)
    record = ScoreImport.objects.get()
    # A run in progress (another worker): its live state is in the shared cache.
    ScoreImport.objects.filter(pk=record.pk).update(status=ImportStatus.RUNNING)
    cache.set(
        progress_key(record.pk),
        {
            "status": "running",
            "status_label": "กำลังดำเนินการ",
            "phase": "write",
            "phase_label": "บันทึกข้อมูล",
            "done": 5000,
            "total": 10000,
            "percent": 75,
            "rate": 2500,
            "finished": False,
            "errors": 0,
        },
    )
    live = client.get(reverse("assessments:import_progress", args=[record.pk])).json()
    assert (live["phase_label"], live["percent"], live["rate"], live["finished"]) == (
        "บันทึกข้อมูล",
        75,
        2500,
        False,
    )
    page = client.get(reverse("assessments:import_detail", args=[record.pk])).content.decode()
    assert "75%" in page and "แถว/วินาที" in page and 'http-equiv="refresh"' in page
    ScoreImport.objects.filter(pk=record.pk).update(status=ImportStatus.PREVIEWED)
    done = client.get(reverse("assessments:import_progress", args=[record.pk])).json()
    assert (
        done["finished"]
        and done["percent"] == 100
        and done["status_label"] == "ตรวจสอบแล้ว (ยังไม่บันทึก)"
    )


def test_template_and_export(login, central_admin, org, django_capture_on_commit_callbacks):
    client = login(central_admin)
    fw = Framework.objects.get(fiscal_year__year=2568, variant="อปท.")
    template = client.get(
        reverse("assessments:score_template"), {"framework": fw.pk, "province": org.province}
    )
    wb = load_workbook(io.BytesIO(template.content))
    header = [c.value for c in wb.worksheets[0][1]]
    assert (
        header[:3] == ["org_code", "org_name", "fiscal_year"]
        and "o28" in header
        and "TOTAL" in header
    )
    assert wb.worksheets[0]["A2"].value == org.code
    assert any("มาตรการส่งเสริมคุณธรรม" in (r[1].value or "") for r in wb["คำอธิบาย"].iter_rows())
    _upload(client, workbook(seed_rows(code=org.code)), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:import_commit", args=[ScoreImport.objects.get().pk]))
    export = client.get(reverse("assessments:score_export"), {"year": 2568})
    rows = list(
        load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0] == ("org_code", "org_name", "province", "fiscal_year", "item_code", "score")
    assert (org.code, org.name, org.province, 2568, "i10", 1.29) in rows
    bad_year = client.get(reverse("assessments:score_export"), {"year": "2024"}, follow=True)
    assert "ปี พ.ศ." in bad_year.content.decode()


def test_the_forms_default_to_the_year_being_imported(login, central_admin, time_machine):
    """In December 2569 the file to import is 2569's: the template offers the newest published
    framework (not a provisional one) and the export the newest year with scores."""
    from assessments.lineage import framework_roll_forward

    time_machine.move_to("2026-12-06 09:00+07:00", tick=False)
    source = Framework.objects.get(fiscal_year__year=2569, variant="")
    framework_roll_forward(source=source, user=central_admin)  # 2570, provisional
    page = login(central_admin).get(reverse("assessments:import_list"))
    template = page.context["template_form"]
    assert template.initial["framework"] == source.pk
    assert page.context["export_form"].initial["year"] == 2569  # no scores yet: last year
