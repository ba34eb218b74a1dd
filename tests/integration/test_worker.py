"""A real Celery worker: a score import and a publication run in another process.

The worker (`celery -A ita_portal worker --pool=solo`) shares this test's PostgreSQL database,
the Redis broker, result backend and cache, and the media folder (see conftest.py). Nothing here
runs inline: the test process only sends tasks and reads the database, cache and files.
"""

import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command

from approvals import selectors as approval_selectors
from approvals import services as memos
from approvals.models import Decision, MemoStatus, PublicationState
from assessments.models import Assessment, ImportStatus, Score, ScoreImport
from assessments.services import score_import_commit, score_import_start
from assessments.tasks import progress_key, read_progress
from organisations.models import Organisation
from publication.models import Publication
from tests.assessments.test_imports import workbook
from tests.factories import UserFactory
from tests.memo_helpers import YEAR, act, new_memo, setup_chain

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

IMPORT_ORGANISATIONS = 200  # × 60 rows: long enough to watch its live progress
SEED = json.loads(
    (settings.BASE_DIR / "fixtures" / "demo-scores-2568.json").read_text(encoding="utf-8")
)


def _rows(codes):
    rows = []
    for n, code in enumerate(codes):
        rows += [(code, 2568, k, round(max(0, v - n % 7), 2)) for k, v in SEED["items"].items()]
        rows += [(code, 2568, f"ind{k}", v) for k, v in SEED["indicators"].items()]
    return rows


def _run_until(services, record, statuses, seen_live):
    """Poll the record (database) and its progress (shared Redis cache) until it settles."""

    def settled():
        record.refresh_from_db()
        progress = read_progress(record)
        if not progress["finished"] and progress["phase"] in {"read", "validate", "write"}:
            seen_live.append(progress)
        return record.status in statuses

    services.wait_for(settled, timeout=180, what=f"import {record.pk} to reach {statuses}")
    return record


def test_score_import_runs_in_the_worker(services):
    services.require()
    call_command("load_framework", stdout=io.StringIO())
    admin = UserFactory(username="central")
    admin.user_permissions.add(Permission.objects.get(codename="act_as_central_admin"))
    codes = [f"81{n:05d}" for n in range(IMPORT_ORGANISATIONS)]
    Organisation.objects.bulk_create(
        Organisation(name=f"องค์การบริหารส่วนตำบลบริการ{n}", code=c) for n, c in enumerate(codes)
    )
    rows = _rows(codes)
    seen_live: list[dict] = []

    # Preview: queued on the broker by the service, picked up and run by the worker.
    record = score_import_start(
        user=admin,
        content=workbook(rows),
        file_name="คะแนน-2568.xlsx",
        dry_run=True,
        create_organisations=False,
    )
    _run_until(services, record, {ImportStatus.PREVIEWED, ImportStatus.FAILED}, seen_live)
    assert record.status == ImportStatus.PREVIEWED, (record.errors, services.log_tail())
    assert record.rows_total == record.scores_created == len(rows) and record.error_count == 0
    # A preview writes nothing.
    assert Score.objects.count() == 0 and Assessment.objects.count() == 0

    # Commit: the same stored file, run for real by the worker.
    score_import_commit(record=record, user=admin)
    _run_until(services, record, {ImportStatus.DONE, ImportStatus.FAILED}, seen_live)
    assert record.status == ImportStatus.DONE, (record.errors, services.log_tail())
    assert Score.objects.count() == len(rows)
    assert Assessment.objects.count() == IMPORT_ORGANISATIONS
    assert Score.objects.get(assessment__organisation__code=codes[3], code="i1").score == Decimal(
        str(round(SEED["items"]["i1"] - 3, 2))
    )
    assert record.seconds > 0 and record.finished_at is not None
    # Live progress written by the worker was read here, through the shared Redis cache ...
    assert seen_live, "no live progress seen from the worker (is the cache shared?)"
    assert {p["phase"] for p in seen_live} <= {"read", "validate", "write"}
    # ... and removed when the run ended.
    assert cache.get(progress_key(record.pk)) is None
    assert ScoreImport.objects.count() == 1


@pytest.fixture
def chain(org, staff, org_admin, approver):
    return setup_chain(org, staff, org_admin, approver)


def test_publication_runs_in_the_worker(
    services, client, org, staff, org_admin, approver, chain, monkeypatch
):
    """The final approval returns at once; the worker renders, stores and checksums the files,
    and only then do the public URLs answer."""
    services.require()
    import documents.registry

    def not_here(html):
        raise AssertionError("the web process rendered a PDF")

    monkeypatch.setattr(documents.registry, "html_to_pdf", not_here)
    unit, rounds, _, template, mayor = chain
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)
    for user in (org_admin, approver):
        act(memo, user, Decision.APPROVED)
    memo.refresh_from_db()
    step = approval_selectors.current_step(memo)
    assert step.is_final and step.assignee_id == mayor.pk
    assert not Publication.objects.exists()

    # The final approval, as the web request makes it: recorded, the publication queued.
    act(memo, mayor, Decision.APPROVED)
    memo.refresh_from_db()
    assert memo.status == MemoStatus.APPROVED
    assert memo.publication_state in (PublicationState.PENDING, PublicationState.PUBLISHED)

    def published():
        memo.refresh_from_db()
        assert memo.publication_state != PublicationState.FAILED, memo.publication_error
        return memo.publication_state == PublicationState.PUBLISHED

    services.wait_for(published, timeout=240, what="the worker to publish the memo", every=0.2)
    publications = {p.kind: p for p in Publication.objects.filter(memo=memo)}
    assert set(publications) == {"measure-results", "memo"}
    for publication in publications.values():
        for field, digest in (
            (publication.html, publication.html_sha256),
            (publication.pdf, publication.pdf_sha256),
        ):
            path = services.media_root / field.name
            assert path.is_file(), f"{path} was not written to the shared media folder"
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest

    # The public URLs serve what the worker stored.
    stored_pdf = (services.media_root / publications["measure-results"].pdf.name).read_bytes()
    response = client.get(f"/p/{org.code}/{YEAR}/measure-results.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body == stored_pdf and body.startswith(b"%PDF")
    page = client.get(f"/p/{org.code}/{YEAR}/measure-results/")
    assert page.status_code == 200 and org.name in page.content.decode()
    listing = client.get(f"/p/{org.code}/")
    assert f"/p/{org.code}/{YEAR}/measure-results/" in listing.content.decode()
