"""Which year each page talks about, on any date (issue 14): the planning year, the latest
results and the OIT year come from one selector, and the landing pages agree with it."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.lineage import framework_roll_forward
from assessments.models import Framework
from assessments.selectors import years_for
from tests.assessments.test_scoring import seed_assessment

pytestmark = pytest.mark.django_db

# (the clock, the fiscal year it falls in)
DATES = [
    ("2024-10-01 08:00+07:00", 2568),  # 1 October: the first day of fiscal year 2568
    ("2024-02-29 12:00+07:00", 2567),  # 29 February 2567
    ("2025-09-30 23:30+07:00", 2568),  # the day before a new fiscal year
    ("2025-10-01 00:30+07:00", 2569),  # the day after
    ("2026-12-06 09:00+07:00", 2570),  # a year whose catalogue is not published
    ("2027-05-15 09:00+07:00", 2570),
]


@pytest.fixture
def scored(org):
    call_command("load_framework", stdout=io.StringIO())
    seed_assessment(org)


@pytest.mark.parametrize(("clock", "year"), DATES)
def test_the_selector_answers_from_the_date_and_the_data(org, scored, time_machine, clock, year):
    time_machine.move_to(clock, tick=False)
    years = years_for(org)
    assert years.planning == year
    assert years.latest_results == 2568
    assert years.oit == year and not years.oit_window_open  # no ITAS window entered
    if year == 2570:
        assert years.planning_framework is None  # not published, not rolled forward
    else:
        assert years.planning_framework.fiscal_year.year == year


def test_the_oit_year_is_the_open_window_else_the_next_one(org, scored, time_machine):
    framework_2568 = Framework.objects.get(fiscal_year__year=2568, variant="อปท.")
    framework_2568.oit_opens_on, framework_2568.oit_deadline = date(2025, 1, 5), date(2025, 2, 28)
    framework_2568.save()
    time_machine.move_to("2024-12-20 09:00+07:00", tick=False)
    assert (years_for(org).oit, years_for(org).oit_window_open) == (2568, False)
    time_machine.move_to("2025-01-20 09:00+07:00", tick=False)
    assert (years_for(org).oit, years_for(org).oit_window_open) == (2568, True)
    time_machine.move_to("2025-03-01 09:00+07:00", tick=False)
    assert years_for(org).oit == 2568  # the window passed: the planning year


@pytest.mark.parametrize(("clock", "year"), DATES)
@pytest.mark.parametrize("persona", ["staff", "approver", "org_admin", "central_admin"])
def test_every_landing_page_works_and_agrees_on_its_years(
    request, login, org, scored, time_machine, clock, year, persona
):
    time_machine.move_to(clock, tick=False)
    client = login(request.getfixturevalue(persona))
    page = client.get(reverse("dashboard")).content.decode()
    assert f"ปีงบประมาณ พ.ศ. {year}" in page
    if persona == "staff":
        assert reverse("measures:measure_list", args=[org.code, year]) in page
        assert reverse("scores:assessment_detail", args=[org.code, 2568]) in page
        assert reverse("oit:board", args=[org.code, year]) in page
        # No card talks about another planning year.
        assert reverse("measures:measure_list", args=[org.code, year - 1]) not in page
    if persona != "central_admin":
        assert f"กรอบการประเมินปี {year}" in page
        if year == 2570:
            assert "ยังไม่ประกาศกรอบการประเมินของปี" in page
    else:
        missing = year == 2570
        assert ('id="framework-missing-alert"' in page) == missing


@pytest.mark.parametrize(("clock", "year"), DATES)
def test_the_measure_form_and_board_work_on_any_date(
    login, org, scored, staff, time_machine, clock, year
):
    time_machine.move_to(clock, tick=False)
    client = login(staff)
    form = client.get(reverse("measures:measure_create", args=[org.code, year]))
    assert form.status_code == 200
    board = client.get(reverse("oit:board", args=[org.code, year]))
    assert board.status_code == 200
    copy = client.get(reverse("measures:measures_copy", args=[org.code, year]))
    assert copy.status_code == 200
    analysis = client.get(reverse("measures:analysis_edit", args=[org.code, 2568]))
    assert analysis.status_code == 200 and "ประเด็นที่ 1" in analysis.content.decode()
    if year == 2570:
        assert "ยังไม่ประกาศกรอบการประเมินปี" in form.content.decode()
    elif year in (2568, 2569):  # 2567's catalogue ships no item text (no source)
        assert 'name="items"' in form.content.decode()


def test_a_provisional_year_plans_at_once(login, org, scored, staff, central_admin, time_machine):
    time_machine.move_to("2026-12-06 09:00+07:00", tick=False)
    framework_roll_forward(source=Framework.objects.get(fiscal_year__year=2569), user=central_admin)
    client = login(staff)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "ยังไม่ประกาศ</span>" in dashboard
    form = client.get(reverse("measures:measure_create", args=[org.code, 2570])).content.decode()
    assert 'name="items"' in form and "ยังไม่ประกาศ" in form
    board = client.get(reverse("oit:board", args=[org.code, 2570])).content.decode()
    assert "ยังไม่ประกาศ" in board and "o26" in board
