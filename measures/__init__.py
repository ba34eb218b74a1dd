"""Integrity measures (มาตรการ), their steps, reporting rounds, progress and evidence."""
