"""Copying last year's measures into this year: item links follow lineage, dates move by a
fiscal year and never land in the past, dropped links are kept on the measure (issue 14)."""

from datetime import date

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import Item, Tool
from measures import selectors, services
from measures.models import Measure, ProgressStatus, TimeframeKind

from .conftest import make_framework
from .helpers import REPORTED, new_measure

pytestmark = pytest.mark.django_db

TODAY = "2025-11-15 10:00+07:00"  # 15/11/2568: fiscal year 2569, first quarter


def _item(framework, code, text, tool=Tool.OIT, continues=()):
    item = Item.objects.create(
        framework=framework, tool=tool, code=code, text=text, order=int(code[1:])
    )
    item.predecessors.set(continues)
    return item


@pytest.fixture
def catalogues(framework):
    """2568 (the `framework` fixture: i7, i10, o12) plus o21, o22; 2569 with lineage:
    i7 → i7 (carried), o12 → o11 (renumbered), o21 + o22 → o20 (merged), i10 → nothing."""
    old = {i.code: i for i in framework.items.all()}
    old["o21"] = _item(framework, "o21", "ประกาศเจตนารมณ์ No Gift Policy")
    old["o22"] = _item(framework, "o22", "รายงานการรับทรัพย์สิน")
    new_framework = make_framework(2569)
    new_framework.items.exclude(code="i7").delete()
    new_framework.items.get(code="i7").predecessors.set([old["i7"]])
    _item(new_framework, "o11", "สรุปผลการจัดซื้อจัดจ้างรายเดือน", continues=[old["o12"]])
    _item(
        new_framework, "o20", "การขับเคลื่อนนโยบาย NO GIFT POLICY", continues=[old["o21"], old["o22"]]
    )
    return old, new_framework


@pytest.fixture
def last_year(org, units, framework, catalogues, staff):
    old, _ = catalogues
    procurement = new_measure(
        org,
        units,
        framework,
        staff,
        title="เผยแพร่ผลการจัดซื้อจัดจ้าง",
        items=[old["i7"], old["o12"], old["i10"]],
        timeframe_kind=TimeframeKind.DEADLINE,
        deadline=date(2025, 3, 31),
    )
    rounds = services.rounds_ensure_defaults(organisation=org, year=2568)
    services.progress_entry_record(
        measure=procurement,
        round=rounds[0],
        user=staff,
        status=ProgressStatus.DONE,
        output="ทำแล้ว",
        reported_on=REPORTED,
    )
    new_measure(
        org,
        units,
        framework,
        staff,
        title="ประกาศ No Gift Policy",
        items=[old["o21"], old["o22"]],
        timeframe_kind=TimeframeKind.DEADLINE,
        deadline=date(2024, 10, 30),  # copied: 30/10/2568, already past on 15/11/2568
    )
    new_measure(
        org,
        units,
        framework,
        staff,
        title="อบรมจริยธรรม",
        items=[],
        timeframe_kind=TimeframeKind.QUARTERS,
        quarters=[1],
    )


def test_preview_shows_each_link_and_the_new_dates(org, last_year, time_machine):
    time_machine.move_to(TODAY, tick=False)
    rows = {
        row.measure.title: row
        for row in selectors.measures_copy_plan(org, 2569, date(2025, 11, 15))
    }
    fates = {
        link.old.code: (link.fate, [i.code for i in link.new])
        for link in rows["เผยแพร่ผลการจัดซื้อจัดจ้าง"].links
    }
    assert fates == {
        "i7": ("carried", ["i7"]),
        "o12": ("relinked", ["o11"]),
        "i10": ("dropped", []),
    }
    merged = rows["ประกาศ No Gift Policy"]
    assert [link.fate for link in merged.links] == ["merged", "merged"]
    assert [i.code for i in merged.new_items] == ["o20"]
    assert rows["เผยแพร่ผลการจัดซื้อจัดจ้าง"].deadline == date(2026, 3, 31)
    assert not rows["เผยแพร่ผลการจัดซื้อจัดจ้าง"].moved_to_remaining_time
    assert merged.deadline == date(2026, 9, 30) and merged.moved_to_remaining_time


def test_copy_follows_lineage_and_nothing_is_overdue(org, last_year, staff, time_machine):
    time_machine.move_to(TODAY, tick=False)
    with set_actor(staff):
        result = services.measures_copy_from_previous_year(organisation=org, year=2569, user=staff)
    assert (result.copied, result.skipped) == (3, 0)
    assert (result.carried, result.relinked, result.merged, result.dropped) == (1, 1, 2, 1)
    assert result.moved == 1
    copies = {m.title: m for m in Measure.objects.filter(fiscal_year__year=2569)}
    procurement = copies["เผยแพร่ผลการจัดซื้อจัดจ้าง"]
    assert sorted(i.code for i in procurement.items.all()) == ["i7", "o11"]
    assert all(i.framework.fiscal_year.year == 2569 for i in procurement.items.all())
    assert procurement.unlinked_items == ["i10 การใช้ทรัพย์สิน (ปี 2568)"]
    assert procurement.deadline == date(2026, 3, 31) and procurement.progress.count() == 0
    assert [i.code for i in copies["ประกาศ No Gift Policy"].items.all()] == ["o20"]
    assert copies["อบรมจริยธรรม"].quarters == [1]
    today = date(2025, 11, 15)
    assert not any(selectors.is_overdue(m, today) for m in copies.values())
    assert (
        LogEntry.objects.get_for_object(procurement)
        .filter(actor=staff, action=LogEntry.Action.CREATE)
        .exists()
    )
    again = services.measures_copy_from_previous_year(organisation=org, year=2569, user=staff)
    assert (again.copied, again.skipped) == (0, 3)
    assert Measure.objects.filter(fiscal_year__year=2569).count() == 3


def test_quarters_already_over_move_to_the_quarters_left(
    org, units, framework, catalogues, staff, time_machine
):
    new_measure(
        org,
        units,
        framework,
        staff,
        title="ไตรมาสแรก",
        timeframe_kind=TimeframeKind.QUARTERS,
        quarters=[1],
    )
    time_machine.move_to("2026-05-15 10:00+07:00", tick=False)  # 15/05/2569: third quarter
    services.measures_copy_from_previous_year(organisation=org, year=2569, user=staff)
    copy = Measure.objects.get(fiscal_year__year=2569)
    assert copy.quarters == [3, 4]
    assert not selectors.is_overdue(copy, date(2026, 5, 15))


def test_a_year_already_over_is_refused_in_thai(
    org, units, framework, catalogues, staff, time_machine
):
    new_measure(org, units, framework, staff)
    time_machine.move_to("2026-12-06 10:00+07:00", tick=False)  # fiscal year 2570
    with pytest.raises(ValidationError, match="ปีงบประมาณ 2569 สิ้นสุดแล้ว"):
        services.measures_copy_from_previous_year(organisation=org, year=2569, user=staff)
    assert not Measure.objects.filter(fiscal_year__year=2569).exists()


def test_copy_without_source_is_a_thai_error(org, framework, staff, time_machine):
    time_machine.move_to("2024-11-15 10:00+07:00", tick=False)
    with pytest.raises(ValidationError, match="ไม่มีมาตรการของปีงบประมาณ 2567"):
        services.measures_copy_from_previous_year(organisation=org, year=2568, user=staff)


def test_dropped_links_are_shown_until_the_items_are_edited(
    org, last_year, staff, login, time_machine
):
    time_machine.move_to(TODAY, tick=False)
    services.measures_copy_from_previous_year(organisation=org, year=2569, user=staff)
    copy = Measure.objects.get(fiscal_year__year=2569, title="เผยแพร่ผลการจัดซื้อจัดจ้าง")
    client = login(staff)
    page = client.get(reverse("measures:measure_detail", args=[org.code, copy.pk])).content.decode()
    assert "ไม่มีข้อสืบต่อในปีนี้" in page and "i10 การใช้ทรัพย์สิน (ปี 2568)" in page
    services.measure_update(
        measure=copy,
        user=staff,
        responsible_units=list(copy.responsible_units.all()),
        steps=["ขั้นตอน"],
        items=list(copy.items.all()),
    )
    copy.refresh_from_db()
    assert copy.unlinked_items == []


def test_copy_page_previews_then_reports_what_it_did(org, last_year, staff, login, time_machine):
    time_machine.move_to(TODAY, tick=False)
    client = login(staff)
    url = reverse("measures:measures_copy", args=[org.code, 2569])
    page = client.get(url).content.decode()
    for text in (
        "ยกมา",
        "เปลี่ยนเลขข้อ",
        "รวมกับข้ออื่น",
        "ไม่มีข้อที่สืบต่อ",
        "ยืนยันคัดลอก 3 มาตรการ",
        "ไม่คัดลอกผลการดำเนินการ",
    ):
        assert text in page
    assert "o12 → o11" in page
    done = client.post(url, follow=True).content.decode()
    assert "คัดลอกมาตรการจากปีงบประมาณ 2568 แล้ว 3 รายการ" in done
    assert "ยกมา 1 ข้อ, เปลี่ยนเลขข้อ 1 ข้อ, รวมกับข้ออื่น 2 ข้อ, ไม่มีข้อที่สืบต่อ 1 ข้อ" in done
    assert Measure.objects.filter(fiscal_year__year=2569).count() == 3
    again = client.get(url).content.decode()
    assert "มีอยู่ในปี 2569 แล้ว" in again


def test_a_skipped_year_copies_from_the_year_before_through_both_lineages(
    org, last_year, staff, central_admin, login, time_machine
):
    """On 6 December 2569 the agency plans 2570, but planned nothing in 2569: the copy takes
    2568's measures, following lineage 2568 → 2569 → 2570 (a provisional 2570)."""
    from assessments.lineage import framework_roll_forward
    from assessments.models import Framework

    framework_roll_forward(source=Framework.objects.get(fiscal_year__year=2569), user=central_admin)
    time_machine.move_to("2026-12-06 09:00+07:00", tick=False)
    assert selectors.copy_source_year(org, 2570) == 2568
    rows = {r.measure.title: r for r in selectors.measures_copy_plan(org, 2570, date(2026, 12, 6))}
    procurement = rows["เผยแพร่ผลการจัดซื้อจัดจ้าง"]
    assert {link.old.code: [i.code for i in link.new] for link in procurement.links} == {
        "i7": ["i7"],
        "o12": ["o11"],
        "i10": [],
    }
    assert all(i.framework.fiscal_year.year == 2570 for i in procurement.new_items)
    assert procurement.deadline == date(2027, 3, 31)  # two fiscal years later
    page = (
        login(staff).get(reverse("measures:measures_copy", args=[org.code, 2570])).content.decode()
    )
    assert "คัดลอกมาตรการจากปีงบประมาณ 2568 ไปปี 2570" in page and "o12 → o11" in page
    result = services.measures_copy_from_previous_year(organisation=org, year=2570, user=staff)
    assert (result.source_year, result.copied, result.relinked, result.merged) == (2568, 3, 1, 2)
    assert "คัดลอกมาตรการจากปีงบประมาณ 2568 แล้ว 3 รายการ" in result.summary(2570)


def test_a_copy_past_the_years_limits_copies_nothing(
    org, last_year, staff, time_machine, monkeypatch
):
    from ita_portal import limits

    time_machine.move_to(TODAY, tick=False)
    monkeypatch.setattr(limits, "YEAR_TEXT", 10)
    with pytest.raises(ValidationError, match="ยาวได้ไม่เกิน 10 ตัวอักษร"):
        services.measures_copy_from_previous_year(organisation=org, year=2569, user=staff)
    monkeypatch.setattr(limits, "YEAR_TEXT", 200_000)
    monkeypatch.setattr(limits, "MEASURES_PER_YEAR", 1)
    with pytest.raises(ValidationError, match="ไม่เกิน 1 มาตรการต่อปีงบประมาณ"):
        services.measures_copy_from_previous_year(organisation=org, year=2569, user=staff)
    assert not Measure.objects.filter(fiscal_year__year=2569).exists()
