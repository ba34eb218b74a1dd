"""Background score imports (Celery; inline when no broker is configured)."""

from __future__ import annotations

import contextlib
import threading
import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from organisations.access import oversees, oversees_all

from .imports import PHASES, ScoreImportFailed, scores_import
from .models import ImportStatus, ScoreImport

PROGRESS_TTL = 24 * 3600
SYSTEM_FAILURE = (
    "ระบบขัดข้องระหว่างนำเข้า (เช่น worker หยุดทำงานหรือฐานข้อมูลขัดข้อง) "
    "ไม่ได้บันทึกข้อมูลใด ๆ กด “ลองใหม่” เพื่อนำเข้าไฟล์เดิมอีกครั้ง"
)


def is_system_failure(record: ScoreImport) -> bool:
    """Failed for a reason outside the file (its single error names no sheet or row)."""
    return (
        record.status == ImportStatus.FAILED
        and record.error_count == 1
        and bool(record.errors)
        and not record.errors[0].get("sheet")
        and not record.errors[0].get("row")
    )


def stall_seconds() -> int:
    """No heartbeat for this long: the worker is gone (it beats every HEARTBEAT_SECONDS)."""
    return getattr(settings, "SCORE_IMPORT_STALL_SECONDS", 60)


def heartbeat_seconds() -> float:
    return getattr(settings, "SCORE_IMPORT_HEARTBEAT_SECONDS", 10)


def heartbeat_key(import_id) -> str:
    return f"score-import:{import_id}:heartbeat"


@contextlib.contextmanager
def heartbeat(import_id):
    """While the block runs, a thread of the worker writes the time to the shared cache every
    few seconds, whatever phase the import is in (a long COPY reports no progress). A killed
    worker stops beating, and the run shows as stalled a minute later."""
    stop = threading.Event()
    key = heartbeat_key(import_id)

    def beat() -> None:
        while not stop.wait(heartbeat_seconds()):
            cache.set(key, time.time(), PROGRESS_TTL)

    cache.set(key, time.time(), PROGRESS_TTL)
    thread = threading.Thread(target=beat, name=f"heartbeat-{import_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=heartbeat_seconds() + 1)


def is_stalled(record: ScoreImport, live: dict | None) -> bool:
    """A run whose worker died: still "running", and no sign of life (heartbeat, progress, its
    start) for `stall_seconds()`."""
    if record.status != ImportStatus.RUNNING:
        return False
    signs = [cache.get(heartbeat_key(record.pk)), (live or {}).get("at")]
    if record.started_at:
        signs.append(record.started_at.timestamp())
    signs = [s for s in signs if s]
    last = max(signs) if signs else time.time()
    return time.time() - last > stall_seconds()


def progress_key(import_id) -> str:
    return f"score-import:{import_id}:progress"


def read_progress(record: ScoreImport) -> dict:
    """Live progress from the shared cache; the database record once the run has ended."""
    live = cache.get(progress_key(record.pk))
    if is_stalled(record, live):
        return {
            "status": ImportStatus.FAILED,
            "status_label": "หยุดกลางคัน",
            "phase": "done",
            "phase_label": SYSTEM_FAILURE,
            "done": 0,
            "total": 0,
            "percent": 0,
            "rate": 0,
            "finished": True,
            "errors": 1,
            "stalled": True,
        }
    finished = record.status in {ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.PREVIEWED}
    if live and not finished:
        return live
    total = record.rows_total or (live or {}).get("total", 0)
    if record.status == ImportStatus.FAILED:
        phase_label = "ไม่ได้บันทึกข้อมูลใด ๆ"  # not "เสร็จสิ้น": nothing was written
    else:
        phase_label = PHASES["done"] if finished else "รอคิว"
    return {
        "status": record.status,
        "status_label": record.get_status_display(),
        "phase": "done" if finished else "pending",
        "phase_label": phase_label,
        "done": total if finished else 0,
        "total": total,
        "percent": 100 if finished else 0,
        "rate": round(total / record.seconds) if finished and record.seconds else 0,
        "finished": finished,
        "errors": record.error_count,
    }


@shared_task(acks_late=True)
def run_score_import(import_id: str) -> str:
    record = ScoreImport.objects.get(pk=import_id)
    started = time.monotonic()
    # Phases run in order; each reports (done, total) of its own work.
    weights = {"read": (0, 40), "validate": (40, 50), "write": (50, 100), "done": (100, 100)}

    def progress(phase: str, done: int, total: int) -> None:
        low, high = weights[phase]
        share = (done / total) if total else 0
        elapsed = max(time.monotonic() - started, 1e-6)
        cache.set(
            progress_key(import_id),
            {
                "status": ImportStatus.RUNNING,
                "status_label": ImportStatus.RUNNING.label,
                "phase": phase,
                "phase_label": PHASES[phase],
                "done": done,
                "total": total,
                "percent": round(low + (high - low) * min(share, 1)),
                "rate": round(done / elapsed),
                "finished": False,
                "errors": 0,
                "at": time.time(),
            },
            PROGRESS_TTL,
        )

    # Written outside the import's transaction, so other processes see the run has started.
    ScoreImport.objects.filter(pk=import_id).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    progress("read", 0, 0)
    with record.file.open("rb") as fh:
        content = fh.read()
    try:
        with heartbeat(import_id):
            result = scores_import(
                content=content,
                file_name=record.file_name,
                dry_run=record.dry_run,
                create_organisations=record.create_organisations,
                progress=progress,
                actor=record.created_by,
                import_id=str(record.pk),
                allowed=_scope_of(record.created_by),
            )
    except ScoreImportFailed as exc:  # the file's problems: named, nothing written
        record.status = ImportStatus.FAILED
        record.error_count = exc.total
        record.errors = [
            {
                "sheet": e.sheet,
                "row": e.row,
                "column": e.column,
                "value": str(e.value),
                "message": e.message,
            }
            for e in exc.errors
        ]
    except Exception:
        # Anything else (database gone, a bug): the transaction rolled back; say so and let
        # the admin retry. Re-raised so the worker logs it.
        _fail(import_id, started)
        raise
    else:
        record.status = ImportStatus.PREVIEWED if record.dry_run else ImportStatus.DONE
        record.layout = result.layout
        record.rows_total = result.rows
        record.organisations_created = result.organisations_created
        record.assessments_created = result.assessments_created
        record.scores_created = result.created
        record.scores_updated = result.updated
        record.scores_unchanged = result.unchanged
        record.stale_total_count = result.stale_total_count
        record.stale_totals = result.stale_totals
        record.error_count = 0
        record.errors = []
    record.seconds = time.monotonic() - started
    record.finished_at = timezone.now()
    record.save()
    cache.delete(progress_key(import_id))
    cache.delete(heartbeat_key(import_id))
    return record.status


def _fail(import_id, started: float) -> None:
    ScoreImport.objects.filter(pk=import_id).update(
        status=ImportStatus.FAILED,
        error_count=1,
        errors=[{"sheet": "", "row": None, "column": "", "value": "", "message": SYSTEM_FAILURE}],
        seconds=time.monotonic() - started,
        finished_at=timezone.now(),
    )
    cache.delete(progress_key(import_id))


def _scope_of(user):
    """The organisations an import may write: all for a central admin or a national scope (and
    for an import with no user, run by the system); else those the user oversees."""
    if user is None or oversees_all(user):
        return None
    return lambda organisation: oversees(user, organisation)
