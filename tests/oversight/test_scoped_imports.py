"""A provincial user imports scores for the agencies of their province only: a row of another
province is refused, naming its row and code, and nothing is written."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessments.models import ImportStatus, Score, ScoreImport
from organisations.models import OversightScope, ScopeLevel
from tests.assessments.test_imports import seed_rows, workbook
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provincial(client, org):
    call_command("load_framework", stdout=io.StringIO())
    org.province = "นครราชสีมา"
    org.save()
    user = UserFactory(username="province")
    OversightScope.objects.create(user=user, level=ScopeLevel.PROVINCE, province="นครราชสีมา")
    client.force_login(user)
    return client


def _upload(client, content, captured, **extra):
    with captured(execute=True):
        client.post(
            reverse("assessments:import_list"),
            {"file": SimpleUploadedFile("คะแนน.xlsx", content), **extra},
        )
    return ScoreImport.objects.latest("created_at")


def test_an_agency_of_another_province_is_refused_by_row(
    provincial, org, django_capture_on_commit_callbacks
):
    OrganisationFactory(code="3101001", province="บุรีรัมย์")
    rows = seed_rows(org.code) + [("3101001", 2568, "i1", 90)]
    record = _upload(provincial, workbook(rows), django_capture_on_commit_callbacks)
    assert record.status == ImportStatus.FAILED and Score.objects.count() == 0
    (error,) = record.errors
    assert error["row"] == len(rows) + 1 and error["value"] == "3101001"
    assert "ไม่อยู่ในขอบเขตที่ท่านกำกับดูแล" in error["message"]


def test_their_own_province_imports_and_creating_agencies_is_not_offered(
    provincial, org, django_capture_on_commit_callbacks
):
    page = provincial.get(reverse("assessments:import_list")).content.decode()
    assert "create_organisations" not in page and "จังหวัดนครราชสีมา" in page
    record = _upload(
        provincial,
        workbook(seed_rows(org.code)),
        django_capture_on_commit_callbacks,
        create_organisations="on",  # ignored: the field is not theirs
    )
    assert record.status == ImportStatus.PREVIEWED and not record.create_organisations
    with django_capture_on_commit_callbacks(execute=True):
        provincial.post(reverse("assessments:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE and Score.objects.count() == len(seed_rows())


def test_an_unknown_code_cannot_be_created_by_a_provincial_user(
    provincial, org, django_capture_on_commit_callbacks
):
    rows = [("9999999", 2568, "i1", 90)]
    record = _upload(provincial, workbook(rows), django_capture_on_commit_callbacks)
    assert record.status == ImportStatus.FAILED
    assert "สร้างหน่วยงานใหม่ไม่ได้" in record.errors[0]["message"]


def test_they_see_only_their_own_imports(provincial, org, central_admin):
    theirs = ScoreImport.objects.create(
        created_by=central_admin, file_name="ของส่วนกลาง.xlsx", sha256="0" * 64
    )
    page = provincial.get(reverse("assessments:import_list")).content.decode()
    assert "ของส่วนกลาง.xlsx" not in page
    assert provincial.get(reverse("assessments:import_detail", args=[theirs.pk])).status_code == 404


def test_the_score_export_keeps_to_their_scope(provincial, org):
    from openpyxl import load_workbook

    from tests.assessments.test_scoring import seed_assessment

    other = OrganisationFactory(code="3101001", province="บุรีรัมย์")
    seed_assessment(org, 2568)
    seed_assessment(other, 2568)
    response = provincial.get(reverse("assessments:score_export"), {"year": 2568})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    codes = {r[0] for r in book.active.iter_rows(min_row=2, values_only=True)}
    assert codes == {org.code}
