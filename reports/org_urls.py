"""Organisation-scoped URLs of the reports app (mounted under /o/<code>/)."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<int:year>/documents/", views.document_index, name="document_index"),
    path("<int:year>/documents/<slug:kind>/", views.document_view, name="document"),
    path("audit/", views.audit_trail, name="audit_trail"),
]
