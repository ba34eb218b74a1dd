"""Computed scores next to the official ones (seed 004's real figures), rounding, tools, total and
the level by each year's grading rule."""

import io
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from assessments.models import Assessment, FiscalYear, Score, ScoreKind
from assessments.scoring import Figure, score_sheet
from assessments.selectors import assessments_for_organisation, framework_for_organisation

pytestmark = pytest.mark.django_db

SEED_SCORES = Path(settings.BASE_DIR) / "fixtures" / "demo-scores-2568.json"


@pytest.fixture
def catalogue(db):
    call_command("load_framework", stdout=io.StringIO())


def new_assessment(org, year: int) -> Assessment:
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    return Assessment.objects.create(
        organisation=org,
        fiscal_year=fiscal_year,
        framework=framework_for_organisation(org, year),
    )


def add_scores(assessment: Assessment, kind: str, scores: dict) -> None:
    Score.objects.bulk_create(
        Score(assessment=assessment, kind=kind, code=code, score=D(str(value)))
        for code, value in scores.items()
    )


def seed_assessment(org, year: int = 2568) -> Assessment:
    """Seed 004's official indicator and item scores (fixtures/demo-scores-2568.json)."""
    data = json.loads(SEED_SCORES.read_text(encoding="utf-8"))
    assessment = new_assessment(org, year)
    add_scores(
        assessment, ScoreKind.INDICATOR, {f"ind{n}": v for n, v in data["indicators"].items()}
    )
    add_scores(assessment, ScoreKind.ITEM, data["items"])
    return assessment


def sheet_of(org, year: int):
    """The score sheet as the pages build it (prefetched through the selector)."""
    assessment = next(
        a for a in assessments_for_organisation(org, until=year) if a.fiscal_year.year == year
    )
    return score_sheet(assessment)


def indicator(sheet, number: int):
    return next(r for r in sheet.indicators if r.number == number)


# ---------------------------------------------------------------- seed 004


def test_seed_004_indicators_1_and_4_equal_the_mean_of_their_items(org, catalogue):
    seed_assessment(org)
    sheet = sheet_of(org, 2568)
    first, fourth = indicator(sheet, 1), indicator(sheet, 4)
    assert (first.figure.official, first.figure.computed) == (D("99.78"), D("99.78"))
    assert (fourth.figure.official, fourth.figure.computed) == (D("67.10"), D("67.10"))
    assert not first.figure.differs and not fourth.figure.differs
    assert [(i.code, i.score) for i in fourth.items] == [
        ("i10", D("1.29")),
        ("i11", D("100")),
        ("i12", D("100")),
    ]


def test_seed_004_indicators_6_and_7_are_flagged_with_both_numbers(org, catalogue):
    seed_assessment(org)
    sheet = sheet_of(org, 2568)
    sixth, seventh = indicator(sheet, 6), indicator(sheet, 7)
    # mean(e1, e2, e3) = mean(79.05, 82.86, 100) = 87.30; mean(e4, e5, e6) = 84.76
    assert (sixth.figure.official, sixth.figure.computed) == (D("92.52"), D("87.30"))
    assert (seventh.figure.official, seventh.figure.computed) == (D("91.49"), D("84.76"))
    assert sixth.figure.differs and seventh.figure.differs
    assert sixth.figure.difference == D("5.22")
    # Official figures win: the value shown and graded is the official one.
    assert sixth.figure.value == D("92.52")
    flagged = {r.number for r in sheet.indicators if r.figure.differs}
    assert {6, 7} <= flagged and not {1, 4} & flagged


def test_seed_004_tools_total_and_level(org, catalogue):
    seed_assessment(org)
    sheet = sheet_of(org, 2568)
    assert {t: f.value for t, f in sheet.tools.items()} == {
        "IIT": D("93.20"),
        "EIT": D("91.94"),
        "OIT": D("86.75"),
    }
    assert sheet.total.official is None  # seed 004 prints no total
    assert sheet.total.value == D("90.24")  # 93.20 × 30% + 91.94 × 30% + 86.75 × 40%
    assert sheet.level.label == "ผ่านดี"  # ≥ 85 and every tool ≥ 85, one tool < 95


# ---------------------------------------------------------------- rounding tolerance


@pytest.mark.parametrize(
    ("official", "differs"),
    [("80.00", False), ("80.01", False), ("79.99", False), ("80.02", True), ("79.98", True)],
)
def test_a_difference_of_one_hundredth_is_rounding(org, catalogue, official, differs):
    assessment = new_assessment(org, 2568)
    add_scores(assessment, ScoreKind.ITEM, {"i1": 80, "i2": 80, "i3": 80})
    add_scores(assessment, ScoreKind.INDICATOR, {"ind1": official})
    figure = indicator(sheet_of(org, 2568), 1).figure
    assert figure.computed == D("80.00")
    assert figure.differs is differs


def test_figure_edges():
    assert not Figure(D("50.01"), D("50.00")).differs
    assert Figure(D("50.02"), D("50.00")).differs
    assert not Figure(None, D("50")).differs and not Figure(D("50"), None).differs
    assert Figure(None, D("50")).value == D("50")
    assert Figure(D("40"), D("50")).value == D("40")


# ---------------------------------------------------------------- tools and total


def test_tools_are_means_of_indicators_and_total_uses_weights_30_30_40(org, catalogue):
    assessment = new_assessment(org, 2568)
    add_scores(
        assessment,
        ScoreKind.INDICATOR,
        {
            **{f"ind{n}": v for n, v in zip(range(1, 6), [90, 80, 70, 60, 100], strict=True)},
            **{f"ind{n}": 90 for n in range(6, 9)},
            "ind9": 70,
            "ind10": 80,
        },
    )
    sheet = sheet_of(org, 2568)
    assert {t: f.computed for t, f in sheet.tools.items()} == {
        "IIT": D("80.00"),
        "EIT": D("90.00"),
        "OIT": D("75.00"),
    }
    assert sheet.total.computed == D("81.00")  # 24 + 27 + 30
    assert sheet.level.label == "ต้องปรับปรุง"
    assert sheet.differences == 0


def test_total_is_checked_against_the_official_tools(org, catalogue):
    assessment = new_assessment(org, 2568)
    add_scores(assessment, ScoreKind.INDICATOR, {f"ind{n}": 90 for n in range(1, 11)})
    add_scores(assessment, ScoreKind.TOOL, {"IIT": 80})  # official, differs from mean 90
    add_scores(assessment, ScoreKind.TOTAL, {"TOTAL": "87.00"})
    sheet = sheet_of(org, 2568)
    assert sheet.tools["IIT"].differs
    assert sheet.total.computed == D("87.00")  # 80 × 30% + 90 × 30% + 90 × 40%
    assert not sheet.total.differs
    assert sheet.differences == 1


# ---------------------------------------------------------------- levels at band edges


@pytest.mark.parametrize(
    ("total", "label"),
    [("95.00", "AA"), ("94.99", "A"), ("85.00", "A"), ("84.99", "B"), ("49.99", "F")],
)
def test_level_by_aa_to_f_bands(org, catalogue, total, label):
    assessment = new_assessment(org, 2566)
    assert assessment.framework.grading_kind == "bands"
    add_scores(assessment, ScoreKind.TOTAL, {"TOTAL": total})
    assert sheet_of(org, 2566).level.label == label


@pytest.mark.parametrize(
    ("total", "tools", "label"),
    [
        ("95.00", ("95.00", "95.00", "99.00"), "ผ่านดีเยี่ยม"),
        ("95.00", ("95.00", "94.99", "99.00"), "ผ่านดี"),
        ("85.00", ("85.00", "84.99", "90.00"), "ผ่าน"),
        ("84.99", ("99.00", "99.00", "99.00"), "ต้องปรับปรุง"),
        ("69.99", ("70.00", "70.00", "70.00"), "ต้องปรับปรุงโดยด่วน"),
    ],
)
def test_level_by_the_five_levels(org, catalogue, total, tools, label):
    assessment = new_assessment(org, 2568)
    assert assessment.framework.grading_kind == "levels"
    add_scores(assessment, ScoreKind.TOOL, dict(zip(("IIT", "EIT", "OIT"), tools, strict=True)))
    add_scores(assessment, ScoreKind.TOTAL, {"TOTAL": total})
    assert sheet_of(org, 2568).level.label == label


# ---------------------------------------------------------------- missing figures


def test_an_assessment_without_scores_has_no_figures_and_no_level(org, catalogue):
    new_assessment(org, 2568)
    sheet = sheet_of(org, 2568)
    assert len(sheet.indicators) == 10
    assert all(r.figure.value is None for r in sheet.indicators)
    assert all(f.value is None for f in sheet.tools.values())
    assert sheet.total.value is None and sheet.level is None
    assert sheet.differences == 0


def test_missing_items_and_indicators(org, catalogue):
    assessment = new_assessment(org, 2568)
    add_scores(assessment, ScoreKind.ITEM, {"i1": 90, "i2": 70})  # i3 missing
    add_scores(assessment, ScoreKind.INDICATOR, {"ind2": 88})
    sheet = sheet_of(org, 2568)
    first = indicator(sheet, 1)
    assert first.figure.computed == D("80.00")  # the mean of the items there are
    assert [i.score for i in first.items] == [D("90"), D("70"), None]
    assert indicator(sheet, 2).figure.computed is None  # no items scored
    assert indicator(sheet, 2).figure.value == D("88")
    assert indicator(sheet, 3).figure.value is None
    # A tool needs every one of its indicators; the total needs every tool.
    assert sheet.tools["IIT"].value is None
    assert sheet.total.value is None and sheet.level is None
