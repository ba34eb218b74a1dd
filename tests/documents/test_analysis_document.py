"""The analysis report (kind `analysis`): seed 004's 2568 figures go in, the PDF shows them.

Scores are loaded through the ORM from fixtures/demo-scores-2568.json; the PDF is read back with
poppler. Thai wraps inside runs without spaces, so text is compared with whitespace removed.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.analysis import analysis_ensure, analysis_update
from assessments.demo import EARLIER_YEARS
from assessments.models import AreaAnalysis, Assessment, ScoreKind
from assessments.selectors import forget_structures, framework_for_organisation
from documents.kinds.analysis import MATRIX_TITLE
from documents.registry import DocumentError, document_render, get_kind
from documents.rendering import DocumentOptions, render_html
from ita_portal.thai.dates import to_thai_digits
from measures.services import measure_create
from tests.assessments.test_scoring import add_scores, new_assessment, seed_assessment
from tests.factories import UnitFactory, member
from tests.pdftools import norm, page_texts, pdffonts, pdftotext

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

YEAR = 2568
AREAS = [
    "กระบวนการปฏิบัติงานที่โปร่งใสและมีประสิทธิภาพ",
    "การให้บริการและระบบ E-Service",
    "ช่องทางและรูปแบบการประชาสัมพันธ์เผยแพร่ข้อมูลข่าวสารภาครัฐ",
    "กระบวนการกำกับดูแลการใช้ทรัพย์สินของราชการ",
    "กระบวนการสร้างความโปร่งใสในการใช้งบประมาณและการจัดซื้อจัดจ้าง",
    "กระบวนการควบคุม ตรวจสอบการใช้อำนาจและการบริหารงานบุคคล",
    "กลไกและมาตรการในการแก้ไขและป้องกันการทุจริตภายในหน่วยงาน",
]
INDICATORS = [
    "99.78",
    "99.14",
    "100.00",
    "67.10",
    "100.00",
    "92.52",
    "91.49",
    "91.80",
    "78.50",
    "95.00",
]
CROSS_AREA_TITLE = "จัดทำมาตรการส่งเสริมจริยธรรมและรายงานผลการป้องกันการทุจริต"
MEASURE_TITLE = "จัดทำคู่มือการยืมและคืนทรัพย์สินของราชการและแจ้งเวียนให้บุคลากรทราบ"


def squash(text: str) -> str:
    return "".join(norm(text).split())


def digits(text: str, thai: bool) -> str:
    return to_thai_digits(text) if thai else text


def assert_in_pdf(expected: str, pdf_text: str) -> None:
    assert squash(expected) in squash(pdf_text), f"not in the PDF: {expected!r}"


@pytest.fixture
def catalogue(db):
    call_command("load_framework", stdout=io.StringIO())


@pytest.fixture
def units(org):
    return [UnitFactory(organisation=org, name="สำนักปลัด", order=1)]


def add_earlier_years(org, years=(2564, 2565, 2566, 2567)):
    for year in years:
        indicators, total = EARLIER_YEARS[year]
        assessment = new_assessment(org, year)
        add_scores(
            assessment,
            ScoreKind.INDICATOR,
            {f"ind{n}": v for n, v in enumerate(indicators, start=1)},
        )
        add_scores(assessment, ScoreKind.TOTAL, {"TOTAL": total})


@pytest.fixture
def data(org, catalogue, units):
    """Seed 004's 2568 scores, four earlier years, and a measure for i10."""
    assessment = seed_assessment(org)
    add_earlier_years(org)
    framework = framework_for_organisation(org, YEAR)
    measure = measure_create(
        organisation=org,
        year=YEAR,
        user=member(org),
        title=MEASURE_TITLE,
        items=list(framework.items.filter(code__in=["i10", "i11"])),
        responsible_units=units,
        steps=["จัดทำคู่มือการยืมทรัพย์สินของราชการ", "แจ้งเวียนและประชาสัมพันธ์คู่มือ"],
        timeframe_kind="quarters",
        quarters=[2],
    )
    measure_create(
        organisation=org,
        year=YEAR,
        user=member(org),
        title=CROSS_AREA_TITLE,
        items=list(framework.items.filter(code__in=["o16", "o26"])),  # areas 6 and 7
        responsible_units=units,
        steps=["แต่งตั้งคณะกรรมการขับเคลื่อนเรื่องจริยธรรม"],
        timeframe_kind="quarters",
        quarters=[1],
    )
    return {"assessment": assessment, "measure": measure}


def render(org, output="pdf", year=YEAR, **options):
    return document_render(
        kind="analysis",
        organisation=org,
        fiscal_year=year,
        output=output,
        options=DocumentOptions(**options),
    )


@pytest.mark.parametrize("thai", [False, True])
def test_report_shows_seed_004_figures(org, data, tmp_path, thai):
    pdf = render(org, thai_digits=thai).content
    text = pdftotext(pdf, tmp_path)
    pages = page_texts(pdf, tmp_path)
    # Cover: title, year, organisation, place; no page furniture.
    cover = pages[0]
    assert_in_pdf("การวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ", cover)
    assert_in_pdf(digits("ประจำปีงบประมาณ พ.ศ. 2568", thai), cover)
    assert_in_pdf(org.name, cover)
    assert_in_pdf("อำเภอเมือง จังหวัดนครราชสีมา", cover)
    assert "หน้า" not in cover
    # Section 1: indicator scores by tool, the total and the level.
    assert_in_pdf("สรุปผลการประเมินรายตัวชี้วัด", text)
    for score in INDICATORS:
        assert digits(score, thai) in text, score
    assert_in_pdf(digits("1 การปฏิบัติหน้าที่ 99.78", thai), text)
    assert_in_pdf(digits("4 การใช้ทรัพย์สินของราชการ 67.10", thai), text)
    assert_in_pdf(digits("คะแนน IIT (น้ำหนักร้อยละ 30) 93.20", thai), text)
    assert_in_pdf(digits("คะแนนรวม 90.24", thai), text)
    assert_in_pdf("ระดับผลการประเมิน ผ่านดี", text)
    # Five years compared.
    for year in range(2564, 2569):
        assert_in_pdf(digits(f"ปี {year}", thai), text)
    assert_in_pdf(digits("คะแนนรวม 71.30 78.24 84.59 89.27 90.24", thai), text)
    # Section 2: every area, its items with scores, the three texts.
    for number, name in enumerate(AREAS, start=1):
        assert_in_pdf(digits(f"ประเด็นที่ {number} {name}", thai), text)
    assert_in_pdf(digits("ข้อ i10 ในหน่วยงานของท่าน มีเจ้าหน้าที่ที่ขอยืมทรัพย์สินของราชการไปใช้", thai), text)
    assert digits("1.29", thai) in text
    # The draft quotes it in the document's digits (drafts are stored in Arabic ones).
    assert_in_pdf(digits("ข้อ i10 ได้ 1.29 คะแนน", thai), text)
    for heading in ("ข้อเท็จจริงพบว่า :", "ดังนั้น :", "การรักษาระดับ / การพัฒนา :"):
        assert_in_pdf(heading, text)
    assert squash(text).count(squash("ข้อเท็จจริงพบว่า :")) == 7
    # Section 3: the measure for i10 under area 4, with its steps, unit and period.
    assert_in_pdf("การนำผลการวิเคราะห์ไปสู่การปฏิบัติ", text)
    for header in ("มาตรการ/โครงการ/กิจกรรม", "ขั้นตอน/วิธีปฏิบัติ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"):
        assert_in_pdf(header, text)
    whole = squash(text)
    plan = whole.split(squash(digits("3. การนำผลการวิเคราะห์ไปสู่การปฏิบัติ", thai)))[1]
    plan, matrix = plan.split(squash(MATRIX_TITLE))
    head4, head6 = (squash(digits(f"ประเด็นที่ {n} {AREAS[n - 1]}", thai)) for n in (4, 6))
    area4 = plan.split(head4)[1].split(head6)[0]
    assert squash(MEASURE_TITLE) in area4
    assert squash(digits("ข้อที่เกี่ยวข้อง: i10, i11", thai)) in area4
    assert squash(digits("1. จัดทำคู่มือการยืมทรัพย์สินของราชการ", thai)) in area4
    assert squash("สำนักปลัด") in area4
    assert squash(digits("ไตรมาส 2 (ม.ค. – มี.ค. 68)", thai)) in area4
    # No placeholder rows: areas without a measure are named once, in a sentence.
    assert squash("ยังไม่มีมาตรการที่ผูกกับข้อในประเด็นนี้") not in plan
    assert squash(digits("ประเด็นที่ 1, 2, 3, 5 ยังไม่มีมาตรการที่ผูกกับข้อของประเด็น", thai)) in plan
    # A measure for areas 6 and 7 is listed once, under 6, and area 7 points to it.
    area6 = plan.split(head6)[1]
    assert squash(CROSS_AREA_TITLE) in area6 and plan.count(squash(CROSS_AREA_TITLE)) == 1
    assert squash(digits("ตอบประเด็นที่ 7 ด้วย", thai)) in area6
    assert squash(digits("มาตรการของประเด็นที่ 7 แสดงไว้ในประเด็นที่ 6", thai)) in plan
    # Section 4, the closing matrix: a row per measure under each area whose items it addresses.
    for header in (
        "ประเด็น",
        "ผลการวิเคราะห์ข้อมูล",
        "การนำผลการวิเคราะห์ไปสู่การปฏิบัติ",
        "ข้อคำถาม ITA",
        "มาตรการ",
        "ขั้นตอน/วิธีการปฏิบัติ",
        "ระยะเวลาดำเนินการ",
        "ส่วนงานที่รับผิดชอบ",
    ):
        assert squash(header) in matrix, header
    assert squash(digits(f"4. {AREAS[3]}", thai)) in matrix
    assert squash(digits("i10 ในหน่วยงานของท่าน มีเจ้าหน้าที่ที่ขอยืมทรัพย์สินของราชการไปใช้", thai)) in matrix
    assert squash(digits("ข้อ i10 ได้ 1.29 คะแนน ต่ำกว่าเกณฑ์", thai)) in matrix
    assert matrix.count(squash(MEASURE_TITLE)) == 1
    assert squash(digits("1. จัดทำคู่มือการยืมทรัพย์สินของราชการ", thai)) in matrix
    # the measure for areas 6 and 7 is a row of each, with that area's item
    assert matrix.count(squash(CROSS_AREA_TITLE)) == 2
    for number in (6, 7):
        assert squash(digits(f"{number}. {AREAS[number - 1]}", thai)) in matrix
    # areas without a linked measure: no row, one sentence
    assert squash(digits("ประเด็นที่ 1, 2, 3, 5 ยังไม่มีมาตรการที่ผูกกับข้อของประเด็น", thai)) in matrix
    assert squash(digits(f"1. {AREAS[0]}", thai)) not in matrix
    # Digits: one kind everywhere, page numbers included.
    if thai:
        assert not re.search(r"[0-9]", text), re.findall(r".{0,20}[0-9].{0,20}", text)[:3]
    else:
        assert_in_pdf("หน้า 2 /", text)


def test_saved_texts_are_shown_and_rendering_writes_nothing(org, data, tmp_path):
    assert not AreaAnalysis.objects.exists()
    render(org, output="html")
    assert not AreaAnalysis.objects.exists()  # drafts are computed, not saved
    analyses = analysis_ensure(assessment=data["assessment"])
    analysis_update(
        analysis=analyses[3],
        user=member(org),
        facts="หน่วยงานพบว่าเจ้าหน้าที่บางรายยืมทรัพย์สินโดยไม่บันทึกในทะเบียนคุม",
        therefore="กำหนดแนวทางการยืมทรัพย์สินของราชการและแจ้งเวียนให้ถือปฏิบัติ",
        maintain_develop="รักษาระดับข้อ i11 และ i12 ที่ได้คะแนนเต็ม",
    )
    text = pdftotext(render(org).content, tmp_path)
    assert_in_pdf("ข้อเท็จจริงพบว่า : หน่วยงานพบว่าเจ้าหน้าที่บางรายยืมทรัพย์สินโดยไม่บันทึกในทะเบียนคุม", text)
    assert_in_pdf("ดังนั้น : กำหนดแนวทางการยืมทรัพย์สินของราชการและแจ้งเวียนให้ถือปฏิบัติ", text)
    assert_in_pdf("การรักษาระดับ / การพัฒนา : รักษาระดับข้อ i11 และ i12 ที่ได้คะแนนเต็ม", text)


def test_only_sarabun_is_embedded(org, data, tmp_path):
    fonts = pdffonts(render(org).content, tmp_path)
    assert fonts and all("Sarabun" in f["name"] and f["emb"] == "yes" for f in fonts), fonts


def test_chart_is_the_same_svg_on_screen_and_in_the_pdf(org, data):
    screen = render(org, output="html").content.decode()
    charts = re.findall(r"<svg.*?</svg>", screen, re.S)
    assert len(charts) == 5  # one per year
    chart = charts[0]
    assert "ปี 2564" in chart and "1. การปฏิบัติหน้าที่" in chart
    assert "<script" not in screen
    kind = get_kind("analysis")
    options = DocumentOptions()
    context = kind.build(organisation=org, fiscal_year=YEAR, options=options)
    title = context.pop("title")
    html_for_pdf = render_html(
        kind.template, context, kind=kind.name, title=title, options=options, for_pdf=True
    )
    assert "file://" in html_for_pdf  # really the PDF variant (local fonts)
    assert all(c in html_for_pdf for c in charts)
    # With Thai digits, the chart's labels follow.
    thai = render(org, output="html", thai_digits=True).content.decode()
    assert "ปี ๒๕๖๔" in re.search(r"<svg.*?</svg>", thai, re.S).group(0)


def test_no_assessment_is_a_thai_error(org, catalogue):
    with pytest.raises(DocumentError, match="ยังไม่มีผลการประเมินของ"):
        render(org, output="html")
    with pytest.raises(DocumentError, match="ต้องระบุปีงบประมาณ"):
        render(org, output="html", year=None)


def _queries(org) -> tuple[int, int]:
    """Queries of one render with this process's catalogue memo empty, then filled."""
    counts = []
    forget_structures()
    for _ in ("cold", "warm"):
        with CaptureQueriesContext(connection) as ctx:
            render(org, output="html")
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


def test_constant_queries_with_one_or_five_years(org, catalogue, units):
    seed_assessment(org)
    framework = framework_for_organisation(org, YEAR)

    def add_measure(title, code):
        measure_create(
            organisation=org,
            year=YEAR,
            user=member(org),
            title=title,
            items=list(framework.items.filter(code=code)),
            responsible_units=units,
            steps=["ขั้นตอนที่หนึ่ง", "ขั้นตอนที่สอง"],
            timeframe_kind="quarters",
            quarters=[3],
        )

    add_measure("มาตรการแรก", "i10")
    one_year = _queries(org)
    add_earlier_years(org)
    for index, code in enumerate(["o12", "o14", "e1", "o26"]):
        add_measure(f"มาตรการที่ {index}", code)
    analysis_ensure(assessment=Assessment.objects.get(organisation=org, fiscal_year__year=YEAR))
    assert _queries(org) == one_year
    cold, warm = one_year
    assert cold - warm == 5  # the catalogue: bands, indicators, items, areas, area items


def test_items_show_earlier_scores_through_lineage(org, catalogue, units, central_admin):
    """An item renumbered in the next year still shows last year's score beside it."""
    from assessments.lineage import framework_roll_forward
    from assessments.models import Framework

    seed_assessment(org)  # 2568 item scores (seed 004): o12 = 50, o13 = 50
    provisional = framework_roll_forward(
        source=Framework.objects.get(fiscal_year__year=YEAR, variant="อปท."), user=central_admin
    )
    # 2569 renumbers: 2568 o13 becomes o30 (a code 2568 never had), lineage kept.
    provisional.items.filter(code="o13").update(code="o30")
    later = new_assessment(org, YEAR + 1)
    assert later.framework == provisional
    add_scores(later, ScoreKind.INDICATOR, {f"ind{n}": 90 for n in range(1, 11)})
    add_scores(later, ScoreKind.ITEM, {"o12": 100, "o30": 75})
    html = render(org, output="html", year=YEAR + 1).content.decode()
    area = html[html.index('id="area-5"') :]
    area = area[: area.index("</table>")]
    assert "<th>ปี 2568</th>" in area and "คะแนน ปี 2569" in area
    row = area[area.index("ข้อ o30") :]
    row = row[: row.index("</tr>")]
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', row) == ["50.00", "75.00"]
    # The report of a year with no earlier item scores keeps its columns.
    first = render(org, output="html").content.decode()
    first = first[first.index('id="area-5"') :]
    assert "คะแนน ปี" not in first[: first.index("</table>")]


@pytest.mark.parametrize("thai", [False, True])
def test_a_stale_official_total_is_named_and_not_used(org, data, tmp_path, thai):
    """A later import changed the items without giving the total again: the report prints the
    computed total and its level, and says which official figure it set aside."""
    from assessments.models import Score

    Score.objects.update_or_create(
        assessment=data["assessment"],
        code="TOTAL",
        defaults={"kind": ScoreKind.TOTAL, "score": "40.00", "stale": True},
    )
    text = pdftotext(render(org, thai_digits=thai).content, tmp_path)
    assert_in_pdf(
        "หมายเหตุ: คะแนนที่สำนักงาน ป.ป.ช. ประกาศไว้ก่อนหน้า (คะแนนรวม "
        + digits("40.00", thai)
        + ") ยังไม่ปรับตามคะแนนรายข้อชุดล่าสุด",
        text,
    )
    Score.objects.filter(code="TOTAL").update(stale=False)
    assert "ยังไม่ปรับตามคะแนนรายข้อ" not in squash(pdftotext(render(org).content, tmp_path))


def test_a_labelled_chart_per_year_as_seed_004(org, data):
    html = render(org, output="html").content.decode()
    charts = html.split('class="chart-block year-chart"')[1:]
    assert len(charts) == 5  # 2564–2568
    for year, chart in zip(range(2564, 2569), charts, strict=True):
        assert f"ผลการประเมินรายตัวชี้วัด ปี {year}" in chart.split("</svg>")[0]
    latest = charts[-1].split("</svg>")[0]
    for value in INDICATORS + ["90.24"]:  # every bar carries its value
        assert f">{value}</text>" in latest, value
