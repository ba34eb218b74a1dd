"""Organisation-scoped score pages (mounted under /o/<code>/)."""

from django.urls import path

from . import score_views

app_name = "scores"
urlpatterns = [
    path("<fiscal_year:year>/scores/", score_views.assessment_detail, name="assessment_detail"),
]
