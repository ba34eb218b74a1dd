"""The database keeps the limits the forms enforce (ita_portal.limits): no path stores more."""

import pytest
from django.db import IntegrityError, transaction

from ita_portal import limits
from measures.models import Measure, MeasureStep
from tests.measures.helpers import new_measure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [(Measure, "title", limits.TITLE), (MeasureStep, "text", limits.SHORT)],
)
def test_the_database_refuses_what_a_form_would(org, units, framework, model, field, limit):
    measure = new_measure(org, units, framework)
    row = measure if model is Measure else measure.steps.first()
    model.objects.filter(pk=row.pk).update(**{field: "ก" * limit})  # at the limit: kept
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "ก" * (limit + 1)})
    row.refresh_from_db()
    assert len(getattr(row, field)) == limit


# ---------------------------------------------------------------- the year as a whole


def _year_total(org):
    from measures.services import year_text_length

    year_id = Measure.objects.filter(organisation=org).values_list("fiscal_year_id", flat=True)[0]
    return year_text_length(org, year_id)


def test_the_year_text_counts_measures_steps_and_progress(org, units, framework, staff):
    from datetime import date

    from measures.services import progress_entry_record, rounds_ensure_defaults

    measure = new_measure(org, units, framework, staff, title="ก" * 10, problem="ข" * 7)
    assert _year_total(org) == 10 + 7 + len("จัดทำคำสั่งมอบหมาย") + len("เผยแพร่บนเว็บไซต์")
    rounds = rounds_ensure_defaults(organisation=org, year=2568)
    before = _year_total(org)
    progress_entry_record(
        measure=measure,
        round=rounds[0],
        user=staff,
        status="done",
        output="ค" * 11,
        outcome="ง" * 3,
        recommendations="จ",
        reported_on=date(2025, 3, 1),
    )
    assert _year_total(org) == before + 15


def test_a_measure_past_the_years_text_is_refused_whole(org, units, framework, staff, monkeypatch):
    from django.core.exceptions import ValidationError

    first = new_measure(org, units, framework, staff)
    monkeypatch.setattr(limits, "YEAR_TEXT", _year_total(org) + 100)
    steps_before = MeasureStep.objects.count()
    with pytest.raises(ValidationError) as refused:
        new_measure(org, units, framework, staff, title="มาตรการที่สอง", problem="ก" * 200)
    message = refused.value.messages[0]
    assert "ปีงบประมาณ 2568" in message and f"{limits.YEAR_TEXT:,} ตัวอักษร" in message
    assert f"{_year_total(org) + len('มาตรการที่สอง') + 200 + 35:,}" in message
    assert Measure.objects.count() == 1 and MeasureStep.objects.count() == steps_before
    # An edit past it is refused too, and the measure keeps what it had.
    from measures.services import measure_update

    with pytest.raises(ValidationError, match="ยาวได้ไม่เกิน"):
        measure_update(measure=first, user=staff, responsible_units=[units[0]], steps=["ก" * 150])
    first.refresh_from_db()
    assert [s.text for s in first.steps.all()] == ["จัดทำคำสั่งมอบหมาย", "เผยแพร่บนเว็บไซต์"]


def test_progress_past_the_years_text_is_refused(org, units, framework, staff, monkeypatch):
    from datetime import date

    from django.core.exceptions import ValidationError

    from measures.models import ProgressEntry
    from measures.services import progress_entry_record, rounds_ensure_defaults

    measure = new_measure(org, units, framework, staff)
    rounds = rounds_ensure_defaults(organisation=org, year=2568)
    monkeypatch.setattr(limits, "YEAR_TEXT", _year_total(org) + 50)
    with pytest.raises(ValidationError, match="ยังไม่ได้บันทึก"):
        progress_entry_record(
            measure=measure,
            round=rounds[0],
            user=staff,
            status="done",
            output="ก" * 51,
            reported_on=date(2025, 3, 1),
        )
    assert not ProgressEntry.objects.exists()


def test_the_form_shows_the_years_limit_and_keeps_nothing(
    client, org, units, framework, staff, monkeypatch
):
    from django.urls import reverse

    from tests.measures.helpers import valid_post

    new_measure(org, units, framework, staff)
    monkeypatch.setattr(limits, "YEAR_TEXT", _year_total(org) + 20)
    client.force_login(staff)
    response = client.post(
        reverse("measures:measure_create", args=[org.code, 2568]), valid_post(units, framework)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "ข้อความของมาตรการทั้งปีงบประมาณ 2568" in page and "ยังไม่ได้บันทึก" in page
    assert Measure.objects.count() == 1


def test_measures_and_steps_have_a_count_limit(org, units, framework, staff, monkeypatch):
    from django.core.exceptions import ValidationError

    new_measure(org, units, framework, staff)
    monkeypatch.setattr(limits, "MEASURES_PER_YEAR", 1)
    with pytest.raises(ValidationError, match="ไม่เกิน 1 มาตรการต่อปีงบประมาณ"):
        new_measure(org, units, framework, staff, title="มาตรการที่สอง")
    monkeypatch.setattr(limits, "MEASURES_PER_YEAR", 5)
    with pytest.raises(ValidationError) as refused:
        new_measure(org, units, framework, staff, steps=[f"ขั้น {n}" for n in range(31)])
    assert refused.value.message_dict["steps"] == [
        "มาตรการหนึ่งมีขั้นตอนได้ไม่เกิน 30 ขั้นตอน (กรอกมา 31 ขั้นตอน)"
    ]
    assert Measure.objects.count() == 1


def test_a_too_long_step_is_named_and_not_mistaken_for_no_step(
    client, org, units, framework, staff
):
    """A trial saw "กรุณาระบุขั้นตอน…อย่างน้อย 1 ขั้นตอน" when the only problem was a step
    over its limit, and "ส่งได้ไม่เกิน 30 รายการ" for a 31st step."""
    from django.urls import reverse

    from tests.measures.helpers import valid_post

    client.force_login(staff)
    url = reverse("measures:measure_create", args=[org.code, 2568])
    page = client.post(
        url, valid_post(units, framework, **{"steps-0-text": "ก" * (limits.SHORT + 1)})
    ).content.decode()
    assert f"ยาวได้ไม่เกิน {limits.SHORT:,} ตัวอักษร (กรอกมา {limits.SHORT + 1:,} ตัวอักษร)" in page
    assert "อย่างน้อย 1 ขั้นตอน</div>" not in page and 'id="steps-errors"' not in page
    many = {"steps-TOTAL_FORMS": "31"} | {f"steps-{n}-text": f"ขั้น {n}" for n in range(31)}
    page = client.post(url, valid_post(units, framework, **many)).content.decode()
    assert 'id="steps-errors"' in page
    assert "มาตรการหนึ่งมีขั้นตอนได้ไม่เกิน 30 ขั้นตอน กรุณารวมขั้นตอนที่ใกล้เคียงกัน" in page
    assert Measure.objects.count() == 0
