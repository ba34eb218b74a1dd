"""The framework import/export in the admin: the screens admins actually use."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessments.catalogue import framework_export_xlsx
from assessments.models import Framework
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    call_command("load_framework", stdout=io.StringIO())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_export_action_downloads_a_workbook(admin_client):
    fw = Framework.objects.get(fiscal_year__year=2568, variant="อปท.")
    response = admin_client.post(
        reverse("admin:assessments_framework_changelist"),
        {"action": "export_xlsx", "_selected_action": [fw.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content.startswith(b"PK")


def test_import_view(admin_client):
    url = reverse("admin:assessments_framework_import")
    assert "นำเข้ากรอบการประเมินจากไฟล์ Excel" in admin_client.get(url).content.decode()
    bad = admin_client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert "ไฟล์ต้องเป็น .xlsx" in bad.content.decode()
    empty = admin_client.post(url, {})
    assert "ไฟล์กรอบการประเมิน" in empty.content.decode() and empty.status_code == 200
    fw = Framework.objects.get(fiscal_year__year=2568, variant="อปท.")
    ok = admin_client.post(url, {"file": SimpleUploadedFile("fw.xlsx", framework_export_xlsx(fw))})
    assert ok.status_code == 302
    assert ok["Location"] == reverse("admin:assessments_framework_change", args=[fw.pk])


def test_import_view_needs_admin(client, staff):
    url = reverse("admin:assessments_framework_import")
    assert client.get(url).status_code == 302
    client.force_login(staff)
    assert client.get(url).status_code == 302  # not staff: sent to the admin login


def test_an_items_page_offers_only_last_years_items_named_with_their_year(admin_client):
    item = Framework.objects.get(fiscal_year__year=2569, variant="").items.get(code="o8")
    page = admin_client.get(reverse("admin:assessments_item_change", args=[item.pk]))
    field = page.context["adminform"].form.fields["predecessors"]
    years = {i.framework.fiscal_year.year for i in field.queryset}
    assert years == {2568}
    labels = [field.label_from_instance(i) for i in field.queryset]
    assert all(label.startswith("2568 ") for label in labels)
    assert any(label.startswith("2568 อปท. · o") for label in labels)  # two groups in 2568
    assert any(label.startswith("2568 · o") for label in labels)
    html = page.content.decode()
    assert "2568 อปท. · " in html and "2567 " not in html


def test_an_areas_page_offers_only_its_frameworks_items(admin_client):
    framework = Framework.objects.get(fiscal_year__year=2568, variant="อปท.")
    area = framework.analysis_areas.first()
    page = admin_client.get(reverse("admin:assessments_analysisarea_change", args=[area.pk]))
    field = page.context["adminform"].form.fields["items"]
    assert {i.framework_id for i in field.queryset} == {framework.pk}
    assert field.queryset.count() == framework.items.count()
