"""The measure documents: measure plan, measure-results report (layouts a/b/c) and progress report.

Data goes in through the measures services; each PDF is read back with poppler and compared
with that data. Thai wraps inside runs without spaces, so text is compared with all whitespace
removed (`squash`): every character must still be there, in order.
"""

import io
import re
import subprocess
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.selectors import framework_for_organisation
from documents.kinds.measures import LAYOUTS
from documents.registry import DocumentError, document_render
from documents.rendering import DocumentOptions
from ita_portal.thai.dates import format_date, to_thai_digits
from measures.models import Evidence, EvidenceKind, ProgressStatus
from measures.services import (
    evidence_add_link,
    measure_create,
    progress_entry_record,
    rounds_ensure_defaults,
)
from tests.factories import MembershipFactory, UnitFactory
from tests.pdftools import norm, page_texts, pdffonts, pdftotext

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

YEAR = 2568
KINDS = ["measure-plan", "measure-results", "progress"]


def squash(text: str) -> str:
    return "".join(norm(text).split())


def digits(text: str, thai: bool) -> str:
    return to_thai_digits(text) if thai else text


def assert_in_pdf(expected: str, pdf_text: str) -> None:
    assert squash(expected) in squash(pdf_text), f"not in the PDF: {expected!r}"


# ---------------------------------------------------------------- data


@pytest.fixture
def catalogue(db):
    call_command("load_framework", stdout=io.StringIO())


@pytest.fixture
def user(org):
    return MembershipFactory(organisation=org, user__username="reporter").user


@pytest.fixture
def units(org):
    return {
        name: UnitFactory(organisation=org, name=name, order=order)
        for order, name in enumerate(["สำนักปลัด", "กองคลัง", "งานนิติการ"], start=1)
    }


@pytest.fixture
def rounds(org):
    six, twelve = sorted(
        rounds_ensure_defaults(organisation=org, year=YEAR), key=lambda r: r.end_date
    )
    return {"six": six, "twelve": twelve}


def _item(org, code):
    return framework_for_organisation(org, YEAR).items.get(code=code)


@pytest.fixture
def data(org, catalogue, units, rounds, user):
    """Three measures (one per timeframe kind) with progress in both rounds."""
    i7, o12 = _item(org, "i7"), _item(org, "o12")
    goal = "เพื่อให้หน่วยงานดำเนินงานเป็นไปตามหลักการความโปร่งใส"
    budget = measure_create(
        organisation=org,
        year=YEAR,
        user=user,
        title="การพัฒนาวิธีการเผยแพร่และประชาสัมพันธ์แผนการใช้จ่ายงบประมาณประจำปี",
        problem="หน่วยงานควรพัฒนาวิธีการเผยแพร่แผนการใช้จ่ายงบประมาณประจำปี",
        items=[i7, o12],
        goal=goal,
        responsible_units=[units["กองคลัง"]],
        timeframe_kind="period",
        start_date=date(2024, 10, 1),
        end_date=date(2025, 9, 30),
        steps=[
            "จัดทำแผนการดำเนินงานและแผนการใช้จ่ายงบประมาณประจำปี",
            "เผยแพร่แผนผ่านเว็บไซต์หลักของหน่วยงานอย่างน้อย 2 ช่องทาง",
        ],
        monitoring="ผู้บริหารติดตามการดำเนินการทุกเดือน",
        expected_output="แผนการใช้จ่ายงบประมาณเผยแพร่บนเว็บไซต์",
        expected_outcome="ประชาชนรับทราบการใช้งบประมาณ",
    )
    procurement = measure_create(
        organisation=org,
        year=YEAR,
        user=user,
        title="จัดทำแผนการจัดซื้อจัดจ้างพร้อมเผยแพร่กระบวนการจัดซื้อจัดจ้าง",
        items=[o12],
        goal=goal,
        responsible_units=[units["กองคลัง"], units["สำนักปลัด"]],
        timeframe_kind="deadline",
        deadline=date(2025, 3, 31),
        steps=["จัดทำแผนการจัดซื้อจัดจ้างของหน่วยงาน"],
    )
    complaints = measure_create(
        organisation=org,
        year=YEAR,
        user=user,
        title="เผยแพร่ช่องทางการร้องเรียนการทุจริตผ่านช่องทางออนไลน์",
        responsible_units=[units["งานนิติการ"]],
        timeframe_kind="quarters",
        quarters=[2, 3],
        steps=["จัดทำช่องทางการร้องเรียนบนเว็บไซต์", "ประชาสัมพันธ์ช่องทางให้ประชาชนทราบ"],
    )
    six, twelve = rounds["six"], rounds["twelve"]
    progress_entry_record(
        measure=budget,
        round=six,
        user=user,
        status=ProgressStatus.DONE,
        reported_on=date(2025, 3, 20),
        output="จัดทำแผนและเผยแพร่บนเว็บไซต์แล้ว 12 รายการในรอบหกเดือน",
    )
    progress_entry_record(
        measure=procurement,
        round=six,
        user=user,
        status=ProgressStatus.IN_PROGRESS,
        reported_on=date(2025, 3, 25),
        output="อยู่ระหว่างรวบรวมรายการจัดซื้อจัดจ้างรอบหกเดือน",
    )
    year_entry = progress_entry_record(
        measure=budget,
        round=twelve,
        user=user,
        status=ProgressStatus.DONE,
        reported_on=date(2025, 9, 15),
        output="เผยแพร่แผนครบทั้งปีงบประมาณบนเว็บไซต์และบอร์ดประชาสัมพันธ์",
        outcome="ประชาชนตรวจสอบการใช้จ่ายงบประมาณได้",
        recommendations="ควรเพิ่มการเผยแพร่ผ่านไลน์กลุ่มหมู่บ้าน",
    )
    evidence_add_link(
        entry=year_entry, url="https://example.go.th/plan", user=user, title="ประกาศแผนบนเว็บไซต์"
    )
    Evidence.objects.create(
        progress_entry=year_entry,
        kind=EvidenceKind.FILE,
        title="รายงานการประชุมประจำเดือน",
        file="evidence/x/report.pdf",
    )
    progress_entry_record(
        measure=procurement,
        round=twelve,
        user=user,
        status=ProgressStatus.DONE,
        reported_on=date(2025, 9, 20),
        output="ประกาศแผนการจัดซื้อจัดจ้างและรายงานผลรอบสิบสองเดือนแล้ว",
    )
    progress_entry_record(
        measure=complaints,
        round=twelve,
        user=user,
        status=ProgressStatus.NOT_STARTED,
        reported_on=date(2025, 9, 25),
    )
    for m in (budget, procurement, complaints):
        m.refresh_from_db()
    return {
        "measures": [budget, procurement, complaints],
        "goal": goal,
        "six_outputs": [
            "จัดทำแผนและเผยแพร่บนเว็บไซต์แล้ว 12 รายการในรอบหกเดือน",
            "อยู่ระหว่างรวบรวมรายการจัดซื้อจัดจ้างรอบหกเดือน",
        ],
        "twelve_outputs": [
            "เผยแพร่แผนครบทั้งปีงบประมาณบนเว็บไซต์และบอร์ดประชาสัมพันธ์",
            "ประกาศแผนการจัดซื้อจัดจ้างและรายงานผลรอบสิบสองเดือนแล้ว",
        ],
    }


def render(org, kind, output="pdf", year=YEAR, **options):
    return document_render(
        kind=kind,
        organisation=org,
        fiscal_year=year,
        output=output,
        options=DocumentOptions(**options),
    )


def pdf_text(org, kind, tmp_path, **options) -> str:
    return pdftotext(render(org, kind, **options).content, tmp_path)


def assert_measures_in(text, measures, thai, *, timeframe=True):
    for measure in measures:
        assert_in_pdf(digits(measure.title, thai), text)
        for step in measure.steps.all():
            assert_in_pdf(digits(f"{step.order}. {step.text}", thai), text)
        for unit in measure.responsible_units.all():
            assert_in_pdf(unit.name, text)
        if timeframe:
            assert_in_pdf(measure.timeframe_text(thai_digits=thai), text)


def assert_digits(text, thai, *, first_numbered_page=1):
    """Thai digits everywhere, or Arabic digits everywhere (page numbers included)."""
    page = digits(f"หน้า {first_numbered_page} / ", thai)
    if thai:
        assert not re.search(r"[0-9]", text), re.findall(r".{0,20}[0-9].{0,20}", text)[:3]
    else:
        assert not re.search(r"[๐-๙]", text), re.findall(r".{0,20}[๐-๙].{0,20}", text)[:3]
    assert page in text


# ---------------------------------------------------------------- measure-plan


@pytest.mark.parametrize("thai", [False, True])
def test_measure_plan_pdf_shows_every_measure(org, data, tmp_path, thai):
    text = pdf_text(org, "measure-plan", tmp_path, thai_digits=thai)
    year = digits(str(YEAR), thai)
    assert_in_pdf(f"มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. {year}", text)
    assert_in_pdf(org.name, text)
    assert_in_pdf("อำเภอเมือง จังหวัดนครราชสีมา", text)
    assert_in_pdf(digits("(เดือนตุลาคม 2567 – กันยายน 2568)", thai), text)
    for header in ["มาตรการ/โครงการ/กิจกรรม", "ขั้นตอน/วิธีปฏิบัติ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"]:
        assert_in_pdf(header, text)
    assert_measures_in(text, data["measures"], thai)
    budget = data["measures"][0]
    assert_in_pdf(budget.problem, text)
    assert_in_pdf(digits("ตัวชี้วัดที่ 3 การใช้อำนาจ (IIT i7)", thai), text)
    assert_in_pdf(digits("ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล (OIT o12)", thai), text)
    assert_in_pdf(f"เป้าประสงค์: {data['goal']}", text)
    assert_in_pdf(f"ผลผลิต (output): {budget.expected_output}", text)
    assert_in_pdf(digits("ไตรมาส 2 (ม.ค. – มี.ค. 68), ไตรมาส 3 (เม.ย. – มิ.ย. 68)", thai), text)
    assert_in_pdf(digits("ภายในวันที่ 31 มีนาคม 2568", thai), text)
    assert_digits(text, thai)


def test_measure_plan_is_landscape_with_a_running_title_and_sarabun_only(org, data, tmp_path):
    pdf = render(org, "measure-plan").content
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height  # A4 landscape
    fonts = pdffonts(pdf, tmp_path)
    assert fonts and all("Sarabun" in f["name"] and f["emb"] == "yes" for f in fonts), fonts


def test_long_tables_repeat_their_header_and_running_title(org, data, user, units, tmp_path):
    _add_measures(org, user, units, 12)
    pages = page_texts(render(org, "measure-plan").content, tmp_path)
    assert len(pages) >= 3
    title = f"มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. {YEAR}"
    for number, page in enumerate(pages, start=1):
        assert "ขั้นตอน/วิธีปฏิบัติ" in page  # the thead on every page
        assert title in page  # the running title (one line in the page header)
        assert f"หน้า {number} / {len(pages)}" in page
    pages = page_texts(render(org, "progress").content, tmp_path)
    # The narrative (goals and guidelines) comes first; from the table on, every page has its head.
    first = next(i for i, page in enumerate(pages) if "รายละเอียด/ผลการดำเนินการ" in page)
    assert len(pages) - first >= 2
    assert all("รายละเอียด/ผลการดำเนินการ" in page for page in pages[first:])


# ---------------------------------------------------------------- measure-results


@pytest.mark.parametrize("thai", [False, True])
def test_measure_results_cover_intro_and_year_results(org, data, units, tmp_path, thai):
    preface = "ย่อหน้าแรกของคำนำ ปี 2568\n\nย่อหน้าที่สองของคำนำ"
    document = render(
        org, "measure-results", thai_digits=thai, layout="b", preface=preface, show_metadata=True
    )
    text = pdftotext(document.content, tmp_path)
    pages = page_texts(document.content, tmp_path)
    cover = pages[0]
    assert_in_pdf("รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", cover)
    assert_in_pdf(digits("ประจำปีงบประมาณ พ.ศ. 2568", thai), cover)
    assert_in_pdf(digits("(เดือนตุลาคม 2567 – กันยายน 2568)", thai), cover)
    assert_in_pdf(org.name, cover)
    assert_in_pdf("อำเภอเมือง จังหวัดนครราชสีมา", cover)
    assert_in_pdf("จัดทำโดย สำนักปลัด", cover)  # the first unit by default
    assert "หน้า" not in cover  # no page number on the cover
    assert squash("คำนำ") in squash(pages[1])
    assert_in_pdf(digits("ย่อหน้าแรกของคำนำ ปี 2568", thai), pages[1])
    assert_in_pdf("ย่อหน้าที่สองของคำนำ", pages[1])
    assert_in_pdf("จากการวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส", text)
    assert_in_pdf(f"ภายในหน่วยงานของ {org.name}", text)
    assert_measures_in(text, data["measures"], thai)
    # The whole year: each measure's latest entry (the 12-month round).
    for output in data["twelve_outputs"]:
        assert_in_pdf(output, text)
    assert_in_pdf("ประชาชนตรวจสอบการใช้จ่ายงบประมาณได้", text)  # outcome column
    assert_in_pdf(ProgressStatus.DONE.label, text)
    assert_in_pdf(ProgressStatus.NOT_STARTED.label, text)
    assert_in_pdf("ประกาศแผนบนเว็บไซต์ https://example.go.th/plan", text)
    assert_in_pdf("รายงานการประชุมประจำเดือน", text)
    assert_in_pdf(format_date(date(2025, 9, 15), thai_digits=thai), text)
    assert_digits(text, thai, first_numbered_page=2)
    html = render(org, "measure-results", output="html", preface=preface).content.decode()
    assert '<section class="preface">' in html
    assert html.count("<p>ย่อหน้า") == 2


def test_result_cells_hold_what_the_seeds_hold_by_default(org, data, tmp_path):
    """No status label beside a reported result, no report date, no raw link address: the
    metadata a clerk deletes by hand is an option (show_metadata), off by default."""
    clean = squash(pdf_text(org, "measure-results", tmp_path, layout="b"))
    full = squash(pdf_text(org, "measure-results", tmp_path, layout="b", show_metadata=True))
    for output in data["twelve_outputs"]:
        assert squash(output) in clean
    assert squash("รายงานเมื่อ") not in clean and squash("รายงานเมื่อ") in full
    assert squash(ProgressStatus.DONE.label) not in clean
    assert squash(ProgressStatus.DONE.label) in full
    assert squash("https://example.go.th/plan") not in clean  # its title is the link
    assert squash("ประกาศแผนบนเว็บไซต์") in clean and squash("https://example.go.th/plan") in full
    assert squash(ProgressStatus.NOT_STARTED.label) in clean  # nothing reported: said


def test_layout_c_has_no_cover_as_seed_003(org, data, tmp_path):
    pages = page_texts(render(org, "measure-results", layout="c").content, tmp_path)
    assert "จัดทำโดย" not in pages[0] and squash("รายงานผลการดำเนินการ") in squash(pages[0])
    assert "จัดทำโดย" in page_texts(render(org, "measure-results", layout="b").content, tmp_path)[0]


def test_long_rows_may_break_and_short_ones_stay_whole(org, data, units, user, rounds):
    long_measure = measure_create(
        organisation=org,
        year=YEAR,
        user=user,
        title="มาตรการที่มีขั้นตอนยาวมาก",
        responsible_units=[units["สำนักปลัด"]],
        timeframe_kind="quarters",
        quarters=[2],
        steps=["ขั้นตอนที่อธิบายรายละเอียดการดำเนินงานอย่างครบถ้วน " * 8] * 3,
    )
    html = render(org, "measure-plan", output="html").content.decode()
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    long_rows = [r for r in rows if long_measure.title in r]
    assert long_rows and long_rows[0].startswith(' class="can-break"')
    assert any(not r.startswith(' class="can-break"') for r in rows if long_measure.title not in r)


def test_the_documents_page_drafts_the_preface(login, org, data, staff):
    page = login(staff).get(reverse("documents:document_index", args=[org.code, YEAR]))
    assert f"{org.name} ได้จัดทำมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน" in (
        page.content.decode()
    )


@pytest.mark.parametrize("layout", ["a", "b", "c"])
def test_measure_results_layouts_show_their_columns(org, data, tmp_path, layout):
    text = pdf_text(org, "measure-results", tmp_path, layout=layout)
    for label, _width in LAYOUTS[layout]:
        assert_in_pdf(label, text)
    assert_measures_in(text, data["measures"], thai=False)
    for output in data["twelve_outputs"]:
        assert_in_pdf(output, text)
    if layout == "a":
        assert_in_pdf("ตัวชี้วัดที่ 3 การใช้อำนาจ (IIT i7)", text)
        assert_in_pdf(data["measures"][0].problem, text)
        assert_in_pdf(data["measures"][0].monitoring, text)
    if layout == "c":
        assert_in_pdf("ควรเพิ่มการเผยแพร่ผ่านไลน์กลุ่มหมู่บ้าน", text)  # ข้อเสนอแนะ


def test_measure_results_for_a_round_shows_only_that_round(org, data, rounds, units, tmp_path):
    six = rounds["six"]
    text = pdf_text(
        org,
        "measure-results",
        tmp_path,
        round_id=six.pk,
        thai_digits=True,
        prepared_by_unit_id=units["งานนิติการ"].pk,
        show_metadata=True,
    )
    for output in data["six_outputs"]:
        assert_in_pdf(to_thai_digits(output), text)
    for output in data["twelve_outputs"]:
        assert squash(output) not in squash(text)
    assert_in_pdf("(เดือนตุลาคม ๒๕๖๗ – มีนาคม ๒๕๖๘)", text)
    assert_in_pdf(
        "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน รอบ ๖ เดือน", text
    )
    assert_in_pdf(ProgressStatus.IN_PROGRESS.label, text)
    assert_in_pdf("ยังไม่มีการรายงานผล", text)  # the complaints measure has no 6-month entry
    assert_in_pdf("จัดทำโดย งานนิติการ", text)


# ---------------------------------------------------------------- progress


@pytest.mark.parametrize("thai", [False, True])
def test_progress_report_groups_measures_by_goal(org, data, rounds, tmp_path, thai):
    document = render(org, "progress", thai_digits=thai)  # default: the first round
    text = pdftotext(document.content, tmp_path)
    six = rounds["six"]
    assert_in_pdf(
        digits(
            "รายงานความก้าวหน้าการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน "
            + six.name,
            thai,
        ),
        text,
    )
    assert_in_pdf(org.name, text)
    assert_in_pdf(digits(f"(ระหว่างเดือน{six.span})", thai), text)
    for header in ["แนวปฏิบัติ", "หน่วยงานรับผิดชอบ", "รายละเอียด/ผลการดำเนินการ"]:
        assert_in_pdf(header, text)
    assert_in_pdf(digits(f"เป้าประสงค์ที่ 1 {data['goal']}", thai), text)
    assert_measures_in(text, data["measures"], thai, timeframe=False)
    complaints = data["measures"][2]
    # Rows in goal order, each with its status and the round's output.
    assert_in_pdf(f"{ProgressStatus.DONE.label} {digits(data['six_outputs'][0], thai)}", text)
    assert_in_pdf(f"{ProgressStatus.IN_PROGRESS.label} {data['six_outputs'][1]}", text)
    # The measure without a goal sits under "มาตรการ", numbered from 1 again.
    assert_in_pdf(f"มาตรการ {digits('1', thai)}) {complaints.title}", text)
    assert_in_pdf(f"{ProgressStatus.NOT_STARTED.label} ยังไม่มีการรายงานผล", text)
    for output in data["twelve_outputs"]:
        assert squash(output) not in squash(text)
    summary = " ".join(f"{label} {digits('1', thai)} รายการ" for label in ProgressStatus.labels)
    assert_in_pdf(f"มาตรการทั้งหมด {digits('3', thai)} รายการ {summary}", text)
    assert_digits(text, thai)


def test_progress_report_for_the_twelve_month_round(org, data, rounds, tmp_path):
    text = pdf_text(org, "progress", tmp_path, round_id=rounds["twelve"].pk)
    for output in data["twelve_outputs"]:
        assert_in_pdf(output, text)
    assert_in_pdf("ควรเพิ่มการเผยแพร่ผ่านไลน์กลุ่มหมู่บ้าน", text)
    assert_in_pdf(f"{ProgressStatus.DONE.label} 2 รายการ", text)


def test_progress_status_sits_in_its_row(org, data):
    html = render(org, "progress", output="html").content.decode()
    rows = re.findall(r"<tr[^>]*>\s*<td.*?</tr>", html, flags=re.S)
    budget, procurement, complaints = data["measures"]
    by_title = {m.title: m for m in data["measures"]}
    found = {}
    for row in rows:
        for title in by_title:
            if title in row:
                found[title] = re.search(r'class="status status-center">([^<]*)<', row).group(1)
    assert found == {
        budget.title: ProgressStatus.DONE.label,
        procurement.title: ProgressStatus.IN_PROGRESS.label,
        complaints.title: ProgressStatus.NOT_STARTED.label,
    }


def test_a_goal_heading_never_ends_a_page(org, catalogue, user, units, rounds, tmp_path):
    for n in range(14):
        measure_create(
            organisation=org,
            year=YEAR,
            user=user,
            title=f"มาตรการที่ {n + 1} การเสริมสร้างวัฒนธรรมองค์กร",
            goal=f"เป้าหมายลำดับ {n + 1} เพื่อให้หน่วยงานโปร่งใส",
            responsible_units=[units["กองคลัง"]],
            timeframe_kind="deadline",
            deadline=date(2025, 6, 30),
            steps=["ประชุมชี้แจงบุคลากรภายในหน่วยงานให้รับทราบแนวทางปฏิบัติ"] * (n % 5 + 1),
        )
    pages = page_texts(render(org, "progress").content, tmp_path)
    assert len(pages) >= 3
    for page in pages:
        # Drawn last: the running title and the page number; before them, the page's last row.
        last_row = page.splitlines()[-3]
        assert not last_row.startswith("เป้าประสงค์ที่"), page


def test_render_document_command_renders_a_round_in_a_layout(org, data, tmp_path):
    out = tmp_path / "results.html"
    call_command(
        "render_document",
        *("--kind", "measure-results", "--org", org.code, "--year", str(YEAR)),
        *("--round", "รอบ 6 เดือน", "--layout", "c", "--format", "html", "--output", str(out)),
        stdout=io.StringIO(),
    )
    html = out.read_text(encoding="utf-8")
    assert "ข้อเสนอแนะ" in html
    assert data["six_outputs"][1] in html
    assert data["twelve_outputs"][1] not in html


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("kind", KINDS)
def test_fiscal_year_is_required(org, data, kind):
    with pytest.raises(DocumentError, match="ต้องระบุปีงบประมาณ"):
        render(org, kind, output="html", year=None)


@pytest.mark.parametrize("kind", ["measure-results", "progress"])
def test_a_round_of_another_organisation_is_refused(org, other_org, data, kind):
    foreign = rounds_ensure_defaults(organisation=other_org, year=YEAR)[0]
    with pytest.raises(DocumentError, match="ไม่พบรอบการรายงาน"):
        render(org, kind, output="html", round_id=foreign.pk)


def test_a_round_of_another_year_is_refused(org, data):
    last_year = rounds_ensure_defaults(organisation=org, year=YEAR - 1)[0]
    with pytest.raises(DocumentError, match="ไม่พบรอบการรายงาน"):
        render(org, "measure-results", output="html", round_id=last_year.pk)


def test_unknown_layout_is_refused(org, data):
    with pytest.raises(DocumentError, match="ไม่รู้จักรูปแบบตาราง “d”"):
        render(org, "measure-results", output="html", layout="d")


def test_prepared_by_unit_of_another_organisation_is_refused(org, other_org, data):
    foreign = UnitFactory(organisation=other_org, name="สำนักปลัด")
    with pytest.raises(DocumentError, match="ส่วนราชการ"):
        render(org, "measure-results", output="html", prepared_by_unit_id=foreign.pk)


def test_progress_needs_a_round(org, data):
    with pytest.raises(DocumentError, match="ยังไม่มีรอบการรายงาน"):
        render(org, "progress", output="html", year=YEAR + 1)


@pytest.mark.parametrize("kind", KINDS)
def test_a_year_without_measures_still_renders(org, catalogue, rounds, kind):
    html = render(org, kind, output="html").content.decode()
    assert "ยังไม่มีมาตรการของปีงบประมาณนี้" in html


# ---------------------------------------------------------------- escaping and queries


@pytest.mark.parametrize("kind", KINDS)
def test_user_text_is_escaped(org, data, rounds, user, units, kind):
    measure = measure_create(
        organisation=org,
        year=YEAR,
        user=user,
        title="<script>alert('x')</script> มาตรการทดสอบ",
        responsible_units=[units["สำนักปลัด"]],
        timeframe_kind="deadline",
        deadline=date(2025, 6, 30),
        steps=["<b>ขั้นตอน</b> & ต่อไป"],
        goal="<i>เป้าประสงค์</i>",
    )
    progress_entry_record(
        measure=measure,
        round=rounds["six"],
        user=user,
        status=ProgressStatus.DONE,
        reported_on=date(2025, 3, 1),
        output='<img src="https://evil.example/x.png">ผล',
    )
    html = render(org, kind, output="html").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; มาตรการทดสอบ" in html
    assert "&lt;b&gt;ขั้นตอน&lt;/b&gt; &amp; ต่อไป" in html
    assert "<img" not in html and "<b>ขั้นตอน" not in html
    if kind != "measure-plan":
        assert "&lt;img src=&quot;https://evil.example/x.png&quot;&gt;ผล" in html


def _add_measures(org, user, units, count):
    rounds = sorted(rounds_ensure_defaults(organisation=org, year=YEAR), key=lambda r: r.end_date)
    items = list(framework_for_organisation(org, YEAR).items.order_by("pk")[:4])
    unit_list = list(units.values())
    for n in range(count):
        measure = measure_create(
            organisation=org,
            year=YEAR,
            user=user,
            title=f"มาตรการเพิ่มเติมที่ {n + 1} การเสริมสร้างวัฒนธรรมองค์กรที่โปร่งใสและตรวจสอบได้",
            problem="ประเด็นที่ต้องพัฒนาจากผลการประเมินของปีที่ผ่านมา",
            goal=f"เป้าประสงค์กลุ่ม {n % 3 + 1}" if n % 4 else "",
            items=items[n % 2 : n % 2 + 2],
            responsible_units=unit_list[: n % 3 + 1],
            timeframe_kind=["period", "deadline", "quarters"][n % 3],
            start_date=date(2024, 11, 1),
            end_date=date(2025, 8, 31),
            deadline=date(2025, 6, 30),
            quarters=[1, 4],
            steps=[
                "ประชุมชี้แจงบุคลากรภายในหน่วยงานให้รับทราบแนวทางปฏิบัติและบทบาทหน้าที่",
                "จัดทำประกาศและเผยแพร่ผ่านเว็บไซต์ของหน่วยงานและช่องทางสื่อสังคมออนไลน์",
                "ติดตามและรายงานผลการดำเนินการต่อผู้บริหารเป็นรายไตรมาส",
            ],
            expected_output="มีประกาศและรายงานผลเผยแพร่บนเว็บไซต์",
        )
        for round in rounds:
            entry = progress_entry_record(
                measure=measure,
                round=round,
                user=user,
                status=[ProgressStatus.DONE, ProgressStatus.IN_PROGRESS][n % 2],
                reported_on=round.end_date,
                output="ดำเนินการประชุมชี้แจงและเผยแพร่ประกาศบนเว็บไซต์ของหน่วยงานเรียบร้อยแล้ว",
                outcome="บุคลากรรับทราบและถือปฏิบัติ",
            )
            evidence_add_link(entry=entry, url=f"https://example.go.th/m{n}", user=user)


def _queries(org, kind, options):
    with CaptureQueriesContext(connection) as ctx:
        render(org, kind, output="html", **options)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "kind, options",
    [
        ("measure-plan", {}),
        ("measure-results", {"layout": "a"}),
        ("measure-results", {"layout": "c", "round_id": "six"}),
        ("progress", {}),
    ],
)
def test_query_count_does_not_grow_with_measures(org, data, rounds, user, units, kind, options):
    if options.get("round_id"):
        options = {**options, "round_id": rounds[options["round_id"]].pk}
    render(org, kind, output="html", **options)  # warm any one-off lookups
    with_three = _queries(org, kind, options)
    _add_measures(org, user, units, 9)
    with_twelve = _queries(org, kind, options)
    assert with_three == with_twelve
    assert with_three <= 10


def test_progress_report_has_seed_002s_narrative_from_the_data(org, data, tmp_path, login, staff):
    """The OIT result (drafted from the imported scores, editable), then the goals with their
    guidelines (the measures), then the table with the goal as its first column."""
    from tests.assessments.test_scoring import seed_assessment

    assert (
        "แบบตรวจการเปิดเผยข้อมูลสาธารณะ" not in render(org, "progress", output="html").content.decode()
    )
    seed_assessment(org)  # 2568: OIT 86.75, total 90.24 (ผ่านดี)
    text = squash(pdf_text(org, "progress", tmp_path))
    assert (
        squash(
            "แบบตรวจการเปิดเผยข้อมูลสาธารณะ (Open Data Integrity and Transparency Assessment : OIT)"
        )
        in text
    )
    assert (
        squash(
            "จากผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2568 หน่วยงานมีคะแนนแบบตรวจการเปิดเผยข้อมูลสาธารณะ"
            " (OIT) 86.75 คะแนน คะแนนรวม 90.24 คะแนน อยู่ในระดับผ่านดี"
        )
        in text
    )
    # (the paragraph above ends with the same words; the heading is their second use)
    narrative = text.split(squash("มาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใสภายใน"))[2]
    assert squash(f"เป้าประสงค์ที่ 1 {data['goal']} แนวปฏิบัติ 1)") in narrative
    html = render(org, "progress", output="html").content.decode()
    assert 'class="goal-cell" rowspan="2"' in html  # the goal spans its two measures
    edited = squash(
        pdf_text(org, "progress", tmp_path, oit_paragraph="หน่วยงานมีคะแนน OIT อยู่ในระดับดีเยี่ยม")
    )
    assert squash("หน่วยงานมีคะแนน OIT อยู่ในระดับดีเยี่ยม") in edited
    assert squash("จากผลการประเมิน ITA") not in edited
    page = login(staff).get(reverse("documents:document_index", args=[org.code, YEAR]))
    assert 'name="oit_paragraph"' in page.content.decode()


def test_render_document_command_takes_the_webs_options(org, data, tmp_path):
    out = tmp_path / "results.docx"
    call_command(
        "render_document",
        *("--kind", "measure-results", "--org", org.code, "--year", str(YEAR)),
        *("--layout", "c", "--format", "docx", "--show-metadata", "--thai-digits"),
        *("--preface", "คำนำทดสอบ ปี 2568", "--output", str(out)),
        stdout=io.StringIO(),
    )
    from docx import Document

    text = " ".join(p.text for p in Document(str(out)).paragraphs)
    assert "คำนำทดสอบ ปี ๒๕๖๘" in text
