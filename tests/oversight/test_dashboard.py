"""The oversight dashboard: scope, every column, sorting, filters, summary, constant queries,
the .xlsx export read back; and the public province and district pages."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ita_portal.thai import dates as thai
from organisations.models import OrganisationType, OversightScope, ScopeLevel
from oversight import cache as board_cache
from oversight import selectors
from oversight.models import AgencyStatus, FrameworkState
from oversight.workbooks import HEADER
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = thai.fiscal_year_of(TODAY)


def _status(org, **values):
    defaults = {
        "year": YEAR,
        "framework_state": FrameworkState.PROVISIONAL,
        "refreshed_at": timezone.now(),
    }
    status = AgencyStatus.objects.create(organisation=org, **{**defaults, **values})
    board_cache.bump_area(org.province, org.district)  # as agency_status_refresh does
    return status


def _agencies(n, province="นครราชสีมา", district="คง", prefix="9"):
    orgs = []
    for i in range(n):
        org = OrganisationFactory(
            code=f"{prefix}{i:04d}",
            name=f"องค์การบริหารส่วนตำบลทดสอบ{prefix}{i:03d}",
            province=province,
            district=district,
        )
        _status(
            org,
            measures_planned=i % 5,
            round6_reported=i % 5,
            round6_share=100 if i % 5 else 0,
            oit_items=40,
            oit_published=i % 41,
            oit_share=round(100 * (i % 41) / 40),
            oit_broken=i % 3,
            total=Decimal("70") + i % 30,
            level="ผ่าน" if i % 2 else "ผ่านดี",
            score_year=2568,
            published={"measures": "2026-11-01"} if i % 2 else {},
            published_count=i % 2,
            memos_waiting=[(TODAY - datetime.timedelta(days=i % 20)).isoformat()],
            oldest_waiting_since=TODAY - datetime.timedelta(days=i % 20),
        )
        orgs.append(org)
    return orgs


def _oversight_user(level=ScopeLevel.PROVINCE, province="นครราชสีมา", district=""):
    user = UserFactory()
    OversightScope.objects.create(user=user, level=level, province=province, district=district)
    client = Client()
    client.force_login(user)
    return client


def _codes(page: str) -> list[str]:
    table = page.split('id="oversight-table"')[1] if 'id="oversight-table"' in page else ""
    return re.findall(r'<tr data-code="([^"]+)"', table)


def test_a_provincial_user_sees_only_the_agencies_of_their_province():
    mine = _agencies(3)
    others = _agencies(2, province="บุรีรัมย์", prefix="8")
    page = _oversight_user().get(reverse("oversight:dashboard")).content.decode()
    assert sorted(_codes(page)) == sorted(o.code for o in mine)
    assert all(o.name not in page for o in others)
    assert "จังหวัดนครราชสีมา" in page
    # The badges and the waiting column say what they mean
    legend = page.split('id="oversight-legend"')[1].split("</p>")[0]
    assert "“ชั่วคราว” ป.ป.ช. ยังไม่ประกาศกรอบของปีนี้" in legend and "รอนานเกิน 7 วัน" in legend
    assert 'title="ป.ป.ช. ยังไม่ประกาศกรอบของปีนี้ ใช้กรอบชั่วคราวไปก่อน"' in page


def test_a_district_user_sees_only_their_district():
    kong = _agencies(2)
    _agencies(2, district="ด่านขุนทด", prefix="7")
    client = _oversight_user(ScopeLevel.DISTRICT, district="คง")
    page = client.get(reverse("oversight:dashboard")).content.decode()
    assert sorted(_codes(page)) == sorted(o.code for o in kong)


def test_the_page_costs_the_same_queries_for_3_or_60_agencies():
    client = _oversight_user()
    _agencies(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("oversight:dashboard")).status_code == 200
    _agencies(57, prefix="5")
    cache.clear()  # a board rendered under older versions is served for a minute
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("oversight:dashboard")).content.decode()
    assert len(_codes(page)) == 50  # a page of 50, and the rest on page 2
    assert len(many) == len(few)


def test_the_pages_are_counted_by_the_summary_not_a_second_count():
    client = _oversight_user()
    _agencies(60)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("oversight:dashboard"), {"page": "2"}).content.decode()
    assert len(_codes(page)) == 10
    assert "หน้า 2 / 2" in page
    # QuerySet.count() (the paginator's) names its result "__count"; the summary does not.
    assert not [
        q["sql"]
        for q in queries
        if '"__count"' in q["sql"] and 'FROM "organisations_organisation"' in q["sql"]
    ]


def test_the_level_filter_offers_the_scopes_levels_with_or_without_a_query():
    _agencies(4)  # "ผ่าน" and "ผ่านดี"
    OrganisationFactory(code="90999", province="นครราชสีมา", district="คง")  # no row this year
    _agencies(2, province="บุรีรัมย์", prefix="8")
    for level in ("ผ่านดีมาก", ""):
        AgencyStatus.objects.filter(organisation__code=f"8000{'1' if level else '0'}").update(
            level=level
        )
    scope = Q(province="นครราชสีมา")
    plain = selectors.Filters(year=YEAR)
    rows = selectors.agencies(scope, plain)
    summary = selectors.summary(rows, TODAY, 7)
    with CaptureQueriesContext(connection) as queries:
        from_summary = selectors.level_choices(scope, plain, summary)
    assert len(queries) == 0
    assert from_summary == selectors.level_choices(scope, plain) == ["ผ่านดี", "ผ่าน"]  # best first
    narrowed = selectors.Filters(year=YEAR, level="ผ่าน")
    summary = selectors.summary(selectors.agencies(scope, narrowed), TODAY, 7)
    assert selectors.level_choices(scope, narrowed, summary) == ["ผ่านดี", "ผ่าน"]
    page = _oversight_user().get(reverse("oversight:dashboard"), {"level": "ผ่าน"})
    assert "<option>ผ่านดี</option>" in page.content.decode()


@pytest.mark.parametrize("sort", sorted(selectors.SORTS))
def test_every_column_sorts_both_ways(sort):
    _agencies(12)
    client = _oversight_user()
    field = selectors.SORTS[sort]
    for descending in (False, True):
        page = client.get(
            reverse("oversight:dashboard"), {"sort": f"{'-' if descending else ''}{sort}"}
        ).content.decode()
        codes = _codes(page)
        rows = selectors.agencies(
            Q(),
            selectors.Filters(year=YEAR, sort=sort, descending=descending),
        )
        values = [getattr(o, field) for o in rows]
        assert codes == [o.code for o in rows]
        present = [v for v in values if v is not None]
        assert present == sorted(present, reverse=descending), sort


def test_filters_and_thai_search():
    orgs = _agencies(10)
    orgs[3].type = OrganisationType.SUBDISTRICT_MUNICIPALITY
    orgs[3].name = "เทศบาลตำบลด่านขุนทด"
    orgs[3].save()
    client = _oversight_user()
    url = reverse("oversight:dashboard")
    assert _codes(client.get(url, {"q": "ทต. ด่านขุนทด"}).content.decode()) == [orgs[3].code]
    assert _codes(client.get(url, {"type": "tambon"}).content.decode()) == [orgs[3].code]
    level = client.get(url, {"level": "ผ่าน"}).content.decode()
    assert sorted(_codes(level)) == sorted(o.code for i, o in enumerate(orgs) if i % 2)
    full = client.get(url, {"readiness": "none"}).content.decode()
    assert _codes(full) == [orgs[0].code]  # 0 of 40 items published
    empty = client.get(url, {"q": "ไม่มีหน่วยงานนี้"}).content.decode()
    assert 'id="oversight-empty"' in empty and "ไม่พบหน่วยงานที่ตรงกับตัวกรอง" in empty


def test_summary_counts_every_agency_the_filters_keep():
    _agencies(20)
    page = _oversight_user().get(reverse("oversight:dashboard"), {"days": "10"}).content.decode()

    def count(name):
        return int(re.search(rf'data-count="{name}">(\d+)<', page).group(1))

    assert count("agencies") == 20
    assert count("with_measures") == 16  # i % 5 != 0
    assert count("round6_done") == 16
    assert count("broken") == sum(1 for i in range(20) if i % 3)
    # waiting since i % 20 days ago; "more than 10 days" counts 10 days and over
    assert count("waiting") == sum(1 for i in range(20) if i % 20 >= 10)
    assert 'id="level-table"' in page and '<td>ผ่านดี</td><td class="text-end">10</td>' in page


def test_the_summary_is_one_query_and_its_totals_are_its_levels_summed():
    _agencies(20)
    rows = selectors.agencies(Q(), selectors.Filters(year=YEAR))
    with CaptureQueriesContext(connection) as queries:
        summary = selectors.summary(rows, TODAY, 7)
    assert len(queries) == 1
    assert summary.levels == [("ผ่านดี", 10), ("ผ่าน", 10)]  # best first
    assert summary.agencies == 20 and summary.with_measures == 16
    assert sum(n for _k, _l, n in summary.readiness) == 20


def test_each_cell_shows_its_value():
    org = _agencies(1)[0]
    AgencyStatus.objects.filter(organisation=org).update(
        measures_planned=4,
        round6_reported=3,
        round6_share=75,
        round12_reported=1,
        round12_share=25,
        oit_share=60,
        oit_broken=2,
        total=Decimal("88.12"),
        total_change=Decimal("-1.50"),
        level="ผ่าน",
        framework_state=FrameworkState.OFFICIAL,
        published={"measures": "2026-11-01"},
        memos_waiting=[(TODAY - datetime.timedelta(days=9)).isoformat(), TODAY.isoformat()],
        iit_responses=35,
        iit_minimum=None,
        eit_responses=120,
        eit_minimum=None,
    )
    page = _oversight_user().get(reverse("oversight:dashboard")).content.decode()
    row = page.split(f'data-code="{org.code}"')[1].split("</tr>")[0]

    def cell(col):
        return re.sub(
            r"<[^>]+>|\s+", " ", row.split(f'data-col="{col}">')[1].split("</td>")[0]
        ).split()

    assert cell("measures") == ["4"]
    assert cell("round6") == ["75%"] and cell("round12") == ["25%"]
    assert cell("oit")[0] == "60%" and cell("broken") == ["2"]
    assert cell("waiting") == ["1", "/", "2"]  # one of two waits over 7 days
    assert cell("total")[0] == "88.12" and "ผ่าน" in cell("total")
    assert cell("change") == ["-1.50"]
    assert "1" in " ".join(cell("published")) and "พ.ย." in " ".join(cell("published"))
    assert "ประกาศแล้ว" in row
    assert cell("survey") == ["IIT", "35", "EIT", "120"]


def test_an_agency_without_a_row_yet_is_listed_and_says_so():
    org = OrganisationFactory(code="4444", province="นครราชสีมา")
    page = _oversight_user().get(reverse("oversight:dashboard")).content.decode()
    assert _codes(page) == [org.code] and "ยังไม่มีข้อมูลสถานะของปีนี้" in page


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "99999"},
        {"sort": "-zzz"},
        {"days": "-5"},
        {"days": "๙๙"},
        {"page": "999"},
        {"level": "x" * 500},
        {"type": "nope"},
        {"readiness": "<script>"},
    ],
)
def test_odd_input_never_fails(query):
    _agencies(2)
    assert _oversight_user().get(reverse("oversight:dashboard"), query).status_code == 200


def test_the_export_has_every_row_the_filters_keep_and_every_column():
    orgs = _agencies(60)
    _agencies(3, province="บุรีรัมย์", prefix="8")
    response = _oversight_user().get(reverse("oversight:export"), {"sort": "name"})
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == [h.format(days=7) for h in HEADER]
    assert len(rows) == 1 + 60  # every row, not the page of 50; no other province
    # (read-only rows stop at their last non-empty cell)
    names = [h.format(days=7) for h in HEADER]
    by_code = {r[0]: dict(zip(names, [*r, *[None] * len(HEADER)], strict=False)) for r in rows[1:]}
    assert set(by_code) == {o.code for o in orgs}
    seven = by_code["90007"]
    assert seven["หน่วยงาน"] == "องค์การบริหารส่วนตำบลทดสอบ9007"
    assert seven["ประเภท"] == "องค์การบริหารส่วนตำบล (อบต.)"
    assert seven["กรอบการประเมิน"] == "กรอบชั่วคราว"
    assert seven["มาตรการ"] == 2 and seven["รายงานรอบ 6 เดือน (%)"] == 100
    assert seven["ความพร้อม OIT (%)"] == round(100 * 7 / 40) and seven["ลิงก์ที่ใช้งานไม่ได้"] == 1
    assert seven["คะแนน ITA"] == 77.0 and seven["ระดับ"] == "ผ่าน"
    assert seven["เอกสารที่เผยแพร่"].endswith("(1 พ.ย. 69)")
    assert seven["บันทึกข้อความที่รอพิจารณา"] == 1 and seven["รอนานเกิน 7 วัน"] == 1
    # No measures: the shares are empty, not 0 %.
    assert by_code["90005"]["รายงานรอบ 6 เดือน (%)"] is None
    about = dict(book["เกี่ยวกับไฟล์นี้"].iter_rows(values_only=True))
    assert about["ปีงบประมาณ"] == str(YEAR) and about["ขอบเขต"] == "จังหวัดนครราชสีมา"
    assert about["ค้นหา"] == "ไม่ได้ค้นหา" and about["จังหวัด"] == "ทุกจังหวัดในขอบเขต"
    assert about["ความพร้อม OIT"] == "ทั้งหมด" and about["ระดับล่าสุด"] == "ทุกระดับ"
    assert re.fullmatch(r"\d{1,2} \S+ 25\d\d เวลา \d\d:\d\d น\.", about["ส่งออกเมื่อ"])


def test_the_export_names_every_filter_it_kept():
    _agencies(4)
    query = {"readiness": "none", "level": "-", "q": "ทดสอบ", "district": "คง"}
    response = _oversight_user().get(reverse("oversight:export"), query)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    about = dict(book["เกี่ยวกับไฟล์นี้"].iter_rows(values_only=True))
    assert about["ความพร้อม OIT"] == "ยังไม่มีข้อที่เผยแพร่"
    assert about["ระดับล่าสุด"] == "ยังไม่มีผลการประเมิน"
    assert about["ค้นหา"] == "ทดสอบ" and about["อำเภอ"] == "คง"


def test_a_formula_in_a_name_is_exported_as_text():
    org = _agencies(1)[0]
    org.name = '=HYPERLINK("http://x")'
    org.save()
    response = _oversight_user().get(reverse("oversight:export"))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.cell(row=2, column=2).data_type == "s"


# ---------------------------------------------------------------- public province pages


def test_the_province_page_lists_its_agencies_with_their_scores_and_documents():
    orgs = _agencies(4)
    _agencies(2, district="ด่านขุนทด", prefix="7")
    _agencies(2, province="บุรีรัมย์", prefix="8")
    page = Client().get(reverse("public:province", args=["นครราชสีมา"])).content.decode()
    codes = re.findall(r'<tr data-code="([^"]+)"', page)
    assert len(codes) == 6 and all(not c.startswith("8") for c in codes)
    row = page.split(f'data-code="{orgs[1].code}"')[1].split("</tr>")[0]
    assert "71.00" in row and "ผ่าน (ปี 2568)" in row
    assert 'id="level-table"' in page and "<svg" in page
    assert "ด่านขุนทด</a> (2)" in page  # the district links with their counts
    district = (
        Client().get(reverse("public:district", args=["นครราชสีมา", "ด่านขุนทด"])).content.decode()
    )
    assert len(re.findall(r'<tr data-code="', district)) == 2
    assert Client().get(reverse("public:province", args=["ไม่มี"])).status_code == 404
    provinces = Client().get(reverse("public:provinces")).content.decode()
    assert "จังหวัดนครราชสีมา" in provinces and "จังหวัดบุรีรัมย์" in provinces


def test_the_province_page_changes_when_an_agencys_public_figures_do(org, catalogue_2568):
    from oversight.services import agency_status_refresh
    from tests.assessments.test_scoring import seed_assessment

    org.province = "นครราชสีมา"
    org.save()
    agency_status_refresh(organisation=org, year=YEAR)
    url = reverse("public:province", args=["นครราชสีมา"])
    assert "90.24" not in Client().get(url).content.decode()  # now cached
    seed_assessment(org, 2568)
    agency_status_refresh(organisation=org, year=YEAR)
    assert "90.24" in Client().get(url).content.decode()


@pytest.fixture
def catalogue_2568(db):
    from django.core.management import call_command

    call_command("load_framework", stdout=io.StringIO())


def test_survey_counts_show_a_bar_against_a_known_minimum_only():
    org = _agencies(1)[0]
    AgencyStatus.objects.filter(organisation=org).update(
        iit_responses=35, iit_minimum=50, eit_responses=120, eit_minimum=None
    )
    page = _oversight_user().get(reverse("oversight:dashboard")).content.decode()
    cell = page.split('data-col="survey">')[1].split("</td>")[0]
    assert "IIT 35 / 50" in cell and 'style="width: 70%"' in cell and "bg-warning" in cell
    assert "EIT 120</span>" in cell and cell.count('role="progressbar"') == 1


def _board_renders(client, url, query=None) -> tuple[str, int]:
    """The page, and how many times the board was rendered for it (0: served from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, query or {}).content.decode()
    return page, sum("oversight_agencystatus" in q["sql"] for q in queries.captured_queries)


def test_the_board_is_rendered_once_per_view_until_a_row_changes(time_machine):
    from oversight.services import agency_status_refresh

    time_machine.move_to(timezone.now(), tick=False)
    orgs = _agencies(3)
    _agencies(2, province="บุรีรัมย์", prefix="8")
    url = reverse("oversight:dashboard")
    client = _oversight_user()
    elsewhere = _oversight_user(province="บุรีรัมย์")
    national = _oversight_user(ScopeLevel.NATIONAL, province="")
    for c in (client, elsewhere, national):
        assert _board_renders(c, url, {"sort": "total"})[1] > 0
    page, renders = _board_renders(client, url, {"sort": "total"})
    assert renders == 0 and len(_codes(page)) == 3
    # Another officer of the same province shares the board.
    assert _board_renders(_oversight_user(), url, {"sort": "total"})[1] == 0

    # A change in นครราชสีมา (the row becomes what the data says): within the minute the old
    # board is still served, saying when it was made; after it, นครราชสีมา's and the country's
    # boards are new, บุรีรัมย์'s is not.
    org = orgs[0]
    agency_status_refresh(organisation=org, year=YEAR)
    page, renders = _board_renders(client, url, {"sort": "total"})
    assert renders == 0 and "ข้อมูล ณ" in page
    time_machine.shift(datetime.timedelta(seconds=board_cache.STALE_SECONDS + 1))
    assert _board_renders(client, url, {"sort": "total"})[1] > 0
    assert _board_renders(national, url, {"sort": "total"})[1] > 0
    assert _board_renders(elsewhere, url, {"sort": "total"})[1] == 0

    # A refresh that changes nothing retires nothing.
    agency_status_refresh(organisation=org, year=YEAR)
    time_machine.shift(datetime.timedelta(seconds=board_cache.STALE_SECONDS + 1))
    for c in (client, elsewhere, national):
        assert _board_renders(c, url, {"sort": "total"})[1] == 0


def test_a_renamed_agency_shows_within_the_minute(django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    (org,) = _agencies(1)
    client = _oversight_user()
    url = reverse("oversight:dashboard")
    assert org.name in client.get(url).content.decode()
    org.name = "องค์การบริหารส่วนตำบลเปลี่ยนชื่อ"
    with django_capture_on_commit_callbacks(execute=True):
        org.save()
    time_machine.shift(datetime.timedelta(seconds=board_cache.STALE_SECONDS + 1))
    assert org.name in client.get(url).content.decode()


def test_a_board_says_when_its_data_was_read(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 7, 2, 5, tzinfo=datetime.UTC), tick=False)
    _agencies(1)
    page = _oversight_user().get(reverse("oversight:dashboard")).content.decode()
    # 02:05 UTC is 09:05 in Bangkok
    assert "ข้อมูล ณ 7 ธ.ค. 69 09:05 น." in page


def test_an_oversight_users_page_skips_the_waiting_count_members_need(staff):
    """Nobody asks an oversight user to decide a step: their pages never count steps."""
    _agencies(2)
    client = _oversight_user()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("oversight:dashboard"))
    assert not any("approvalstep" in q["sql"] for q in queries.captured_queries)
    member = Client()
    member.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        member.get(reverse("help"))
    assert any("approvalstep" in q["sql"] for q in queries.captured_queries)


def test_levels_run_best_first_with_no_result_last():
    from assessments.grading import level_rank

    labels = ["ต้องปรับปรุง", "", "ผ่านดีเยี่ยม", "ระดับใหม่", "ต้องปรับปรุงโดยด่วน", "ผ่าน", "B", "AA"]
    assert sorted(labels, key=level_rank) == [
        "ผ่านดีเยี่ยม",
        "ผ่าน",
        "ต้องปรับปรุง",
        "ต้องปรับปรุงโดยด่วน",
        "AA",
        "B",
        "ระดับใหม่",
        "",
    ]
    for i, level in enumerate(["ต้องปรับปรุงโดยด่วน", "ต้องปรับปรุง", "ผ่านดี"]):
        org = OrganisationFactory(code=f"7{i:04d}", province="นครราชสีมา", district="คง")
        _status(org, level=level, total=Decimal("50"), score_year=2568)
    _status(OrganisationFactory(code="70009", province="นครราชสีมา", district="คง"))
    page = _oversight_user().get(reverse("oversight:dashboard")).content.decode()
    table = page.split('id="level-table"')[1].split("</table>")[0]
    shown = re.findall(r"<tr><td>([^<]+)</td>", table)
    assert shown == ["ผ่านดี", "ต้องปรับปรุง", "ต้องปรับปรุงโดยด่วน", "ยังไม่มีผลการประเมิน"]
