"""Item lineage between years, provisional frameworks rolled forward, and the official
catalogue replacing a provisional one with every link following its item (issue 14)."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assessments.admin import ItemAdminForm
from assessments.catalogue import (
    LINEAGE_COLUMN,
    SHEET_ITEMS,
    CatalogueError,
    framework_export_xlsx,
    framework_import_xlsx,
    framework_save,
    parse_json,
)
from assessments.lineage import framework_roll_forward, unresolved_links
from assessments.models import Framework, Item
from measures.models import Measure
from measures.services import measure_create
from oit import services as oit
from oit.models import OitEntry
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

FIXTURE_2569 = Path(settings.BASE_DIR) / "fixtures" / "ita" / "framework-2569.json"


@pytest.fixture
def catalogue(db):
    call_command("load_framework", stdout=io.StringIO())


def _item(year, code, variant=""):
    return Item.objects.get(
        framework__fiscal_year__year=year, framework__variant=variant, code=code
    )


def _codes(items):
    return sorted((i.framework.variant, i.code) for i in items)


# ---------------------------------------------------------------- shipped lineage


def test_shipped_lineage_2568_to_2569_follows_corrections(catalogue):
    assert _codes(_item(2569, "o11").predecessors.all()) == [("", "o12"), ("อปท.", "o12")]
    assert _codes(_item(2569, "o20").predecessors.all()) == [
        ("", "o21"),
        ("", "o22"),
        ("อปท.", "o21"),
        ("อปท.", "o22"),
    ]
    assert _codes(_item(2569, "o25").predecessors.all()) == [("อปท.", "o27")]
    assert "secondary" in _item(2569, "o11").lineage_note
    # A 2568 item with no successor shows as such; 2569 o5 continues nothing shipped.
    assert not _item(2569, "o5").predecessors.exists()
    assert [s.code for s in _item(2568, "o13", "อปท.").successors.all()] == ["o12"]


def test_a_dangling_lineage_code_is_refused_with_its_row(catalogue):
    data = json.loads(FIXTURE_2569.read_text(encoding="utf-8"))
    data["fiscal_year"], data["variant"] = 2569, "ทดสอบ"
    data["unassigned_items"][2]["continues"] = ["o99"]
    before = Item.objects.count()
    with pytest.raises(CatalogueError) as exc:
        framework_save(data=parse_json(data))
    (error,) = exc.value.errors
    assert (error.sheet, error.row, error.column, error.value) == (
        SHEET_ITEMS,
        3,
        LINEAGE_COLUMN,
        "o99",
    )
    assert "ไม่พบข้อนี้ในกรอบการประเมินปี 2568" in error.message
    assert Item.objects.count() == before  # nothing of it was written


def test_a_badly_written_lineage_code_is_refused_before_anything_is_read(catalogue):
    data = json.loads(FIXTURE_2569.read_text(encoding="utf-8"))
    data["unassigned_items"][0]["continues"] = ["ข้อ 12"]
    with pytest.raises(CatalogueError) as exc:
        parse_json(data)
    assert "รหัสข้อที่สืบต่อต้องเป็นรูปแบบ" in str(exc.value.errors[0])


def test_lineage_only_reaches_back_one_year_so_it_cannot_run_in_a_circle(catalogue):
    item_2569 = _item(2569, "o1")
    same_year = _item(2569, "o3")
    for wrong in (same_year, item_2569):
        form = ItemAdminForm(
            instance=item_2569,
            data={
                "framework": item_2569.framework_id,
                "tool": "OIT",
                "code": "o1",
                "text": item_2569.text,
                "order": 1,
                "predecessors": [wrong.pk],
            },
        )
        assert not form.is_valid()
        assert "สืบต่อได้เฉพาะจากข้อของปีก่อนหน้า" in " ".join(form.errors["predecessors"])


def test_the_workbook_carries_lineage_both_ways(catalogue):
    framework = Framework.objects.get(fiscal_year__year=2569)
    content = framework_export_xlsx(framework)
    sheet = load_workbook(io.BytesIO(content))[SHEET_ITEMS]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["o20"][header.index(LINEAGE_COLUMN)] == "o21, o21, o22, o22"
    _, stats = framework_import_xlsx(content=content)
    assert stats.updated == 0
    assert _codes(_item(2569, "o20").predecessors.all())[0] == ("", "o21")


# ---------------------------------------------------------------- roll forward


def test_only_a_central_admin_rolls_a_framework_forward(catalogue, staff):
    with pytest.raises(PermissionDenied):
        framework_roll_forward(source=Framework.objects.get(fiscal_year__year=2569), user=staff)
    assert not Framework.objects.filter(fiscal_year__year=2570).exists()


def test_roll_forward_makes_a_provisional_framework_that_continues_every_item(
    catalogue, central_admin
):
    source = Framework.objects.get(fiscal_year__year=2569)
    framework = framework_roll_forward(source=source, user=central_admin)
    assert framework.is_provisional and framework.fiscal_year.year == 2570
    assert framework.name == "การประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2570"
    assert "ยังไม่ประกาศ" in framework.source_note
    assert framework.items.count() == source.items.filter(is_retired=False).count()
    o11 = framework.items.get(code="o11")
    assert list(o11.predecessors.all()) == [source.items.get(code="o11")]
    assert [c.text for c in framework.items.get(code="o1").criteria.all()] == [
        c.text for c in source.items.get(code="o1").criteria.all()
    ]
    with pytest.raises(ValidationError, match="ปีงบประมาณ 2570 มีกรอบการประเมินแล้ว"):
        framework_roll_forward(source=source, user=central_admin)


def test_the_roll_forward_page_for_a_year_not_yet_published(
    catalogue, central_admin, login, client
):
    url = reverse("assessments:framework_detail", args=[2570])
    anonymous = client.get(url).content.decode()
    assert "ยังไม่ประกาศกรอบการประเมินของปี 2570" in anonymous
    assert "กรุณาติดต่อผู้ดูแลส่วนกลาง" in anonymous
    admin = login(central_admin)
    page = admin.get(url).content.decode()
    assert "มาใช้เป็นกรอบชั่วคราวปี 2570" in page
    source = Framework.objects.get(fiscal_year__year=2569)
    done = admin.post(
        reverse("assessments:framework_roll_forward", args=[2570]),
        {"source": source.pk},
        follow=True,
    ).content.decode()
    assert "เป็นกรอบชั่วคราว (ยังไม่ประกาศ)" in done and "ยังไม่ประกาศ" in done
    assert Framework.objects.get(fiscal_year__year=2570).is_provisional


# ---------------------------------------------------------------- the official catalogue arrives


def _official_2570(**changes):
    """The 2569 fixture as if it were the NACC's 2570 catalogue, each item continuing its
    2569 namesake, with `changes` {code: (new code, [2569 codes it continues])}."""
    data = json.loads(FIXTURE_2569.read_text(encoding="utf-8"))
    data["fiscal_year"] = 2570
    data["name"] = "การประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2570"
    items = []
    for raw in data["unassigned_items"]:
        code = raw["code"]
        if code in changes and changes[code] is None:
            continue
        new_code, continues = changes.get(code, (code, [code]))
        items.append({**raw, "code": new_code, "continues": continues, "lineage_note": "ทดสอบ"})
    data["unassigned_items"] = items
    return parse_json(data)


@pytest.fixture
def provisional(catalogue, central_admin):
    return framework_roll_forward(
        source=Framework.objects.get(fiscal_year__year=2569), user=central_admin
    )


def test_the_official_catalogue_replaces_the_provisional_one_and_links_follow(
    org, provisional, staff
):
    unit = UnitFactory(organisation=org)
    items = {i.code: i for i in provisional.items.all()}

    def measure(title, codes):
        return measure_create(
            organisation=org,
            year=2570,
            user=staff,
            title=title,
            responsible_units=[unit],
            steps=["ขั้นตอน"],
            items=[items[c] for c in codes],
            timeframe_kind="quarters",
            quarters=[2],
        )

    renumbered = measure("เผยแพร่การจัดซื้อจัดจ้าง", ["o11"])
    merged = measure("ขับเคลื่อนจริยธรรมและ No Gift", ["o15", "o16"])
    orphaned = measure("แผนยุทธศาสตร์", ["o5"])
    entry = oit.entry_for(organisation=org, item=items["o16"], year=2570)
    oit.evidence_add_url(entry=entry, user=staff, url="https://example.go.th/complaints")
    # 2570 (official): o9 absorbs o10, o11 becomes o10, o15 absorbs o16, o5 and o1 are gone.
    data = _official_2570(
        o9=("o9", ["o9", "o10"]),
        o10=None,
        o11=("o10", ["o11"]),
        o15=("o15", ["o15", "o16"]),
        o16=None,
        o5=None,
        o1=None,
    )
    framework, _ = framework_save(data=data)
    assert framework.pk == provisional.pk and not framework.is_provisional
    renumbered.refresh_from_db()
    assert [(i.code, i.text) for i in renumbered.items.all()] == [
        ("o10", "สรุปผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายเดือน")
    ]
    assert [i.code for i in Measure.objects.get(pk=merged.pk).items.all()] == ["o15"]
    assert OitEntry.objects.get(organisation=org).item.code == "o15"
    # o5 is linked by a measure: kept, retired and listed; o1 (no links) is gone.
    ((item, counts),) = unresolved_links(framework)
    assert "ข้อ o5 ของกรอบชั่วคราว" in item.lineage_note and counts == [("มาตรการ", 1)]
    assert item.is_retired and list(Measure.objects.get(pk=orphaned.pk).items.all()) == [item]
    live_codes = set(framework.items.filter(is_retired=False).values_list("code", flat=True))
    assert "o1" not in live_codes and "o11" not in live_codes and "o16" not in live_codes
    assert {"o9", "o10", "o15"} <= live_codes
    assert _codes(framework.items.get(code="o10").predecessors.all()) == [("", "o11")]


def test_the_framework_page_lists_links_left_on_items_that_are_gone(
    org, provisional, staff, central_admin, login
):
    unit = UnitFactory(organisation=org)
    measure_create(
        organisation=org,
        year=2570,
        user=staff,
        title="แผนยุทธศาสตร์",
        responsible_units=[unit],
        steps=["ขั้นตอน"],
        items=[provisional.items.get(code="o5")],
        timeframe_kind="quarters",
        quarters=[2],
    )
    framework_save(data=_official_2570(o5=None))
    url = reverse("assessments:framework_detail", args=[2570])
    page = login(central_admin).get(url).content.decode()
    assert 'id="unresolved-links"' in page and "ข้อ o5 ของกรอบชั่วคราว" in page and "มาตรการ 1" in page
    assert 'id="unresolved-links"' not in Client().get(url).content.decode()
