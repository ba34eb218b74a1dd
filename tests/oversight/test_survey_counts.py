"""Oversight records IIT/EIT response counts of many agencies from one file: in scope only,
all or nothing, each bad row named in Thai."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.models import SurveyDrive
from organisations.models import OversightScope, ScopeLevel
from oversight.models import AgencyStatus
from tests.factories import OrganisationFactory, UserFactory

from .helpers import drop_pending_refreshes

pytestmark = pytest.mark.django_db

URL = "/oversight/survey-counts/"


@pytest.fixture
def world(db):
    call_command("load_framework", stdout=io.StringIO())
    kong = OrganisationFactory(code="6301401", province="นครราชสีมา", district="คง")
    dan = OrganisationFactory(code="6301902", province="นครราชสีมา", district="ด่านขุนทด")
    buri = OrganisationFactory(code="3101001", province="บุรีรัมย์")
    user = UserFactory(username="province")
    OversightScope.objects.create(user=user, level=ScopeLevel.PROVINCE, province="นครราชสีมา")
    client = Client()
    client.force_login(user)
    return client, kong, dan, buri


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["รหัสหน่วยงาน", "IIT", "EIT"])
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _post(client, content, captured, year=2569, name="จำนวนผู้ตอบ.xlsx"):
    drop_pending_refreshes()
    with captured(execute=True):
        return client.post(
            URL, {"year": year, "file": SimpleUploadedFile(name, content)}, follow=True
        )


def test_counts_of_their_agencies_are_recorded_and_their_rows_refreshed(
    world, django_capture_on_commit_callbacks
):
    client, kong, dan, _ = world
    page = _post(
        client,
        _xlsx([("6301401", 18, 42), ("6301902", "๒๕", None)]),
        django_capture_on_commit_callbacks,
    )
    assert "บันทึกจำนวนผู้ตอบแบบวัดปี 2569 แล้ว 2 หน่วยงาน" in page.content.decode()
    drives = {d.organisation.code: d for d in SurveyDrive.objects.select_related("organisation")}
    assert (drives["6301401"].iit_responses, drives["6301401"].eit_responses) == (18, 42)
    assert (drives["6301902"].iit_responses, drives["6301902"].eit_responses) == (25, None)
    row = AgencyStatus.objects.get(organisation=kong, year=2569)
    assert (row.iit_responses, row.eit_responses) == (18, 42)


def test_a_row_outside_their_scope_or_bad_writes_nothing_and_is_named(
    world, django_capture_on_commit_callbacks
):
    client, *_ = world
    rows = [("6301401", 18, 42), ("3101001", 5, 5), ("6301902", "มาก", 3), ("9999999", 1, 1)]
    page = _post(client, _xlsx(rows), django_capture_on_commit_callbacks).content.decode()
    assert "ไม่ได้บันทึกข้อมูลใด ๆ" in page
    assert "แถวที่ 3: ท่านไม่มีสิทธิ์นำเข้าข้อมูลของ" in page
    assert "แถวที่ 4:" in page and "แถวที่ 5: ไม่พบหน่วยงานรหัส “9999999”" in page
    assert not SurveyDrive.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not a workbook", "x.xlsx", "ไม่ใช่ไฟล์ Excel"),
        (b"", "empty.xlsx", "ไฟล์ที่ส่งว่างเปล่า"),
        (b"PK\x03\x04garbage", "broken.xlsx", "ไฟล์เสียหาย"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_in_thai(
    world, django_capture_on_commit_callbacks, content, name, message
):
    client, *_ = world
    page = _post(client, content, django_capture_on_commit_callbacks, name=name)
    assert message in page.content.decode() and not SurveyDrive.objects.exists()


def test_a_bad_year_is_refused_in_thai(world, django_capture_on_commit_callbacks):
    client, *_ = world
    page = _post(client, _xlsx([("6301401", 1, 1)]), django_capture_on_commit_callbacks, year="x")
    assert "ปีงบประมาณต้องเป็นปี พ.ศ." in page.content.decode()


def test_the_template_lists_the_agencies_in_scope(world):
    client, *_ = world
    response = client.get(reverse("oversight:survey_template"))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    codes = [r[0] for r in book.active.iter_rows(min_row=2, values_only=True)]
    assert codes == ["6301401", "6301902"]


@pytest.mark.parametrize(("persona", "status"), [("anonymous", 302), ("staff", 403)])
def test_only_oversight_may_open_it(persona, status, request, org):
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == status
    assert client.get(reverse("oversight:survey_template")).status_code == status
