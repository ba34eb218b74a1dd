from django.urls import path

from . import views

app_name = "measures"
urlpatterns = [
    path("<fiscal_year:year>/measures/", views.measure_list, name="measure_list"),
    path("<fiscal_year:year>/measures/new/", views.measure_create, name="measure_create"),
    path("<fiscal_year:year>/measures/copy/", views.measures_copy, name="measures_copy"),
    path("<fiscal_year:year>/progress/", views.progress_dashboard, name="progress_dashboard"),
    path("<fiscal_year:year>/rounds/", views.round_list, name="round_list"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/edit/", views.measure_update, name="measure_update"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="measure_delete"),
    path("measures/<int:pk>/rounds/<int:round_pk>/", views.progress_edit, name="progress_edit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("<fiscal_year:year>/analysis/", views.analysis_edit, name="analysis_edit"),
    path(
        "<fiscal_year:year>/analysis/<int:area_pk>/redraft/",
        views.analysis_redraft_view,
        name="analysis_redraft",
    ),
    path(
        "<fiscal_year:year>/analysis/<int:area_pk>/measure/",
        views.measure_from_area,
        name="measure_from_area",
    ),
]
