from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.framework_index, name="framework_list"),
    path("<fiscal_year:year>/", views.framework_year, name="framework_detail"),
    path(
        "<fiscal_year:year>/roll-forward/",
        views.framework_roll_forward,
        name="framework_roll_forward",
    ),
    path("scores/import/", views.import_list, name="import_list"),
    path("scores/import/<uuid:pk>/", views.import_detail, name="import_detail"),
    path("scores/import/<uuid:pk>/progress/", views.import_progress, name="import_progress"),
    path("scores/import/<uuid:pk>/commit/", views.import_commit, name="import_commit"),
    path("scores/import/<uuid:pk>/retry/", views.import_retry, name="import_retry"),
    path("scores/import/<uuid:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("scores/template.xlsx", views.score_template, name="score_template"),
    path("scores/export.xlsx", views.score_export, name="score_export"),
]
