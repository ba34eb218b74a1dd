"""The score page and the analysis pages: access for every view, what users see, constant queries,
Thai validation, and a measure created from an area."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.analysis import analysis_draft
from assessments.demo import load_scores_demo
from assessments.models import AnalysisArea, AreaAnalysis, Assessment
from assessments.selectors import forget_structures
from measures.models import Measure
from tests.factories import UnitFactory

from .test_analysis import prefetched
from .test_scoring import catalogue, seed_assessment  # noqa: F401

pytestmark = pytest.mark.django_db

YEAR = 2568


@pytest.fixture
def assessment(org, catalogue):  # noqa: F811
    seed_assessment(org)
    return prefetched(org)


@pytest.fixture
def units(org):
    return [
        UnitFactory(organisation=org, name="สำนักปลัด", order=1),
        UnitFactory(organisation=org, name="กองคลัง", order=2),
    ]


def area_pk(number: int) -> int:
    return AnalysisArea.objects.get(framework__variant="อปท.", number=number).pk


def texts(number: int, **values) -> dict:
    prefix = f"area-{area_pk(number)}"
    data = {
        "facts": "ข้อเท็จจริงที่หน่วยงานเขียนเอง",
        "therefore": "ดังนั้นจะจัดทำคู่มือการยืมทรัพย์สิน",
        "maintain_develop": "รักษาระดับข้อที่ได้ 100 คะแนน",
    } | values
    return {"area": str(area_pk(number)), **{f"{prefix}-{k}": v for k, v in data.items()}}


def urls(code: str) -> dict[str, tuple[str, str, dict, str]]:
    """name: (method, url, data, action needed)."""
    fourth = area_pk(4)
    return {
        "scores": ("get", reverse("scores:assessment_detail", args=[code, YEAR]), {}, "view"),
        "analysis": ("get", reverse("measures:analysis_edit", args=[code, YEAR]), {}, "view"),
        "document": (
            "get",
            reverse("documents:analysis_document", args=[code, YEAR]),
            {},
            "view",
        ),
        "analysis_save": (
            "post",
            reverse("measures:analysis_edit", args=[code, YEAR]),
            texts(4),
            "edit",
        ),
        "redraft": (
            "post",
            reverse("measures:analysis_redraft", args=[code, YEAR, fourth]),
            {},
            "edit",
        ),
        "measure_form": (
            "get",
            reverse("measures:measure_from_area", args=[code, YEAR, fourth]),
            {},
            "edit",
        ),
        "measure_create": (
            "post",
            reverse("measures:measure_from_area", args=[code, YEAR, fourth]),
            {},
            "edit",
        ),
    }


ALLOWED = {
    "staff": {"view", "edit"},
    "approver": {"view"},
    "org_admin": {"view", "edit"},
    "central_admin": {"view"},
}


@pytest.mark.parametrize(
    "persona", ["anonymous", "outsider", "approver", "staff", "org_admin", "central_admin"]
)
def test_access_to_every_score_and_analysis_view(request, client, org, assessment, units, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for name, (method, url, data, needs) in urls(org.code).items():
        response = getattr(client, method)(url, data)
        if persona == "anonymous":
            assert response.status_code == 302, name
            assert response["Location"].startswith("/accounts/login/"), name
        elif persona == "outsider":
            assert response.status_code == 404, name
        elif needs in ALLOWED[persona]:
            assert response.status_code in (200, 302), (name, response.status_code)
        else:
            assert response.status_code == 403, (name, response.status_code)
            assert "ไม่มีสิทธิ์" in response.content.decode()


def test_outsider_cannot_reach_the_pages_through_their_own_organisation(
    login, other_org, outsider, assessment
):
    client = login(outsider)
    # Their own organisation has no assessment: nothing of `org` shows through.
    page = client.get(reverse("scores:assessment_detail", args=[other_org.code, YEAR]))
    assert "ยังไม่มีผลการประเมินของปีงบประมาณ พ.ศ. 2568" in page.content.decode()
    response = client.post(
        reverse("measures:analysis_redraft", args=[other_org.code, YEAR, area_pk(4)])
    )
    assert response.status_code == 404
    assert not AreaAnalysis.objects.exists()


# ---------------------------------------------------------------- the score page


def _row(page: str, marker: str) -> str:
    return page.split(marker, 1)[1].split("</tr>", 1)[0]


def test_assessment_page_shows_official_and_computed_and_the_flag(login, org, staff, assessment):
    page = login(staff).get(reverse("scores:assessment_detail", args=[org.code, YEAR]))
    html = page.content.decode()
    sixth = _row(html, 'id="indicator-6"')
    assert "คุณภาพการดำเนินงาน" in sixth
    assert "92.52" in sixth and "87.30" in sixth
    assert "คะแนนทางการต่างจากที่คำนวณ" in sixth
    assert "ทางการ 92.52 · คำนวณจากคะแนนรายข้อ 87.30" in sixth
    first = _row(html, 'id="indicator-1"')
    assert "99.78" in first and "คะแนนทางการต่างจากที่คำนวณ" not in first
    assert "1.29" in html  # i10, among the items of indicator 4
    assert "คะแนนทางการต่างจากที่คำนวณ 6 รายการ" in html  # indicators 2, 6, 7, 8, 9, 10
    assert 'id="total-score">90.24<' in html
    assert 'id="level">ผ่านดี<' in html
    for tool in ("IIT", "EIT", "OIT"):
        assert f'id="tool-{tool}"' in html


def test_five_year_table_and_chart(login, org, staff, catalogue):  # noqa: F811
    load_scores_demo()  # the `org` persona is the demo organisation (code 6301401)
    html = login(staff).get(reverse("scores:assessment_detail", args=[org.code, YEAR]))
    html = html.content.decode()
    table = html.split('id="history-table"', 1)[1].split("</table>", 1)[0]
    header = table.split("</thead>", 1)[0]
    assert [str(y) in header for y in range(2564, 2569)] == [True] * 5
    for total in ("71.30", "78.24", "84.59", "89.27", "90.24"):
        assert total in table
    assert "ผ่านดี" in table and ">C<" in table  # 2564 graded AA–F, 2568 by the five levels
    figure = html.split('class="chart-figure">', 1)[1].split("</figure>", 1)[0]
    # in a box of its own that scrolls sideways on a phone rather than shrinking its text
    assert figure.startswith('<div class="chart-scroll"><svg')
    svg = figure.split("<svg", 1)[1]
    assert "ปี 2564" in svg and "ปี 2568" in svg
    assert "<script" not in svg


def test_empty_state_without_an_assessment(login, org, staff, catalogue):  # noqa: F811
    html = login(staff).get(reverse("scores:assessment_detail", args=[org.code, 2569]))
    assert "ยังไม่มีผลการประเมินของปีงบประมาณ พ.ศ. 2569" in html.content.decode()
    page = login(staff).get(reverse("measures:analysis_edit", args=[org.code, 2569]))
    assert "ยังไม่มีผลการประเมินของปีงบประมาณ พ.ศ. 2569" in page.content.decode()
    assert not AreaAnalysis.objects.exists()


def _queries(client, url) -> tuple[int, int]:
    """Queries of one request with this process's catalogue memo empty, then filled."""
    counts = []
    forget_structures()
    for _ in ("cold", "warm"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


@pytest.mark.parametrize(
    "name", ["scores:assessment_detail", "measures:analysis_edit", "documents:analysis_document"]
)
def test_pages_run_in_constant_queries_whatever_the_years(
    login, org, staff, assessment, units, name
):
    client = login(staff)
    url = reverse(name, args=[org.code, YEAR])
    client.get(url)  # the analysis page drafts on its first visit
    one_year = _queries(client, url)
    load_scores_demo()  # adds 2564–2567
    assert Assessment.objects.filter(organisation=org).count() == 5
    assert _queries(client, url) == one_year
    cold, warm = one_year
    assert cold - warm == 5  # the catalogue: bands, indicators, items, areas, area items


# ---------------------------------------------------------------- the analysis page


def test_viewing_the_analysis_writes_nothing_for_viewers_or_editors(
    login, org, staff, approver, assessment
):
    url = reverse("measures:analysis_edit", args=[org.code, YEAR])
    viewer = login(approver).get(url).content.decode()
    assert not AreaAnalysis.objects.exists()  # viewing never writes
    assert "ร่างจากคะแนน (ยังไม่บันทึก)" in viewer
    assert "ข้อ i10 ได้ 1.29 คะแนน" in viewer
    assert "ร่างใหม่จากคะแนน" not in viewer
    editor = login(staff).get(url).content.decode()
    assert not AreaAnalysis.objects.exists()  # nor for an editor: a save writes the rows
    assert "ร่างใหม่จากคะแนน" in editor and 'name="area-' in editor
    for number in range(1, 8):
        assert f'id="area-{number}"' in editor


def test_saving_an_area(login, org, staff, assessment):
    client = login(staff)
    url = reverse("measures:analysis_edit", args=[org.code, YEAR])
    client.get(url)
    response = client.post(url, texts(4), follow=True)
    assert response.redirect_chain[-1][0].endswith("#area-4")
    assert "บันทึกการวิเคราะห์ประเด็นที่ 4 แล้ว" in response.content.decode()
    saved = AreaAnalysis.objects.get(area__number=4)
    assert saved.facts == "ข้อเท็จจริงที่หน่วยงานเขียนเอง" and saved.edited_by == staff
    assert "แก้ไขล่าสุดโดย" in response.content.decode()


def test_saving_empty_text_shows_a_thai_error_and_saves_nothing(login, org, staff, assessment):
    client = login(staff)
    url = reverse("measures:analysis_edit", args=[org.code, YEAR])
    client.get(url)
    response = client.post(url, texts(4, facts="   ", therefore=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "กรุณากรอก “ข้อเท็จจริงพบว่า”" in html
    assert "กรุณากรอก “ดังนั้น”" in html
    assert "ยังบันทึกไม่ได้" in html
    saved = AreaAnalysis.objects.get(area__number=4)  # the draft, not the empty text
    assert "ข้อ i10 ได้ 1.29 คะแนน" in saved.facts and saved.edited_at is None


def test_posting_an_area_of_another_framework_is_not_found(login, org, staff, assessment):
    response = login(staff).post(
        reverse("measures:analysis_edit", args=[org.code, YEAR]), {"area": "999999"}
    )
    assert response.status_code == 404


def test_redraft_button_replaces_the_texts_of_that_area_only(login, org, staff, assessment):
    client = login(staff)
    url = reverse("measures:analysis_edit", args=[org.code, YEAR])
    client.get(url)
    client.post(url, texts(4))
    client.post(url, texts(5))
    response = client.post(
        reverse("measures:analysis_redraft", args=[org.code, YEAR, area_pk(4)]), follow=True
    )
    assert "ร่างข้อความประเด็นที่ 4 ใหม่จากคะแนนแล้ว" in response.content.decode()
    fourth = AreaAnalysis.objects.get(area__number=4)
    assert fourth.facts == analysis_draft(assessment=assessment, area=fourth.area)["facts"]
    assert AreaAnalysis.objects.get(area__number=5).facts == "ข้อเท็จจริงที่หน่วยงานเขียนเอง"
    assert (
        client.get(
            reverse("measures:analysis_redraft", args=[org.code, YEAR, area_pk(4)])
        ).status_code
        == 405
    )


# ---------------------------------------------------------------- a measure from an area


def test_measure_from_area_links_the_weak_items(login, org, staff, assessment, units):
    client = login(staff)
    url = reverse("measures:measure_from_area", args=[org.code, YEAR, area_pk(4)])
    confirm = client.get(url).content.decode()
    assert "มาตรการพัฒนา: กระบวนการกำกับดูแลการใช้ทรัพย์สินของราชการ" in confirm
    assert "สำนักปลัด" in confirm
    response = client.post(url, follow=True)
    measure = Measure.objects.get()
    assert response.redirect_chain[0][0] == reverse(
        "measures:measure_update", args=[org.code, measure.pk]
    )
    assert "สร้างมาตรการจากประเด็นที่ 4 แล้ว" in response.content.decode()
    assert measure.title == "มาตรการพัฒนา: กระบวนการกำกับดูแลการใช้ทรัพย์สินของราชการ"
    assert [i.code for i in measure.items.all()] == ["i10"]
    assert list(measure.responsible_units.all()) == [units[0]]
    assert measure.quarters == [2, 3] and measure.fiscal_year.year == YEAR
    assert measure.steps.count() == 1
    assert "i10" in measure.steps.get().text
    # The analysis page now lists it under the area.
    page = client.get(reverse("measures:analysis_edit", args=[org.code, YEAR])).content.decode()
    area4 = page.split('id="area-4"', 1)[1].split('id="area-5"', 1)[0]
    assert measure.title in area4


def test_measure_from_area_without_units_explains_in_thai(login, org, staff, assessment):
    client = login(staff)
    url = reverse("measures:measure_from_area", args=[org.code, YEAR, area_pk(4)])
    response = client.post(url, follow=True)
    assert "สร้างมาตรการไม่ได้: กรุณาเลือกหน่วยงานรับผิดชอบอย่างน้อย 1 หน่วยงาน" in (response.content.decode())
    assert not Measure.objects.exists()


def test_analysis_document_view(login, org, staff, assessment):
    client = login(staff)
    url = reverse("documents:analysis_document", args=[org.code, YEAR])
    html = client.get(url)
    assert html["Content-Type"].startswith("text/html")
    assert "ประเด็นที่ 4 กระบวนการกำกับดูแลการใช้ทรัพย์สินของราชการ" in html.content.decode()
    missing = client.get(reverse("documents:analysis_document", args=[org.code, 2569]), follow=True)
    assert "ยังไม่มีผลการประเมินของ" in missing.content.decode()
    assert not AreaAnalysis.objects.exists()  # rendering never writes
