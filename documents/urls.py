"""Organisation-scoped working documents (mounted under /o/<code>/)."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<fiscal_year:year>/documents/", views.document_index, name="document_index"),
    path("<fiscal_year:year>/documents/<slug:kind>/", views.document_view, name="document"),
    path(
        "<fiscal_year:year>/analysis/document/", views.analysis_document, name="analysis_document"
    ),
    path("<fiscal_year:year>/survey/poster/", views.survey_poster, name="survey_poster"),
]
