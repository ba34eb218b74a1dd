"""Permanent public URLs (agencies paste them into ITAS: never change them)."""

from django.urls import path, re_path

from . import views

app_name = "public"
KIND = r"(?P<kind>[a-z-]+)"
VARIANT = r"(?P<variant>round-[0-9]{1,2}(?:-[0-9]{1,2})?|year)"
urlpatterns = [
    path("", views.directory, name="directory"),
    # Provinces and districts: Thai words no organisation code can contain (codes are ASCII).
    path("จังหวัด/", views.provinces, name="provinces"),
    path("จังหวัด/<str:province>/", views.province, name="province"),
    path("จังหวัด/<str:province>/อำเภอ/<str:district>/", views.province, name="district"),
    path("<str:code>/", views.organisation, name="organisation"),
    # OIT before the documents: "oit" is not a document kind.
    path("<str:code>/<int:year>/oit/", views.oit_index, name="oit_index"),
    path("<str:code>/<int:year>/oit/<str:item_code>/", views.oit_item, name="oit_item"),
    path(
        "<str:code>/<int:year>/oit/<str:item_code>/e<int:pk>/",
        views.oit_file,
        name="oit_file",
    ),
    # Each published memo is its own document: /memo/r<N>/ is that memo forever, and /memo/
    # lists the year's published memos (it never means "the latest memo").
    path("<str:code>/<int:year>/memo/", views.memo_list, name="memo_list"),
    path("<str:code>/<int:year>/memo.pdf", views.memo_list_pdf, name="memo_list_pdf"),
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}/$",
        views.document,
        name="document",
    ),
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}\.pdf$",
        views.document_pdf,
        name="document_pdf",
    ),
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}/r(?P<revision>[0-9]+)/$",
        views.document,
        name="document_revision",
    ),
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}/r(?P<revision>[0-9]+)\.pdf$",
        views.document_pdf,
        name="document_revision_pdf",
    ),
    # A kind published per round: each round's latest revision (round-6, round-12, round-4-6).
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}/{VARIANT}/$",
        views.document,
        name="document_variant",
    ),
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}/{VARIANT}\.pdf$",
        views.document_pdf,
        name="document_variant_pdf",
    ),
    # Evidence frozen with a revision: as permanent as the revision itself.
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}/r(?P<revision>[0-9]+)"
        r"/files/(?P<number>[0-9]{1,5})/$",
        views.document_file,
        name="document_file",
    ),
    # Added by issue 17: each revision as an editable Word file, marked as a copy.
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}\.docx$",
        views.document_docx,
        name="document_docx",
    ),
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}/r(?P<revision>[0-9]+)\.docx$",
        views.document_docx,
        name="document_revision_docx",
    ),
    re_path(
        rf"^(?P<code>[0-9A-Za-z_-]+)/(?P<year>[0-9]{{4}})/{KIND}/{VARIANT}\.docx$",
        views.document_docx,
        name="document_variant_docx",
    ),
]
