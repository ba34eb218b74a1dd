"""Measure services: the rules, with Thai messages, and nothing half-written."""

from datetime import date

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from measures import services
from measures.models import (
    Evidence,
    Measure,
    MeasureStep,
    ProgressEntry,
    ProgressStatus,
    TimeframeKind,
)

from .conftest import make_framework
from .helpers import PDF_BYTES, REPORTED, new_measure, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_default_rounds(org, framework):
    rounds = services.rounds_ensure_defaults(organisation=org, year=2568)
    assert [(r.name, r.start_date, r.end_date) for r in rounds] == [
        ("รอบ 6 เดือน", date(2024, 10, 1), date(2025, 3, 31)),
        ("รอบ 12 เดือน", date(2024, 10, 1), date(2025, 9, 30)),
    ]
    assert len(services.rounds_ensure_defaults(organisation=org, year=2568)) == 2


def test_measure_create_saves_steps_units_items(org, units, framework, staff):
    measure = new_measure(org, units, framework, staff)
    assert [s.text for s in measure.steps.all()] == ["จัดทำคำสั่งมอบหมาย", "เผยแพร่บนเว็บไซต์"]
    assert sorted(i.code for i in measure.items.all()) == ["i7", "o12"]
    assert measure.timeframe_text() == "ไตรมาส 2 (ม.ค. – มี.ค. 68)"
    assert measure.timeframe_text(thai_digits=True) == "ไตรมาส ๒ (ม.ค. – มี.ค. ๖๘)"
    assert measure.due_date == date(2025, 3, 31)


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"timeframe_kind": TimeframeKind.DEADLINE, "deadline": date(2025, 10, 1)},
            "deadline",
            "ปีงบประมาณ 2568",
        ),
        (
            {"timeframe_kind": TimeframeKind.DEADLINE, "deadline": None},
            "deadline",
            "กรุณาระบุวันกำหนดแล้วเสร็จ",
        ),
        (
            {
                "timeframe_kind": TimeframeKind.PERIOD,
                "start_date": date(2025, 5, 1),
                "end_date": date(2025, 4, 1),
            },
            "end_date",
            "ต้องไม่ก่อนวันที่เริ่ม",
        ),
        ({"quarters": []}, "quarters", "กรุณาเลือกไตรมาส"),
        ({"responsible_units": []}, "responsible_units", "อย่างน้อย 1 หน่วยงาน"),
        ({"steps": ["", "  "]}, "steps", "อย่างน้อย 1 ขั้นตอน"),
        ({"title": "  "}, "title", "กรุณาระบุชื่อมาตรการ"),
    ],
)
def test_measure_rules_are_thai_and_nothing_is_saved(org, units, framework, extra, field, message):
    with pytest.raises(ValidationError) as exc:
        new_measure(org, units, framework, **extra)
    assert message in " ".join(exc.value.message_dict[field])
    assert Measure.objects.count() == 0 and MeasureStep.objects.count() == 0


def test_items_and_units_must_belong(org, other_org, units, framework):
    other_framework = make_framework(2569)
    with pytest.raises(ValidationError) as exc:
        new_measure(org, units, framework, items=list(other_framework.items.filter(code="i7")))
    assert "ไม่อยู่ในกรอบการประเมินปี 2568" in exc.value.message_dict["items"][0]
    from tests.factories import UnitFactory

    with pytest.raises(ValidationError) as exc:
        new_measure(org, units, framework, responsible_units=[UnitFactory(organisation=other_org)])
    assert "ส่วนราชการของหน่วยงานนี้" in exc.value.message_dict["responsible_units"][0]


def test_measure_update_replaces_steps_and_clears_other_timeframes(org, units, framework, staff):
    measure = new_measure(org, units, framework, staff)
    services.measure_update(
        measure=measure,
        user=staff,
        responsible_units=units,
        steps=["ขั้นตอนใหม่"],
        items=[],
        timeframe_kind=TimeframeKind.DEADLINE,
        deadline=date(2025, 6, 30),
    )
    measure.refresh_from_db()
    assert [s.text for s in measure.steps.all()] == ["ขั้นตอนใหม่"]
    assert measure.quarters == [] and measure.deadline == date(2025, 6, 30)
    assert measure.items.count() == 0 and measure.responsible_units.count() == 2


def test_progress_entry_rules(org, other_org, units, framework, staff, rounds):
    measure = new_measure(org, units, framework, staff)
    with pytest.raises(ValidationError) as exc:
        services.progress_entry_record(
            measure=measure,
            round=rounds[0],
            user=staff,
            status=ProgressStatus.DONE,
            reported_on=REPORTED,
        )
    assert "กรุณาระบุผลการดำเนินการ" in exc.value.message_dict["output"][0]
    foreign_round = services.rounds_ensure_defaults(organisation=other_org, year=2568)[0]
    with pytest.raises(ValidationError):
        services.progress_entry_record(
            measure=measure,
            round=foreign_round,
            user=staff,
            status="in_progress",
            reported_on=REPORTED,
        )
    assert ProgressEntry.objects.count() == 0
    entry = services.progress_entry_record(
        measure=measure, round=rounds[0], user=staff, status="in_progress", reported_on=REPORTED
    )
    again = services.progress_entry_record(
        measure=measure,
        round=rounds[0],
        user=staff,
        status="done",
        output="เสร็จ",
        reported_on=REPORTED,
    )
    assert entry.pk == again.pk and ProgressEntry.objects.count() == 1


@pytest.fixture
def entry(org, units, framework, staff, rounds):
    measure = new_measure(org, units, framework, staff)
    return services.progress_entry_record(
        measure=measure, round=rounds[0], user=staff, status="in_progress", reported_on=REPORTED
    )


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (PDF_BYTES, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"0" * 20, "image/jpeg"),
        (None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_evidence_identified_by_content_and_stored_unguessably(entry, staff, content, content_type):
    content = content if content is not None else xlsx_bytes()
    upload = SimpleUploadedFile("รายงาน ผลการดำเนินการ.bin", content, content_type="text/plain")
    evidence = services.evidence_add_file(entry=entry, upload=upload, user=staff)
    assert evidence.content_type == content_type
    name = evidence.file.name
    assert name.startswith(f"evidence/{entry.measure.organisation_id}/")
    assert "รายงาน" not in name and len(name.rsplit("/", 1)[1].split(".")[0]) == 32
    assert evidence.original_name == "รายงาน ผลการดำเนินการ.bin"


def test_evidence_wrong_type_is_refused_by_content(entry, staff):
    upload = SimpleUploadedFile(
        "report.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"
    )
    with pytest.raises(ValidationError, match="ไฟล์ “report.pdf” ไม่ใช่ชนิดที่รับได้"):
        services.evidence_add_file(entry=entry, upload=upload, user=staff)
    assert Evidence.objects.count() == 0


def test_evidence_size_limit(entry, staff, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2048)
    with pytest.raises(ValidationError, match="เกินขนาดที่รับได้"):
        services.evidence_add_file(entry=entry, upload=upload, user=staff)
    assert Evidence.objects.count() == 0


def test_evidence_link_must_be_http(entry, staff):
    with pytest.raises(ValidationError, match="javascript:alert"):
        services.evidence_add_link(entry=entry, url="javascript:alert(1)", user=staff)
    link = services.evidence_add_link(
        entry=entry, url="https://www.example.go.th/ita/o12.pdf", user=staff
    )
    assert link.kind == "link"


def test_audit_trail_records_before_and_after(org, units, framework, staff):
    with set_actor(staff, remote_addr="203.0.113.7"):
        measure = new_measure(org, units, framework, staff, title="ชื่อเดิม")
        services.measure_update(
            measure=measure,
            user=staff,
            responsible_units=units[:1],
            steps=["ขั้นตอน"],
            items=[],
            title="ชื่อใหม่",
        )
    updates = LogEntry.objects.get_for_object(measure).filter(action=LogEntry.Action.UPDATE)
    update = next(e for e in updates if "title" in e.changes_dict)
    assert update.actor == staff and update.remote_addr == "203.0.113.7"
    assert update.changes_dict["title"] == ["ชื่อเดิม", "ชื่อใหม่"]
    assert update.additional_data == {"organisation_id": org.pk}
