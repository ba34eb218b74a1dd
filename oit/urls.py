"""Organisation-scoped OIT pages (mounted under /o/<code>/)."""

from django.urls import path

from . import views

app_name = "oit"
urlpatterns = [
    path("<fiscal_year:year>/oit/", views.board, name="board"),
    path("<fiscal_year:year>/oit/submit/", views.submit, name="submit"),
    path("<fiscal_year:year>/oit/check-links/", views.check_links, name="check_links"),
    path("<fiscal_year:year>/oit/itas/", views.itas_print, name="itas_print"),
    path("<fiscal_year:year>/oit/itas.xlsx", views.itas_xlsx, name="itas_xlsx"),
    path(
        "<fiscal_year:year>/oit/evidence/<int:pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "<fiscal_year:year>/oit/evidence/<int:pk>/delete/",
        views.evidence_delete,
        name="evidence_delete",
    ),
    path(
        "<fiscal_year:year>/oit/evidence/<int:pk>/withdraw/",
        views.evidence_withdraw,
        name="evidence_withdraw",
    ),
    path("<fiscal_year:year>/oit/<str:item_code>/", views.item_detail, name="item"),
    # One POST-only view per action on an item (the page above shows their forms).
    path("<fiscal_year:year>/oit/<str:item_code>/entry/", views.item_entry, name="item_entry"),
    path(
        "<fiscal_year:year>/oit/<str:item_code>/criteria/",
        views.item_criteria,
        name="item_criteria",
    ),
    path(
        "<fiscal_year:year>/oit/<str:item_code>/evidence/document/",
        views.item_add_document,
        name="item_add_document",
    ),
    path(
        "<fiscal_year:year>/oit/<str:item_code>/evidence/file/",
        views.item_add_file,
        name="item_add_file",
    ),
    path(
        "<fiscal_year:year>/oit/<str:item_code>/evidence/url/",
        views.item_add_url,
        name="item_add_url",
    ),
    path(
        "<fiscal_year:year>/oit/<str:item_code>/measure/",
        views.measure_from_item,
        name="measure_from_item",
    ),
]
