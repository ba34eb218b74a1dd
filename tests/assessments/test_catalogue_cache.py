"""The catalogue is loaded once per process and framework (selectors.attach_structure), and every
way of changing it is seen on the next read: in this process at once, and in any other process
through the framework's new `updated_at`."""

import io
from dataclasses import replace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.catalogue import framework_save, load_json_file
from assessments.demo import load_scores_demo
from assessments.models import Assessment, Framework, GradeBand, Indicator, Item
from assessments.scoring import score_sheet
from assessments.selectors import assessments_for_organisation, forget_structures
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FRAMEWORK_2568 = settings.ITA_FRAMEWORK_DIR / "framework-2568-lao.json"


@pytest.fixture
def scored(org):
    """The demo organisation with five years of scores (2564–2568), each under its framework."""
    call_command("load_framework", stdout=io.StringIO())
    load_scores_demo()
    return org


def _sheets(org):
    return {a.fiscal_year.year: score_sheet(a) for a in assessments_for_organisation(org)}


def _latest(org):
    return _sheets(org)[2568]


def test_the_catalogue_is_read_once_per_process_and_gives_the_same_sheets(scored):
    forget_structures()  # the demo loader has read the 2568 one already
    with CaptureQueriesContext(connection) as cold:
        first = _sheets(scored)
    with CaptureQueriesContext(connection) as warm:
        again = _sheets(scored)
    # Assessments and scores; then bands, indicators, their items, areas, area items (all years).
    assert len(cold.captured_queries) == 7
    assert len(warm.captured_queries) == 2
    assert again == first and len(first) == 5
    # The same sheets as a plain prefetch of everything, the selector's way before the memo.
    plain = (
        Assessment.objects.filter(organisation=scored)
        .select_related("fiscal_year", "framework", "organisation")
        .prefetch_related(
            "scores",
            "framework__bands",
            Prefetch(
                "framework__indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("items", queryset=Item.objects.filter(is_retired=False))
                ),
            ),
            "framework__analysis_areas__items",
        )
    )
    assert {a.fiscal_year.year: score_sheet(a) for a in plain} == first
    areas = {
        a.fiscal_year.year: [
            (area.number, area.name, [i.code for i in area.items.all()])
            for area in a.framework.analysis_areas.all()
        ]
        for a in plain
    }
    assert {
        a.fiscal_year.year: [
            (area.number, area.name, [i.code for i in area.items.all()])
            for area in a.framework.analysis_areas.all()
        ]
        for a in assessments_for_organisation(scored)
    } == areas


def _framework(org) -> Framework:
    return Assessment.objects.get(organisation=org, fiscal_year__year=2568).framework


def _rename_band(org):
    # Fetched afresh: what the memo holds is shared, read-only.
    band = GradeBand.objects.get(pk=_latest(org).level.pk)
    band.label = "ระดับที่แก้ไขแล้ว"
    band.save()
    return lambda sheet: sheet.level.label == "ระดับที่แก้ไขแล้ว"


def _rename_indicator(org):
    indicator = _framework(org).indicators.get(number=1)
    indicator.name = "ตัวชี้วัดที่แก้ไขแล้ว"
    indicator.save()
    return lambda sheet: sheet.indicators[0].name == "ตัวชี้วัดที่แก้ไขแล้ว"


def _edit_item(org):
    item = _framework(org).items.get(code="i1")
    item.text = "ข้อความที่แก้ไขแล้ว"
    item.save()
    return lambda sheet: sheet.indicators[0].items[0].text == "ข้อความที่แก้ไขแล้ว"


def _change_weights(org):
    before = _latest(org).total.computed
    framework = _framework(org)
    framework.weight_iit, framework.weight_oit = framework.weight_oit, framework.weight_iit
    framework.save()
    return lambda sheet: sheet.total.computed != before


def _retire_in_admin(org):
    client = _admin_client()
    item = _framework(org).items.get(code="i1")
    response = client.post(
        reverse("admin:assessments_item_changelist"),
        {"action": "retire", "_selected_action": [item.pk]},
    )
    assert response.status_code == 302
    return lambda sheet: "i1" not in [row.code for row in sheet.indicators[0].items]


def _delete_in_admin(org):
    client = _admin_client()
    item = _framework(org).items.get(code="i1")
    response = client.post(
        reverse("admin:assessments_item_changelist"),
        {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not Item.objects.filter(pk=item.pk).exists()
    return lambda sheet: "i1" not in [row.code for row in sheet.indicators[0].items]


def _delete_band(org):
    band = GradeBand.objects.get(pk=_latest(org).level.pk)
    band.delete()
    return lambda sheet: sheet.level is None or sheet.level.label != band.label


def _move_area_item(org):
    area = _framework(org).analysis_areas.order_by("number").first()
    item = area.items.order_by("code").first()
    item.analysis_areas.remove(area)  # the reverse side of the m2m
    code = item.code
    return lambda sheet: (
        code
        not in [
            i.code
            for a in sheet.assessment.framework.analysis_areas.all()
            if a.number == area.number
            for i in a.items.all()
        ]
    )


def _reload_with_update(org):
    data = load_json_file(FRAMEWORK_2568)
    data.indicators[0]["name"] = "ชื่อจากไฟล์ที่ปรับปรุง"
    framework_save(data=data, update=True)
    return lambda sheet: sheet.indicators[0].name == "ชื่อจากไฟล์ที่ปรับปรุง"


def _replace_bands_with_update(org):
    data = load_json_file(FRAMEWORK_2568)
    data.bands = [
        {**band, "label": f"{band['label']} (ใหม่)"}  # other labels: the rule is replaced whole
        for band in data.bands
    ]
    framework_save(data=data, update=True)
    return lambda sheet: sheet.level.label.endswith("(ใหม่)")


def _admin_client():
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


EDITS = [
    _rename_band,
    _rename_indicator,
    _edit_item,
    _change_weights,
    _retire_in_admin,
    _delete_in_admin,
    _delete_band,
    _move_area_item,
    _reload_with_update,
    _replace_bands_with_update,
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__.strip("_"))
def test_every_catalogue_write_reaches_other_processes(scored, edit, monkeypatch):
    before = _latest(scored)  # this process now holds the catalogue
    stamp = _framework(scored).updated_at
    # Another process would not see this process's memo dropped: only the stamp can tell it.
    monkeypatch.setattr(services, "forget_structures", lambda ids=None: None)
    check = edit(scored)
    assert not check(before)
    assert _framework(scored).updated_at != stamp
    assert check(_latest(scored))


def test_a_catalogue_write_is_seen_at_once_in_this_process_even_with_a_stopped_clock(
    scored, time_machine
):
    time_machine.move_to(_framework(scored).updated_at, tick=False)
    _latest(scored)
    check = _rename_indicator(scored)  # the stamp cannot change: the clock is stopped
    assert check(_latest(scored))


def test_a_rolled_back_write_leaves_the_catalogue_as_it_was(scored):
    from django.db import transaction

    before = replace(_latest(scored))
    with pytest.raises(RuntimeError), transaction.atomic():
        _rename_indicator(scored)
        assert _latest(scored).indicators[0].name == "ตัวชี้วัดที่แก้ไขแล้ว"
        raise RuntimeError
    assert _latest(scored).indicators[0].name == before.indicators[0].name
