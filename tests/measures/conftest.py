"""A small 2568 catalogue and units for the measures tests (faster than loading every year)."""

import pytest

from assessments.models import FiscalYear, Framework, GradeBand, Indicator, Item, Tool
from measures.services import rounds_ensure_defaults
from tests.factories import UnitFactory


def make_framework(year: int, variant: str = "อปท.") -> Framework:
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    framework = Framework.objects.create(
        fiscal_year=fiscal_year,
        variant=variant,
        name=f"ITA {year}",
        weight_iit=30,
        weight_eit=30,
        weight_oit=40,
        grading_kind="levels",
    )
    GradeBand.objects.create(framework=framework, order=1, label="ผ่าน", min_total=0)
    ind2 = Indicator.objects.create(
        framework=framework, number=2, name="การใช้งบประมาณ", tool=Tool.IIT
    )
    ind4 = Indicator.objects.create(
        framework=framework, number=4, name="การใช้ทรัพย์สินของราชการ", tool=Tool.IIT
    )
    ind9 = Indicator.objects.create(
        framework=framework, number=9, name="การเปิดเผยข้อมูล", tool=Tool.OIT
    )
    Item.objects.create(
        framework=framework, indicator=ind2, tool=Tool.IIT, code="i7", text="การใช้งบประมาณ", order=1
    )
    Item.objects.create(
        framework=framework, indicator=ind4, tool=Tool.IIT, code="i10", text="การใช้ทรัพย์สิน", order=2
    )
    Item.objects.create(
        framework=framework, indicator=ind9, tool=Tool.OIT, code="o12", text="การจัดซื้อจัดจ้าง", order=3
    )
    return framework


@pytest.fixture
def framework(db):
    return make_framework(2568)


@pytest.fixture
def units(org):
    return [
        UnitFactory(organisation=org, name="สำนักปลัด", order=1),
        UnitFactory(organisation=org, name="กองคลัง", order=2),
    ]


@pytest.fixture
def rounds(org, framework):
    return rounds_ensure_defaults(organisation=org, year=2568)
