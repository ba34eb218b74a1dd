"""Organisation-scoped OIT pages (mounted under /o/<code>/)."""

from django.urls import path

from . import oit_views

app_name = "oit"
urlpatterns = [
    path("<int:year>/oit/", oit_views.board, name="board"),
    path("<int:year>/oit/submit/", oit_views.submit, name="submit"),
    path("<int:year>/oit/check-links/", oit_views.check_links, name="check_links"),
    path("<int:year>/oit/itas/", oit_views.itas_print, name="itas_print"),
    path("<int:year>/oit/itas.xlsx", oit_views.itas_xlsx, name="itas_xlsx"),
    path(
        "<int:year>/oit/evidence/<int:pk>/", oit_views.evidence_download, name="evidence_download"
    ),
    path(
        "<int:year>/oit/evidence/<int:pk>/delete/",
        oit_views.evidence_delete,
        name="evidence_delete",
    ),
    path(
        "<int:year>/oit/evidence/<int:pk>/withdraw/",
        oit_views.evidence_withdraw,
        name="evidence_withdraw",
    ),
    path("<int:year>/oit/<str:item_code>/", oit_views.item_detail, name="item"),
    path(
        "<int:year>/oit/<str:item_code>/measure/",
        oit_views.measure_from_item,
        name="measure_from_item",
    ),
]
