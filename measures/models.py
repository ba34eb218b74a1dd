"""Measures arrive with the measures issue; the app exists so dependencies point one way."""
