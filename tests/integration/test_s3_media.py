"""Media on S3-compatible storage: a private bucket on moto's S3 server, shared by this process
and the Celery worker (`s3_services` in conftest.py; both read the same MEDIA_S3_* variables).

As users would: evidence is uploaded through the forms, the memo goes up the chain and its final
approval is posted by the mayor; the public pages then serve the stored files through the app
(with their headers) and nothing is readable from the bucket without credentials. Nothing is
written to the media folder.
"""

import hashlib
import time
import urllib.error
import urllib.request

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from approvals import selectors as approval_selectors
from approvals import services as memos
from approvals.models import Decision, MemoStatus
from assessments.models import ImportStatus
from assessments.services import score_import_start
from measures.models import Evidence
from oit import services as oit
from oit.models import OitEvidence
from publication.models import Publication, PublishedFile
from tests.assessments.test_imports import seed_rows, workbook
from tests.measures.helpers import PDF_BYTES
from tests.memo_helpers import YEAR, act, new_memo, setup_chain

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PUBLISH_SECONDS = 60  # publication may run inline (today) or on the queue (issue 18)
PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}
SANDBOX = "default-src 'none'; sandbox"
OIT_PDF = PDF_BYTES.replace(b"%%EOF", b"% OIT\n%%EOF")


def _anonymous_get(url: str) -> int:
    """The status of an unsigned GET, as anyone on the network could send it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _public_file(client, url: str, body: bytes, content_type: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert b"".join(response.streaming_content) == body
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX
    assert response["Content-Disposition"].startswith("inline")  # a PDF
    return response


def test_evidence_publication_and_withdrawal_with_media_on_s3(
    s3_services, org, staff, org_admin, approver, central_admin
):
    services = s3_services
    services.require()
    s3, bucket = services.s3, services.bucket
    unit, rounds, measure, template, mayor = setup_chain(org, staff, org_admin, approver)
    assert default_storage.__class__.__name__ == "S3Storage"

    # The worker reads from the bucket: a score workbook stored here is previewed there.
    record = score_import_start(
        user=central_admin,
        content=workbook(seed_rows(org.code)),
        file_name="คะแนน.xlsx",
        dry_run=True,
        create_organisations=False,
    )

    def previewed():
        record.refresh_from_db()
        return record.status in {ImportStatus.PREVIEWED, ImportStatus.FAILED}

    services.wait_for(previewed, timeout=120, what="the worker to preview the workbook")
    assert record.status == ImportStatus.PREVIEWED, (record.errors, services.log_tail())
    assert s3.head_object(Bucket=bucket, Key=services.object_key(record.file.name))

    # Evidence uploaded through the forms, as staff would.
    user = Client()
    user.force_login(staff)
    response = user.post(
        reverse("measures:progress_edit", args=[org.code, measure.pk, rounds[0].pk]),
        {
            "status": "done",
            "output": "จัดทำคู่มือแล้ว 12 เรื่อง",
            "outcome": "",
            "recommendations": "",
            "reported_on": "20/03/2568",
            "files": [SimpleUploadedFile("คู่มือ.pdf", PDF_BYTES, content_type="application/pdf")],
            "links": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = Evidence.objects.get(progress_entry__measure=measure, kind="file")
    response = user.post(
        reverse("oit:item_add_file", args=[org.code, YEAR, "o14"]),
        {
            "file-file": SimpleUploadedFile("hr.pdf", OIT_PDF, content_type="application/pdf"),
            "file-title": "แผนบุคลากร",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    oit_evidence = OitEvidence.objects.get(entry__organisation=org, kind="file")
    # The organisation's own download reads the private upload back from the bucket.
    download = user.get(reverse("measures:evidence_download", args=[org.code, evidence.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Cache-Control"] == "private, no-store"

    # One memo: the measure results (which freeze the evidence) and the OIT file.
    texts = memos.memo_draft_texts(
        organisation=org, fiscal_year=YEAR, kind="measure-results", round_name="รอบ 6 เดือน"
    )
    memo = new_memo(
        org,
        staff,
        unit,
        rounds,
        attachments=[
            {
                "kind": "measure-results",
                "fiscal_year": YEAR,
                "options": {"round_id": rounds[0].pk},
                "title": texts["title"],
            },
            {
                "kind": oit.OIT_FILE_KIND,
                "fiscal_year": YEAR,
                "options": {"evidence_id": oit_evidence.pk},
                "title": "หลักฐานข้อ o14: แผนบุคลากร",
            },
        ],
    )
    memos.memo_submit(memo=memo, user=staff, template=template)
    for person in (org_admin, approver):
        act(memo, person, Decision.APPROVED)
    memo.refresh_from_db()
    step = approval_selectors.current_step(memo)
    assert step.is_final and step.assignee_id == mayor.pk

    # The mayor's final approval, posted as the mayor would.
    signer = Client()
    signer.force_login(mayor)
    response = signer.post(
        reverse("approvals:memo_act", args=[org.code, memo.pk]),
        {"step": step.pk, "decision": "approved"},
    )
    assert response.status_code == 302

    def published():
        kinds = set(Publication.objects.filter(memo=memo).values_list("kind", flat=True))
        oit_evidence.refresh_from_db()
        return kinds == {"measure-results", "memo"} and oit_evidence.published_at is not None

    services.wait_for(published, timeout=PUBLISH_SECONDS, what="the memo's publications")
    memo.refresh_from_db()
    assert memo.status == MemoStatus.APPROVED
    results = Publication.objects.get(memo=memo, kind="measure-results")
    frozen = PublishedFile.objects.get(publication=results, kind="file")

    # Every stored file is an object in the bucket, with the checksum the database keeps.
    names = {
        results.html.name: results.html_sha256,
        results.pdf.name: results.pdf_sha256,
        frozen.file.name: frozen.sha256,
        oit_evidence.published_file.name: oit_evidence.file_sha256,
        evidence.file.name: hashlib.sha256(PDF_BYTES).hexdigest(),
        oit_evidence.file.name: oit_evidence.file_sha256,
    }
    if results.docx:
        names[results.docx.name] = results.docx_sha256
    stored = {
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for item in page.get("Contents", [])
    }
    for name, digest in names.items():
        key = services.object_key(name)
        assert key in stored, f"{key} is not in the bucket"
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert hashlib.sha256(body).hexdigest() == digest, key
    assert not any(services.media_root.rglob("*")), "a file was written to the media folder"

    # Nothing in the bucket is public: no object or bucket grant to everyone, no bucket policy,
    # and an unsigned GET of an object is refused (moto's server enforces object ACLs).
    for key in stored:
        grants = s3.get_object_acl(Bucket=bucket, Key=key)["Grants"]
        assert not {g["Grantee"].get("URI") for g in grants} & PUBLIC_GRANTEES, key
        assert (
            _anonymous_get(f"{services.media_env['MEDIA_S3_ENDPOINT_URL']}/{bucket}/{key}") == 403
        )
    grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
    assert not {g["Grantee"].get("URI") for g in grants} & PUBLIC_GRANTEES
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket=bucket)
    # A URL the storage would give is signed and short-lived, never a public address.
    assert "X-Amz-Signature=" in default_storage.url(results.pdf.name)

    # The public pages serve the stored files through the app, with their headers.
    visitor = Client()
    pdf = visitor.get(reverse("public:document_pdf", args=[org.code, YEAR, "measure-results"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == results.pdf_sha256
    assert pdf["X-Content-Type-Options"] == "nosniff"
    again = visitor.get(reverse("public:document_pdf", args=[org.code, YEAR, "measure-results"]))
    assert hashlib.sha256(b"".join(again.streaming_content)).hexdigest() == results.pdf_sha256
    page = visitor.get(reverse("public:document", args=[org.code, YEAR, "measure-results"]))
    assert page.status_code == 200 and org.name in page.content.decode()
    file_url = reverse(
        "public:document_file",
        args=[org.code, YEAR, "measure-results", results.revision, frozen.number],
    )
    assert file_url in page.content.decode()
    _public_file(visitor, file_url, PDF_BYTES, "application/pdf")
    _public_file(
        visitor,
        reverse("public:oit_file", args=[org.code, YEAR, "o14", oit_evidence.pk]),
        OIT_PDF,
        "application/pdf",
    )
    docx = visitor.get(reverse("public:document_docx", args=[org.code, YEAR, "measure-results"]))
    assert docx.status_code == 200 and docx["Content-Disposition"].startswith("attachment")
    assert b"".join(docx.streaming_content).startswith(b"PK")

    # Withdrawn by the organisation's admin: the public URLs show the notice.
    admin = Client()
    admin.force_login(org_admin)
    response = admin.post(
        reverse("publication:publication_withdraw", args=[org.code, results.pk]),
        {"reason": "ข้อมูลคลาดเคลื่อน"},
    )
    assert response.status_code == 302
    deadline = time.monotonic() + 10
    for name in ("document", "document_pdf"):
        url = reverse(f"public:{name}", args=[org.code, YEAR, "measure-results"])
        response = visitor.get(url)
        while response.status_code != 410 and time.monotonic() < deadline:
            time.sleep(0.2)  # a cached page is retired by the withdrawal
            response = visitor.get(url)
        assert response.status_code == 410, url
        text = response.content.decode()
        assert "ถูกถอนการเผยแพร่เมื่อ" in text and "ข้อมูลคลาดเคลื่อน" in text
    assert visitor.get(file_url).status_code == 410
    # The files stay: a withdrawn publication is kept as the record of what was published.
    assert s3.head_object(Bucket=bucket, Key=services.object_key(results.pdf.name))
