"""Measure screens: access for every view, validation with Thai messages, constant queries."""

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures import services
from measures.models import Evidence, Measure, ProgressEntry

from .helpers import PDF_BYTES, REPORTED, new_measure, valid_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(org, units, framework, staff, rounds):
    return new_measure(org, units, framework, staff)


@pytest.fixture
def evidence(measure, rounds, staff):
    entry = services.progress_entry_record(
        measure=measure, round=rounds[0], user=staff, status="in_progress", reported_on=REPORTED
    )
    return services.evidence_add_file(
        entry=entry, upload=SimpleUploadedFile("หลักฐาน.pdf", PDF_BYTES), user=staff
    )


def _urls(org, measure, rounds, evidence):
    code = org.code
    return {
        "list": ("get", reverse("measures:measure_list", args=[code, 2568]), "view"),
        "progress": ("get", reverse("measures:progress_dashboard", args=[code, 2568]), "view"),
        "detail": ("get", reverse("measures:measure_detail", args=[code, measure.pk]), "view"),
        "evidence": (
            "get",
            reverse("measures:evidence_download", args=[code, evidence.pk]),
            "view",
        ),
        "documents": ("get", reverse("documents:document_index", args=[code, 2568]), "view"),
        "document": (
            "get",
            reverse("documents:document", args=[code, 2568, "measure-plan"]),
            "view",
        ),
        "create": ("get", reverse("measures:measure_create", args=[code, 2568]), "edit"),
        "update": ("get", reverse("measures:measure_update", args=[code, measure.pk]), "edit"),
        "copy": ("get", reverse("measures:measures_copy", args=[code, 2568]), "edit"),
        "progress_edit": (
            "get",
            reverse("measures:progress_edit", args=[code, measure.pk, rounds[0].pk]),
            "edit",
        ),
        "evidence_delete": (
            "post",
            reverse("measures:evidence_delete", args=[code, evidence.pk]),
            "edit",
        ),
        "delete": ("post", reverse("measures:measure_delete", args=[code, measure.pk]), "edit"),
        "rounds": ("get", reverse("measures:round_list", args=[code, 2568]), "manage"),
        "audit": ("get", reverse("audit_trail", args=[code]), "manage"),
    }


ALLOWED = {
    "staff": {"view", "edit"},
    "approver": {"view"},
    "org_admin": {"view", "edit", "manage"},
    "central_admin": {"view", "manage"},
}


@pytest.mark.parametrize(
    "persona", ["anonymous", "outsider", "staff", "approver", "org_admin", "central_admin"]
)
def test_access_to_every_measure_view(request, client, org, measure, rounds, evidence, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for name, (method, url, needs) in _urls(org, measure, rounds, evidence).items():
        response = getattr(client, method)(url)
        if persona == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(
                "/accounts/login/"
            ), name
        elif persona == "outsider":
            assert response.status_code == 404, name
        elif needs in ALLOWED[persona]:
            assert response.status_code in (200, 302), (name, response.status_code)
        else:
            assert response.status_code == 403, (name, response.status_code)
            assert "ไม่มีสิทธิ์" in response.content.decode()


def test_outsider_cannot_reach_objects_through_own_organisation(
    login, other_org, outsider, measure, evidence
):
    client = login(outsider)
    code = other_org.code  # the outsider's own organisation, another organisation's objects
    assert (
        client.get(reverse("measures:measure_detail", args=[code, measure.pk])).status_code == 404
    )
    assert (
        client.get(reverse("measures:evidence_download", args=[code, evidence.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("measures:measure_delete", args=[code, measure.pk])).status_code == 404
    )
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_create_measure_through_the_form(login, org, units, framework, staff, rounds):
    response = login(staff).post(
        reverse("measures:measure_create", args=[org.code, 2568]), valid_post(units, framework)
    )
    measure = Measure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:measure_detail", args=[org.code, measure.pk])
    assert measure.deadline.isoformat() == "2025-03-31"
    assert [s.text for s in measure.steps.all()] == [
        "จัดทำแผนการใช้จ่ายงบประมาณ",
        "ประชาสัมพันธ์ผ่านเว็บไซต์และกลุ่มไลน์",
    ]
    assert LogEntry.objects.get_for_object(measure).filter(actor=staff).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"deadline": "31/03/2025"}, "ค.ศ."),
        ({"deadline": "31/03/2569"}, "วันที่ต้องอยู่ในปีงบประมาณ 2568"),
        ({"deadline": "31/02/2568"}, "ไม่มีวันที่"),
        ({"deadline": ""}, "กรุณาระบุวันกำหนดแล้วเสร็จ"),
        ({"responsible_units": []}, "กรุณาเลือกหน่วยงานรับผิดชอบ"),
        ({"title": ""}, "กรุณาระบุชื่อมาตรการ"),
        ({"steps-0-text": "", "steps-1-text": ""}, "อย่างน้อย 1 ขั้นตอน"),
        (
            {"timeframe_kind": "period", "start_date": "01/05/2568", "end_date": "01/04/2568"},
            "ต้องไม่ก่อนวันที่เริ่ม",
        ),
        ({"items": ["999999"]}, "999999"),
        # Bounded input: the field, its limit and the length given.
        (
            {"title": "ก" * 200_000},
            "“มาตรการ / โครงการ / กิจกรรม” ยาวได้ไม่เกิน 500 ตัวอักษร (กรอกมา 200,000 ตัวอักษร)",
        ),
        (
            {"problem": "ข" * 5_001},
            "ยาวได้ไม่เกิน 5,000 ตัวอักษร (กรอกมา 5,001 ตัวอักษร)",
        ),
        (
            {"steps-1-text": "ค" * 2_001},
            "“ขั้นตอน / วิธีการปฏิบัติ” ยาวได้ไม่เกิน 2,000 ตัวอักษร (กรอกมา 2,001 ตัวอักษร)",
        ),
    ],
)
def test_measure_form_errors_are_thai_and_nothing_is_saved(
    login, org, units, framework, staff, rounds, overrides, message
):
    response = login(staff).post(
        reverse("measures:measure_create", args=[org.code, 2568]),
        valid_post(units, framework, **overrides),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page[
        page.find("invalid-feedback") - 200 : page.find("invalid-feedback") + 400
    ]
    assert "ยังบันทึกไม่ได้" in page
    assert Measure.objects.count() == 0


def test_an_empty_measure_form_lists_every_problem_at_once(
    login, org, units, framework, staff, rounds
):
    """Not the title now and the steps and quarters after the next submit: one submit, all."""
    response = login(staff).post(
        reverse("measures:measure_create", args=[org.code, 2568]),
        {
            "steps-TOTAL_FORMS": "2",
            "steps-INITIAL_FORMS": "0",
            "timeframe_kind": "quarters",
        },
    )
    page = response.content.decode()
    for message in (
        "กรุณาระบุชื่อมาตรการ",
        "กรุณาเลือกหน่วยงานรับผิดชอบอย่างน้อย 1 หน่วยงาน",
        "กรุณาระบุขั้นตอน/วิธีการปฏิบัติอย่างน้อย 1 ขั้นตอน",
        "กรุณาเลือกไตรมาสอย่างน้อย 1 ไตรมาส",
    ):
        assert page.count(message) == 1, message
    assert Measure.objects.count() == 0


def test_update_measure_keeps_values_and_adds_step(login, org, units, framework, staff, measure):
    client = login(staff)
    page = client.get(
        reverse("measures:measure_update", args=[org.code, measure.pk])
    ).content.decode()
    assert "จัดทำคำสั่งมอบหมาย" in page
    data = valid_post(
        units,
        framework,
        title="ชื่อใหม่",
        **{
            "steps-TOTAL_FORMS": "3",
            "steps-INITIAL_FORMS": "2",
            "steps-2-text": "รายงานผล",
        },
    )
    assert (
        client.post(
            reverse("measures:measure_update", args=[org.code, measure.pk]), data
        ).status_code
        == 302
    )
    measure.refresh_from_db()
    assert measure.title == "ชื่อใหม่" and measure.steps.count() == 3


def test_progress_with_evidence(login, org, measure, rounds, staff):
    url = reverse("measures:progress_edit", args=[org.code, measure.pk, rounds[0].pk])
    response = login(staff).post(
        url,
        {
            "status": "done",
            "output": "จัดทำแผนและเผยแพร่แล้ว",
            "outcome": "ประชาชนเข้าถึงข้อมูล",
            "recommendations": "",
            "reported_on": "20/03/2568",
            "files": [SimpleUploadedFile("แผน.pdf", PDF_BYTES)],
            "links": "https://www.example.go.th/plan.pdf",
        },
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert entry.status == "done" and entry.reporter == staff
    assert sorted(e.kind for e in entry.evidence.all()) == ["file", "link"]
    detail = (
        login(staff)
        .get(reverse("measures:measure_detail", args=[org.code, measure.pk]))
        .content.decode()
    )
    assert "จัดทำแผนและเผยแพร่แล้ว" in detail and "แผน.pdf" in detail


@pytest.mark.parametrize(
    ("files", "links", "message"),
    [
        (
            [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")],
            "",
            "ไฟล์ “virus.pdf” ไม่ใช่ชนิดที่รับได้",
        ),
        ([SimpleUploadedFile("ใหญ่.pdf", PDF_BYTES + b"0" * 4096)], "", "เกินขนาดที่รับได้"),
        (
            [],
            "ftp://example.com/x\nhttps://ok.example.go.th/",
            "บรรทัดที่ 1: ลิงก์ “ftp://example.com/x”",
        ),
    ],
)
def test_progress_bad_evidence_saves_nothing(
    login, org, measure, rounds, staff, settings, files, links, message
):
    settings.EVIDENCE_MAX_BYTES = 1024
    url = reverse("measures:progress_edit", args=[org.code, measure.pk, rounds[0].pk])
    response = login(staff).post(
        url,
        {
            "status": "in_progress",
            "output": "",
            "reported_on": "20/03/2568",
            "files": files,
            "links": links,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ProgressEntry.objects.count() == 0 and Evidence.objects.count() == 0


@pytest.mark.parametrize(
    ("reported_on", "message"),
    [("", "กรุณากรอกวันที่"), ("20/03/2025", "ค.ศ."), ("01/09/2567", "ไม่ก่อนวันเริ่มรอบ")],
)
def test_progress_bad_dates(login, org, measure, rounds, staff, reported_on, message):
    url = reverse("measures:progress_edit", args=[org.code, measure.pk, rounds[0].pk])
    response = login(staff).post(url, {"status": "in_progress", "reported_on": reported_on})
    assert message in response.content.decode()
    assert ProgressEntry.objects.count() == 0


def test_progress_done_needs_output(login, org, measure, rounds, staff):
    url = reverse("measures:progress_edit", args=[org.code, measure.pk, rounds[0].pk])
    response = login(staff).post(url, {"status": "done", "output": "", "reported_on": "20/03/2568"})
    assert "กรุณาระบุผลการดำเนินการ" in response.content.decode()
    assert ProgressEntry.objects.count() == 0


def test_evidence_download_is_safe(login, org, evidence, staff):
    response = login(staff).get(reverse("measures:evidence_download", args=[org.code, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_list_filters_counts_and_overdue(login, org, units, framework, staff, rounds, time_machine):
    time_machine.move_to("2025-05-01 10:00+07:00")
    late = new_measure(org, units, framework, staff, title="มาตรการที่เลยกำหนด", quarters=[1])
    done = new_measure(
        org, units, framework, staff, title="มาตรการที่ทำเสร็จ", responsible_units=[units[1]]
    )
    services.progress_entry_record(
        measure=done,
        round=rounds[0],
        user=staff,
        status="done",
        output="เสร็จ",
        reported_on=REPORTED,
    )
    client = login(staff)
    url = reverse("measures:measure_list", args=[org.code, 2568])
    page = client.get(url).content.decode()
    assert 'id="overdue"' in page and "มาตรการที่เลยกำหนด" in page
    assert "เลยกำหนดแล้วเสร็จ 1 มาตรการ" in page
    page = client.get(url, {"unit": units[1].pk}).content.decode()
    assert (
        "มาตรการที่ทำเสร็จ" in page and "มาตรการที่เลยกำหนด</span></span>" not in page
    )  # not in the filtered list
    page = client.get(url, {"status": "done", "round": rounds[0].pk}).content.decode()
    assert "มาตรการที่ทำเสร็จ" in page
    assert (
        f'href="{reverse("measures:measure_detail", args=[org.code, late.pk])}"'
        not in page.split('id="status-counts"')[1].split("+ เพิ่มมาตรการ")[1]
    )
    page = client.get(url, {"indicator": 4}).content.decode()
    assert "ไม่มีมาตรการที่ตรงกับตัวกรอง" in page
    empty = client.get(reverse("measures:measure_list", args=[org.code, 2569])).content.decode()
    assert "ยังไม่มีมาตรการของปีงบประมาณ 2569" in empty


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["measures:measure_list", "measures:progress_dashboard"])
def test_pages_run_in_constant_queries(login, org, units, framework, staff, rounds, name):
    client = login(staff)
    url = reverse(name, args=[org.code, 2568])
    for i in range(3):
        m = new_measure(org, units, framework, staff, title=f"มาตรการ {i}")
        services.progress_entry_record(
            measure=m, round=rounds[0], user=staff, status="in_progress", reported_on=REPORTED
        )
    few = _queries(client, url)
    for i in range(3, 15):
        m = new_measure(org, units, framework, staff, title=f"มาตรการ {i}", responsible_units=units)
        services.progress_entry_record(
            measure=m, round=rounds[1], user=staff, status="done", output="x", reported_on=REPORTED
        )
    assert _queries(client, url) == few


def test_round_create_by_org_admin(login, org, org_admin, framework, rounds):
    client = login(org_admin)
    url = reverse("measures:round_list", args=[org.code, 2568])
    bad = client.post(
        url, {"name": "ไตรมาส 1", "start_date": "01/10/2567", "end_date": "31/12/2568"}
    )
    assert "วันที่ต้องอยู่ในปีงบประมาณ 2568" in bad.content.decode()
    ok = client.post(
        url, {"name": "ไตรมาส 1", "start_date": "01/10/2567", "end_date": "31/12/2567"}, follow=True
    )
    assert "เพิ่มไตรมาส 1แล้ว" in ok.content.decode()
    dup = client.post(
        url, {"name": "ไตรมาส 1", "start_date": "01/10/2567", "end_date": "31/12/2567"}
    )
    assert "มีรอบชื่อ “ไตรมาส 1” ในปีนี้แล้ว" in dup.content.decode()


def test_audit_trail_page(
    login, client, org, other_org, units, framework, staff, org_admin, outsider
):
    login(staff).post(
        reverse("measures:measure_create", args=[org.code, 2568]),
        valid_post(units, framework),
        REMOTE_ADDR="198.51.100.20",
    )
    client.force_login(org_admin)
    page = client.get(reverse("audit_trail", args=[org.code])).content.decode()
    assert "เผยแพร่แผนการใช้จ่ายงบประมาณประจำปี" in page
    assert "198.51.100.20" in page and staff.get_full_name() in page
    client.force_login(outsider)
    other = client.get(reverse("audit_trail", args=[other_org.code])).content.decode()
    assert "เผยแพร่แผนการใช้จ่ายงบประมาณประจำปี" not in other


def test_document_view_serves_html_and_pdf(login, org, measure, staff):
    client = login(staff)
    url = reverse("documents:document", args=[org.code, 2568, "measure-results"])
    html = client.get(url, {"layout": "a"})
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert measure.title in html.content.decode()
    pdf = client.get(url, {"format": "pdf", "thai_digits": "1"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert (
        client.get(reverse("documents:document", args=[org.code, 2568, "sample"])).status_code
        == 404
    )


def test_round_form_requires_fields(login, org, org_admin, framework, rounds):
    response = login(org_admin).post(reverse("measures:round_list", args=[org.code, 2568]), {})
    page = response.content.decode()
    assert page.count("กรุณากรอกวันที่") >= 2 and "ฟิลด์นี้จำเป็น" in page
    assert len(rounds) == 2 and org.rounds.count() == 2
