"""Permanent public URLs (agencies paste them into ITAS: never change them)."""

from django.urls import path, re_path

from . import oit_public_views, public_views

app_name = "public"
KIND = r"(?P<kind>[a-z-]+)"
urlpatterns = [
    path("", public_views.directory, name="directory"),
    path("<str:code>/", public_views.organisation, name="organisation"),
    # OIT before the documents: "oit" is not a document kind.
    path("<str:code>/<int:year>/oit/", oit_public_views.oit_index, name="oit_index"),
    path("<str:code>/<int:year>/oit/<str:item_code>/", oit_public_views.oit_item, name="oit_item"),
    path(
        "<str:code>/<int:year>/oit/<str:item_code>/e<int:pk>/",
        oit_public_views.oit_file,
        name="oit_file",
    ),
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}/$",
        public_views.document,
        name="document",
    ),
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}\.pdf$",
        public_views.document_pdf,
        name="document_pdf",
    ),
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}/r(?P<revision>[0-9]+)/$",
        public_views.document,
        name="document_revision",
    ),
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}/r(?P<revision>[0-9]+)\.pdf$",
        public_views.document_pdf,
        name="document_revision_pdf",
    ),
]
