"""Helpers of the oversight tests."""

from django.db import transaction


def drop_pending_refreshes() -> None:
    """A test runs in one transaction that never commits: the refresh its fixtures' writes
    queued for the commit would never run, and the test's own writes would join that batch.
    Drop it, so what a test captures and runs is what the test itself did."""
    connection = transaction.get_connection()
    connection.run_on_commit = [
        entry for entry in connection.run_on_commit if getattr(entry[1], "batch", None) is None
    ]
