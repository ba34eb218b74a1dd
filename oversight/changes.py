"""Which agencies' rows to refresh after a change.

A save or delete of anything a row summarises marks (organisation, year) as changed; when the
transaction commits, one task per organisation refreshes its rows on the queue (inline on the
embedded default). No workflow lives here: these receivers only say what changed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def mark(organisation_id: int | None, year: int | None = None) -> None:
    """Refresh the organisation's rows (and `year`'s) once the transaction commits."""
    if not organisation_id:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _enqueue({organisation_id: {year} if year else set()})
        return
    flush = getattr(connection, "_oversight_flush", None)
    # A batch lives as long as its callback is queued (a rollback drops both).
    if flush is None or not any(entry[1] is flush for entry in connection.run_on_commit):
        batch: dict[int, set[int]] = {}

        def flush() -> None:
            _enqueue(batch)

        flush.batch = batch
        connection._oversight_flush = flush
        transaction.on_commit(flush)
    years = flush.batch.setdefault(organisation_id, set())
    if year:
        years.add(year)


def _enqueue(batch: dict[int, set[int]]) -> None:
    from .tasks import refresh_agency_status

    for organisation_id, years in batch.items():
        refresh_agency_status.delay(organisation_id, sorted(years))


def _year_of(instance) -> int | None:
    year = getattr(instance, "fiscal_year", None)
    if isinstance(year, int):
        return year
    return getattr(year, "year", None) if year is not None else None


def _organisation_year(sender, instance, **kwargs) -> None:
    mark(getattr(instance, "organisation_id", None), _year_of(instance))


def _organisation(sender, instance, **kwargs) -> None:
    """A new, renamed, moved or closed agency: its rows follow, and every board (the old
    province's as much as the new one's) is rendered again."""
    from .cache import bump_register

    if kwargs.get("signal") is post_save:
        mark(instance.pk)
    transaction.on_commit(bump_register)


def _via_measure(sender, instance, **kwargs) -> None:
    measure = getattr(instance, "measure", None)
    if measure is not None:
        mark(measure.organisation_id, _year_of(measure))


def _via_memo(sender, instance, **kwargs) -> None:
    memo = getattr(instance, "memo", None)
    if memo is not None:
        mark(memo.organisation_id)


def _via_entry(sender, instance, **kwargs) -> None:
    entry = getattr(instance, "entry", None)
    if entry is not None:
        mark(entry.organisation_id, entry.fiscal_year)


def _import_done(sender, instance, **kwargs) -> None:
    from assessments.models import ImportStatus

    if instance.status == ImportStatus.DONE and not instance.dry_run:
        from .tasks import refresh_scored_agencies

        transaction.on_commit(refresh_scored_agencies.delay)


def connect() -> None:
    from approvals.models import ApprovalStep, Memo
    from assessments.models import Assessment, ScoreImport, SurveyDrive
    from measures.models import Measure, ProgressEntry, ReportingRound
    from oit.models import OitEntry, OitEvidence
    from organisations.models import Organisation
    from publication.models import Publication

    for model in (Measure, ReportingRound, Publication, Memo, OitEntry, Assessment, SurveyDrive):
        uid = f"oversight-{model.__name__}"
        post_save.connect(_organisation_year, sender=model, dispatch_uid=uid)
        post_delete.connect(_organisation_year, sender=model, dispatch_uid=uid)
    for model, receiver in (
        (ProgressEntry, _via_measure),
        (ApprovalStep, _via_memo),
        (OitEvidence, _via_entry),
    ):
        uid = f"oversight-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid)
    post_save.connect(_import_done, sender=ScoreImport, dispatch_uid="oversight-import")
    post_save.connect(_organisation, sender=Organisation, dispatch_uid="oversight-organisation")
    post_delete.connect(_organisation, sender=Organisation, dispatch_uid="oversight-organisation")
