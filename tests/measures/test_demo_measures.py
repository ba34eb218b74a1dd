"""The demo's measures and progress for 2568: loaded by `load_demo`, idempotent, and showing every
timeframe kind and status."""

import io

import pytest
from django.core.management import call_command

from measures.demo import split_steps
from measures.models import (
    Evidence,
    EvidenceKind,
    Measure,
    MeasureStep,
    ProgressEntry,
    ProgressStatus,
    ReportingRound,
    TimeframeKind,
)
from organisations.demo import DEMO_ORG_CODE

pytestmark = pytest.mark.django_db

ROUND_NAMES = ["รอบ 6 เดือน", "รอบ 12 เดือน"]


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Measure, MeasureStep, ProgressEntry, Evidence, ReportingRound)
    }


def demo_measures():
    return (
        Measure.objects.filter(organisation__code=DEMO_ORG_CODE, fiscal_year__year=2568)
        .prefetch_related("steps", "items", "responsible_units", "progress__round")
        .order_by("order")
    )


@pytest.fixture
def demo_output(settings):
    settings.DEBUG = True
    call_command("load_framework", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_twice_adds_nothing(demo_output):
    first = counts()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == first
    assert first["Measure"] >= 6
    summary = demo_output.strip().splitlines()[-1]
    assert summary == out.getvalue().strip().splitlines()[-1]


def test_output_has_summary(demo_output):
    # The 2568 story (the demo also plans the current fiscal year: tests/test_demo.py).
    measures = Measure.objects.filter(
        organisation__code=DEMO_ORG_CODE, fiscal_year__year=2568
    ).count()
    entries = ProgressEntry.objects.filter(
        measure__organisation__code=DEMO_ORG_CODE, measure__fiscal_year__year=2568
    ).count()
    assert (
        f"มาตรการปี 2568: {measures} รายการ, ผลการดำเนินการ {entries} รายการ "
        "(รอบ 6 เดือน, รอบ 12 เดือน)"
    ) in demo_output


def test_demo_rounds_are_the_defaults(demo_output):
    rounds = ReportingRound.objects.filter(
        organisation__code=DEMO_ORG_CODE, fiscal_year__year=2568
    ).order_by("end_date")
    assert [r.name for r in rounds] == ROUND_NAMES


def test_demo_measures_have_steps_units_and_items(demo_output):
    measures = list(demo_measures())
    assert 6 <= len(measures) <= 8
    for measure in measures:
        assert measure.steps.all(), measure.title
        assert measure.responsible_units.all(), measure.title
        assert "■" not in measure.title and "<" not in measure.title
        for step in measure.steps.all():
            assert not step.text.startswith(("๑", "๒", "๓", "๔"))
    linked = {item.code for m in measures for item in m.items.all()}
    assert {"i10", "o12", "o14"} <= linked

    assets = Measure.objects.get(title="ระบบตรวจสอบควบคุมการใช้ทรัพย์สินของราชการ")
    assert {i.code for i in assets.items.all()} == {"i10", "i11", "i12"}
    assert assets.responsible_units.count() == 4
    assert assets.steps.count() == 4
    assert assets.goal and assets.expected_output and assets.expected_outcome
    assert "i10 ได้ 1.29 คะแนน" in assets.problem


def test_demo_shows_every_timeframe_kind(demo_output):
    measures = list(demo_measures())
    assert {m.timeframe_kind for m in measures} == set(TimeframeKind.values)
    texts = [m.timeframe_text() for m in measures]
    assert any(t.startswith("ไตรมาส 2") for t in texts)
    assert any(t.startswith("ภายในวันที่") for t in texts)
    assert "1 ตุลาคม 2567 – 30 กันยายน 2568" in texts


def test_demo_progress_in_both_rounds_with_every_status(demo_output):
    entries = ProgressEntry.objects.filter(
        measure__organisation__code=DEMO_ORG_CODE
    ).select_related("round", "reporter", "measure")
    assert {e.round.name for e in entries} == set(ROUND_NAMES)
    assert {e.status for e in entries} == set(ProgressStatus.values)
    assert any(
        e.status == ProgressStatus.NOT_STARTED and e.round.name == "รอบ 6 เดือน" for e in entries
    )
    measures = list(demo_measures())
    both = [m for m in measures if {e.round.name for e in m.progress.all()} == set(ROUND_NAMES)]
    assert len(both) > len(measures) / 2
    for entry in entries:
        assert entry.reporter.username == "staff"
        assert entry.round.start_date <= entry.reported_on <= entry.round.end_date
        if entry.status == ProgressStatus.DONE:
            assert entry.output


def test_demo_has_link_evidence(demo_output):
    links = Evidence.objects.filter(
        progress_entry__measure__organisation__code=DEMO_ORG_CODE, kind=EvidenceKind.LINK
    )
    assert links.count() >= 2
    assert all(e.url.startswith("https://") and e.title for e in links)


def test_reload_restores_a_deleted_measure_and_keeps_edits(demo_output):
    before = counts()
    entry = ProgressEntry.objects.filter(
        measure__organisation__code=DEMO_ORG_CODE, measure__order=1
    ).first()
    entry.output = "แก้ไขระหว่างทดลองใช้"
    entry.save()
    measure = Measure.objects.get(title="ระบบตรวจสอบควบคุมการใช้ทรัพย์สินของราชการ")
    measure.delete()

    call_command("load_demo", stdout=io.StringIO())

    assert counts() == before
    entry.refresh_from_db()
    assert entry.output == "แก้ไขระหว่างทดลองใช้"
    assert Measure.objects.filter(title="ระบบตรวจสอบควบคุมการใช้ทรัพย์สินของราชการ").exists()


def test_split_steps_on_thai_numerals():
    assert split_steps("๑. จัดทำแบบประเมิน ๒.เพิ่มช่องทาง") == ["จัดทำแบบประเมิน", "เพิ่มช่องทาง"]
    assert split_steps("๑. ประกาศ พ.ศ. 2568 ๑๐. รายงาน") == ["ประกาศ พ.ศ. 2568", "รายงาน"]
