"""Organisation-scoped URLs of the reports app (mounted under /o/<code>/)."""

from django.urls import path

from . import memo_views, views

app_name = "reports"
urlpatterns = [
    path("<int:year>/documents/", views.document_index, name="document_index"),
    path("<int:year>/documents/<slug:kind>/", views.document_view, name="document"),
    path("audit/", views.audit_trail, name="audit_trail"),
    path("memos/", memo_views.memo_list, name="memo_list"),
    path("memos/new/", memo_views.memo_create, name="memo_create"),
    path("memos/<int:pk>/", memo_views.memo_detail, name="memo_detail"),
    path("memos/<int:pk>/edit/", memo_views.memo_update, name="memo_update"),
    path("memos/<int:pk>/submit/", memo_views.memo_submit, name="memo_submit"),
    path("memos/<int:pk>/act/", memo_views.memo_act, name="memo_act"),
    path("memos/<int:pk>/pdf/", memo_views.memo_pdf, name="memo_pdf"),
    path("chains/", memo_views.chain_templates, name="chain_templates"),
    path(
        "publications/<int:pk>/withdraw/",
        memo_views.publication_withdraw,
        name="publication_withdraw",
    ),
]
