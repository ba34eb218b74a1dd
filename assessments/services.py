"""Writes for scores: starting an import (the background task does the work)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from .imports import sha256_of
from .models import ImportStatus, ScoreImport
from .tasks import run_score_import


def score_import_start(
    *, user, content: bytes, file_name: str, dry_run: bool, create_organisations: bool
) -> ScoreImport:
    """Keep the uploaded file (workers may run on other machines) and queue the import."""
    record = ScoreImport(
        created_by=user,
        file_name=file_name[:255],
        file_size=len(content),
        sha256=sha256_of(content),
        dry_run=dry_run,
        create_organisations=create_organisations,
    )
    record.file.save("upload.bin", ContentFile(content), save=False)
    record.save()
    transaction.on_commit(lambda: run_score_import.delay(str(record.pk)))
    return record


def score_import_commit(*, record: ScoreImport, user) -> ScoreImport:
    """Run a previewed import for real, on the same stored file."""
    if record.status != ImportStatus.PREVIEWED:
        raise ValueError("commit needs a previewed import")
    record.dry_run = False
    record.status = ImportStatus.PENDING
    record.created_by = user
    record.save(update_fields=["dry_run", "status", "created_by"])
    transaction.on_commit(lambda: run_score_import.delay(str(record.pk)))
    return record


def score_import_retry(*, record: ScoreImport, user) -> ScoreImport:
    """Run a failed (system error) or stalled import again on the same stored file."""
    from .tasks import is_stalled

    failed_by_system = (
        record.status == ImportStatus.FAILED
        and record.rows_total == 0
        and any(not e.get("row") and not e.get("sheet") for e in record.errors)
    )
    if not (failed_by_system or is_stalled(record, None)):
        raise ValueError("only system failures are retried; fix the file and upload it again")
    record.status = ImportStatus.PENDING
    record.errors = []
    record.error_count = 0
    record.started_at = None
    record.save(update_fields=["status", "errors", "error_count", "started_at"])
    transaction.on_commit(lambda: run_score_import.delay(str(record.pk)))
    return record
