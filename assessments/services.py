"""Writes for scores (starting an import: the background task does the work) and the mark
that a framework's catalogue changed."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from ita_portal.public_cache import bump_public_version

from .imports import sha256_of
from .models import Framework, ImportStatus, ScoreImport
from .selectors import forget_structures
from .tasks import is_stalled, run_score_import


def framework_touch(*, framework_ids: Iterable[int | None], stamp: bool = True) -> None:
    """Record that these frameworks' catalogue rows changed.

    A new `updated_at` is the version every process checks before it uses its memo of the
    catalogue (selectors.attach_structure); it is written in the caller's transaction, so other
    processes see it with the change. This process's memo drops them at once (whatever the clock
    says), and every cached public page is retired. `stamp=False` when the framework row itself
    was just saved (auto_now has stamped it).
    """
    ids = sorted({pk for pk in framework_ids if pk is not None})
    if stamp and ids:
        # One plain statement: a catalogue load sends this for each of its hundreds of rows.
        meta = Framework._meta
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {meta.db_table} SET {meta.get_field('updated_at').column} = %s "
                f"WHERE {meta.pk.column} IN ({', '.join(['%s'] * len(ids))})",
                [connection.ops.adapt_datetimefield_value(timezone.now()), *ids],
            )
    forget_structures(ids)
    bump_public_version()


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
