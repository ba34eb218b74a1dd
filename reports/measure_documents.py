"""Measure documents: measure-plan, measure-results and progress (being written)."""
