"""The grading rule is data: AA–F bands up to 2566, five named levels from 2567."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from assessments.grading import grade_for
from assessments.models import Framework

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalogue():
    call_command("load_framework", stdout=io.StringIO())


def _bands(year, variant=""):
    return list(Framework.objects.get(fiscal_year__year=year, variant=variant).bands.all())


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (D("100"), "AA"),
        (D("95.00"), "AA"),
        (D("94.99"), "A"),
        (D("85.00"), "A"),
        (D("84.99"), "B"),
        (D("64.99"), "D"),  # not C (a bug in one public dashboard)
        (D("50.00"), "E"),
        (D("49.99"), "F"),
        (D("0"), "F"),
    ],
)
def test_aa_to_f_bands_2566(total, label):
    assert grade_for(_bands(2566), total=total).label == label


@pytest.mark.parametrize(
    ("total", "tools", "label"),
    [
        (D("96"), {"IIT": D("99"), "EIT": D("95"), "OIT": D("95")}, "ผ่านดีเยี่ยม"),
        (D("96"), {"IIT": D("99"), "EIT": D("94.99"), "OIT": D("97")}, "ผ่านดี"),
        (D("90.77"), {"IIT": D("93"), "EIT": D("90"), "OIT": D("88")}, "ผ่านดี"),
        (D("88"), {"IIT": D("99"), "EIT": D("99"), "OIT": D("70")}, "ผ่าน"),
        (D("84.99"), {"IIT": D("99"), "EIT": D("99"), "OIT": D("60")}, "ต้องปรับปรุง"),
        (D("69.99"), None, "ต้องปรับปรุงโดยด่วน"),
    ],
)
def test_five_levels_from_2567(total, tools, label):
    assert grade_for(_bands(2568, "อปท."), total=total, tools=tools).label == label


def test_level_needing_tool_scores_is_not_claimed_without_them():
    assert grade_for(_bands(2567), total=D("97")).label == "ผ่าน"
