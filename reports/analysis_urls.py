"""Organisation-scoped analysis pages (mounted under /o/<code>/)."""

from django.urls import path

from . import analysis_views

app_name = "analysis"
urlpatterns = [
    path("<int:year>/analysis/", analysis_views.analysis_edit, name="analysis_edit"),
    path(
        "<int:year>/analysis/document/",
        analysis_views.analysis_document,
        name="analysis_document",
    ),
    path(
        "<int:year>/analysis/<int:area_pk>/redraft/",
        analysis_views.analysis_redraft_view,
        name="analysis_redraft",
    ),
    path(
        "<int:year>/analysis/<int:area_pk>/measure/",
        analysis_views.measure_from_area,
        name="measure_from_area",
    ),
]
