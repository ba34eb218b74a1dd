"""Background score imports (Celery; inline when no broker is configured)."""

from __future__ import annotations

import time

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from .imports import PHASES, ScoreImportFailed, scores_import
from .models import ImportStatus, ScoreImport

PROGRESS_TTL = 24 * 3600


def progress_key(import_id) -> str:
    return f"score-import:{import_id}:progress"


def read_progress(record: ScoreImport) -> dict:
    """Live progress from the shared cache; the database record once the run has ended."""
    live = cache.get(progress_key(record.pk))
    finished = record.status in {ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.PREVIEWED}
    if live and not finished:
        return live
    total = record.rows_total or (live or {}).get("total", 0)
    return {
        "status": record.status,
        "status_label": record.get_status_display(),
        "phase": "done" if finished else "pending",
        "phase_label": PHASES["done"] if finished else "รอคิว",
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
            },
            PROGRESS_TTL,
        )

    ScoreImport.objects.filter(pk=import_id).update(status=ImportStatus.RUNNING)
    progress("read", 0, 0)
    with record.file.open("rb") as fh:
        content = fh.read()
    try:
        result = scores_import(
            content=content,
            file_name=record.file_name,
            dry_run=record.dry_run,
            create_organisations=record.create_organisations,
            progress=progress,
        )
    except ScoreImportFailed as exc:
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
    else:
        record.status = ImportStatus.PREVIEWED if record.dry_run else ImportStatus.DONE
        record.layout = result.layout
        record.rows_total = result.rows
        record.organisations_created = result.organisations_created
        record.assessments_created = result.assessments_created
        record.scores_created = result.created
        record.scores_updated = result.updated
        record.scores_unchanged = result.unchanged
        record.error_count = 0
        record.errors = []
    record.seconds = time.monotonic() - started
    record.finished_at = timezone.now()
    record.save()
    cache.delete(progress_key(import_id))
    return record.status
