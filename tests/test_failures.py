"""Nothing is lost on failure: imports, a killed worker, a lost database (a failed publication:
tests/approvals/test_publication_runs.py)."""

import io
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import OperationalError, connection
from django.urls import reverse

from assessments import imports
from assessments.imports import scores_import
from assessments.models import Assessment, ImportStatus, Score, ScoreImport
from assessments.tasks import read_progress
from tests.assessments.test_imports import seed_rows, workbook
from tests.factories import OrganisationFactory

ROOT = Path(__file__).resolve().parent.parent


def _snapshot():
    return (
        sorted(Score.objects.values_list("assessment_id", "code", "score")),
        Assessment.objects.count(),
        LogEntry.objects.count(),
    )


@pytest.fixture
def agency(db):
    call_command("load_framework", stdout=io.StringIO())
    return OrganisationFactory(code="6301401")


def _many_rows(agency_code="6301401", organisations=40):
    """~2,000 rows: 40 agencies × 50 items (the same codes each)."""
    rows = []
    for n in range(organisations):
        code = agency_code if n == 0 else f"77{n:05d}"
        rows += [
            (code, 2568, k, v)
            for k, v in __import__("json")
            .loads((ROOT / "fixtures" / "demo-scores-2568.json").read_text(encoding="utf-8"))[
                "items"
            ]
            .items()
        ]
    return rows


def test_import_failing_mid_write_leaves_the_database_as_before(agency, monkeypatch):
    scores_import(content=workbook(seed_rows()), file_name="v1.xlsx")
    before = _snapshot()
    header = ("org_code", "org_name", "fiscal_year", "item_code", "score")
    rows = [(c, f"อบต.ทดสอบ {c}", y, k, "33.33") for c, y, k, _ in _many_rows()]
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 100)
    monkeypatch.setattr(imports, "COPY_THRESHOLD", 1)  # PostgreSQL: the COPY path

    def progress(phase, done, total):
        if phase == "write" and done >= 400 and total:  # row 400 of the write: force a failure
            raise RuntimeError("forced failure at row 400")

    with pytest.raises(RuntimeError, match="row 400"):
        scores_import(
            content=workbook(rows, header=header),
            file_name="v2.xlsx",
            create_organisations=True,
            progress=progress,
        )
    assert _snapshot() == before
    assert not Score.objects.filter(score=Decimal("33.33")).exists()


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_import_leaves_nothing_half_written_and_can_retry(settings, tmp_path):
    call_command("load_framework", stdout=io.StringIO())
    agency = OrganisationFactory(code="6301401")
    scores_import(content=workbook(seed_rows()), file_name="v1.xlsx")
    before = _snapshot()
    corrected = [(c, y, k, 42) for c, y, k, _ in seed_rows()] + [("6301401", 2568, "TOTAL", 88)]
    record = ScoreImport(file_name="v2.xlsx", dry_run=False, sha256="x")
    record.file.save("upload.bin", ContentFile(workbook(corrected)), save=False)
    record.save()

    db = connection.settings_dict
    if connection.vendor == "postgresql":
        url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        url = f"sqlite:///{db['NAME']}"
    # The worker writes the new scores, then is killed before its transaction commits.
    script = (
        "import django, sys, time; django.setup();"
        "from assessments.models import Score;"
        "original = Score.objects.bulk_update\n"
        "def slow(*a, **k):\n"
        "    print('MID-WRITE', flush=True); time.sleep(120)\n"
        "Score.objects.bulk_update = slow\n"
        "from assessments import imports; imports.COPY_THRESHOLD = 10**9\n"
        f"from assessments.tasks import run_score_import; run_score_import('{record.pk}')"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ita_portal.settings.test",
        "DATABASE_URL": url,
        "ITA_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout.readline().strip() == "MID-WRITE"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    connection.close()
    assert _snapshot() == before  # the killed transaction left nothing behind
    record.refresh_from_db()
    assert record.status == ImportStatus.RUNNING and record.started_at
    settings.SCORE_IMPORT_STALL_SECONDS = 0
    time.sleep(0.01)
    progress = read_progress(record)
    assert progress["finished"] and progress.get("stalled") and "ลองใหม่" in progress["phase_label"]
    # Retry through the page, as an admin would.
    from django.contrib.auth.models import Permission
    from django.test import Client

    from tests.factories import UserFactory

    admin = UserFactory(username="central")
    admin.user_permissions.add(Permission.objects.get(codename="act_as_central_admin"))
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("assessments:import_detail", args=[record.pk])).content.decode()
    assert 'id="retry"' in page
    client.post(reverse("assessments:import_retry", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE
    assert Score.objects.get(assessment__organisation=agency, code="i1").score == Decimal("42.00")


def test_task_marks_an_unexpected_failure_and_retry_needs_it(
    agency, monkeypatch, django_capture_on_commit_callbacks
):
    from assessments.services import score_import_retry
    from assessments.tasks import run_score_import

    record = ScoreImport(file_name="v1.xlsx", dry_run=False, sha256="x")
    record.file.save("upload.bin", ContentFile(workbook(seed_rows())), save=False)
    record.save()
    monkeypatch.setattr(
        imports,
        "_audit",
        lambda *a, **k: (_ for _ in ()).throw(OperationalError("server closed the connection")),
    )
    with pytest.raises(OperationalError):
        run_score_import(str(record.pk))
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED and "ระบบขัดข้อง" in record.errors[0]["message"]
    assert Score.objects.count() == 0
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        score_import_retry(record=record, user=None)
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE and Score.objects.count() == len(seed_rows())
    with pytest.raises(ValueError):
        score_import_retry(record=record, user=None)  # only failures are retried


def test_lost_database_during_save_shows_the_input_again(client, org, staff, monkeypatch):
    from measures import services
    from measures.models import Measure
    from tests.factories import UnitFactory
    from tests.measures.conftest import make_framework
    from tests.measures.helpers import valid_post

    framework = make_framework(2568)
    units = [UnitFactory(organisation=org), UnitFactory(organisation=org)]

    def boom(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "measure_create", boom)
    client.force_login(staff)
    data = valid_post(units, framework, title="มาตรการที่พิมพ์มายาวมาก ห้ามหาย")
    response = client.post(reverse("measures:measure_create", args=[org.code, 2568]), data)
    assert response.status_code == 503
    page = response.content.decode()
    assert "ฐานข้อมูลขัดข้องชั่วคราว" in page and "มาตรการที่พิมพ์มายาวมาก ห้ามหาย" in page
    assert f'action="{reverse("measures:measure_create", args=[org.code, 2568])}"' in page
    assert Measure.objects.count() == 0


def test_a_live_run_beats_and_a_dead_one_is_stalled_within_a_minute(agency, settings, time_machine):
    """A killed import showed "running" for 300 s. The worker now beats every few seconds in a
    thread, whatever the phase; with no beat for 60 s the run is stalled (and offered a retry),
    while a slow run that still beats is not."""
    from django.core.cache import cache
    from django.utils import timezone

    from assessments.tasks import heartbeat, heartbeat_key, is_stalled, stall_seconds

    assert stall_seconds() == 60
    record = ScoreImport.objects.create(
        file_name="v1.xlsx", sha256="x", status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    # The thread beats while the block runs, and stops with it.
    settings.SCORE_IMPORT_HEARTBEAT_SECONDS = 0.02
    with heartbeat(record.pk):
        first = cache.get(heartbeat_key(record.pk))
        time.sleep(0.1)
        assert cache.get(heartbeat_key(record.pk)) > first
    stopped = cache.get(heartbeat_key(record.pk))
    time.sleep(0.06)
    assert cache.get(heartbeat_key(record.pk)) == stopped

    time_machine.move_to(timezone.now(), tick=False)
    now = time.time()
    # A slow phase with no progress for five minutes, but a beat 10 s ago: alive.
    old_progress = {"at": now - 300}
    cache.set(heartbeat_key(record.pk), now - 10)
    record.started_at = timezone.now() - timezone.timedelta(minutes=10)
    assert not is_stalled(record, old_progress)
    # The worker was killed: its last beat 61 s ago.
    cache.set(heartbeat_key(record.pk), now - 61)
    assert is_stalled(record, old_progress)
    progress = read_progress(record)
    assert progress["stalled"] and "ลองใหม่" in progress["phase_label"]
