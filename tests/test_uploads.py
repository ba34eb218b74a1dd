"""Upload limits people see before they wait (issue 16): each upload field states its limit and
types and carries them for the browser's check; the server refuses an oversize body from its
Content-Length, before reading it, with a Thai page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.forms import ScoreImportForm
from ita_portal.uploads import size_label
from measures.forms import ProgressForm
from oit.forms import FileEvidenceForm
from tests.measures.helpers import PDF_BYTES
from tests.memo_helpers import setup_chain

pytestmark = pytest.mark.django_db


def test_size_labels():
    assert size_label(20 * 1024 * 1024) == "20 MB"
    assert size_label(1536 * 1024) == "1.5 MB"
    assert size_label(800 * 1024) == "800 KB"


def test_every_upload_form_states_its_limit_and_types():
    for form, field, limit in (
        (ProgressForm(), "files", "20 MB"),
        (FileEvidenceForm(), "file", "20 MB"),
        (ScoreImportForm(), "file", "50 MB"),
    ):
        html = str(form[field])
        assert "accept=" in html and 'data-max-bytes="' in html, html
        assert limit in form.fields[field].help_text
    assert "รวมไม่เกิน 50 MB ต่อครั้ง" in ProgressForm().fields["files"].help_text


def test_an_oversize_upload_is_refused_before_its_body_is_read(
    login, org, staff, org_admin, approver
):
    """A 60 MB body for a 20 MB field: 413 in Thai, decided from the header alone (the body
    sent here is tiny; a body read would not be 60 MB)."""
    unit, rounds, measure, *_ = setup_chain(org, staff, org_admin, approver)
    client = login(staff)
    url = reverse("measures:progress_edit", args=[org.code, measure.pk, rounds[0].pk])
    response = client.post(
        url,
        data=b"x",
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
        HTTP_REFERER=f"http://testserver{url}",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "ข้อมูลที่ส่งมีขนาด 60 MB เกินขนาดที่รับได้ 51 MB" in page
    assert f'href="http://testserver{url}"' in page
    assert measure.progress.get(round=rounds[0]).evidence.count() == 0


def test_a_text_form_takes_a_small_body_only(login, org, staff):
    response = Client().post(
        "/accounts/login/", data=b"x", content_type="text/plain", CONTENT_LENGTH=str(7 * 1024**2)
    )
    assert response.status_code == 413


def test_a_normal_upload_passes(login, org, staff, org_admin, approver):
    unit, rounds, measure, *_ = setup_chain(org, staff, org_admin, approver)
    client = login(staff)
    url = reverse("measures:progress_edit", args=[org.code, measure.pk, rounds[0].pk])
    response = client.post(
        url,
        {
            "status": "done",
            "output": "ทำแล้ว",
            "reported_on": "20/03/2568",
            "files": [SimpleUploadedFile("หลักฐาน.pdf", PDF_BYTES)],
        },
    )
    assert response.status_code == 302
    assert measure.progress.get(round=rounds[0]).evidence.count() == 1
