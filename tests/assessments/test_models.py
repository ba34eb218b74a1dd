"""Database constraints of the ITA catalogue."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from assessments.models import FiscalYear, Framework, GradeBand, Indicator, Item, Tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    year = FiscalYear.objects.create(year=2568)
    return Framework.objects.create(
        fiscal_year=year,
        name="ITA 2568",
        weight_iit=30,
        weight_eit=30,
        weight_oit=40,
        grading_kind="levels",
    )


def test_fiscal_year_dates_are_derived():
    year = FiscalYear.objects.create(year=2568)
    assert (year.start.isoformat(), year.end.isoformat()) == ("2024-10-01", "2025-09-30")


@pytest.mark.parametrize("bad_year", [2024, 1999, 2800])
def test_fiscal_year_must_be_buddhist_era(bad_year):
    with pytest.raises(IntegrityError), transaction.atomic():
        FiscalYear.objects.create(year=bad_year)


def test_weights_must_sum_to_100(framework):
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(
            fiscal_year=framework.fiscal_year,
            variant="อปท.",
            name="x",
            weight_iit=30,
            weight_eit=30,
            weight_oit=30,
            grading_kind="bands",
        )


def test_one_framework_per_year_and_variant(framework):
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(
            fiscal_year=framework.fiscal_year,
            name="dup",
            weight_iit=30,
            weight_eit=30,
            weight_oit=40,
            grading_kind="bands",
        )


@pytest.mark.parametrize(
    ("number", "tool"), [(1, Tool.EIT), (6, Tool.IIT), (9, Tool.EIT), (11, Tool.OIT)]
)
def test_indicator_number_must_match_tool(framework, number, tool):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(framework=framework, number=number, name="x", tool=tool)


@pytest.mark.parametrize(
    ("code", "tool"),
    [("e1", Tool.IIT), ("I1", Tool.IIT), ("o0", Tool.OIT), ("x1", Tool.OIT), ("i", Tool.IIT)],
)
def test_item_code_must_match_tool(framework, code, tool):
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(framework=framework, code=code, tool=tool, text="ข้อความ")


def test_item_code_unique_in_framework_and_text_required(framework):
    Item.objects.create(framework=framework, code="o27", tool=Tool.OIT, text="มาตรการ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(framework=framework, code="o27", tool=Tool.OIT, text="ซ้ำ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(framework=framework, code="o28", tool=Tool.OIT, text="")


def test_band_thresholds_within_0_100(framework):
    with pytest.raises(IntegrityError), transaction.atomic():
        GradeBand.objects.create(framework=framework, order=1, label="AA", min_total=Decimal("101"))
