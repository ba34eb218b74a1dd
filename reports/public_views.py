"""The public site (no login): directory, organisation pages, and permanent document URLs.

Only publications are reachable here. Pages carry ETag/Last-Modified; PDFs are the stored files,
never re-rendered. URLs never change, because agencies paste them into ITAS.
"""

from __future__ import annotations

from functools import wraps
from hashlib import md5

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from assessments.scoring import score_sheet
from assessments.selectors import assessments_for_organisation
from ita_portal.public_cache import public_version_and
from organisations.models import Organisation

from .charts import Bar, bar_chart
from .models import Publication

ORGANISATIONS_PER_PAGE = 50
PUBLICATION_STORAGE = Publication._meta.get_field("pdf").storage
KIND_TITLES = {
    "measure-plan": "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
    "measure-results": "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
    "progress": "รายงานความก้าวหน้า รอบ 6 เดือน",
    "analysis": "การวิเคราะห์ผลการประเมิน ITA",
    "memo": "บันทึกข้อความที่อนุมัติการเผยแพร่",
}


PUBLIC_CACHE_SECONDS = 600
# Headers a cached response keeps; Content-Length is worked out again from the body or file.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "ETag", "Last-Modified", "Cache-Control")


def cached_public(view):
    """Serve a public page from the shared cache; any public change invalidates every entry.

    Public pages are the same for every anonymous visitor (no user, no form), so the whole
    response is kept, under its path, with the public version it was made under: a hit is one
    cache round trip (the version and the entry together) and no database query. A response
    that streams a stored file (the PDFs) keeps the file's storage name instead of its bytes,
    and a hit streams the file again.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Only what every anonymous visitor sees alike: no user menu, no flash messages. Without
        # a session cookie nobody is signed in, so the user is looked at only after that check.
        if (
            request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            or request.COOKIES.get("messages")
            or request.user.is_authenticated
        ):
            return view(request, *args, **kwargs)
        key = f"public:page:{request.get_full_path()}"
        version, entry = public_version_and(key)
        if entry is not None and entry[0] == version:
            response = _from_entry(request, entry)
            if response is not None:
                return response
        response = view(request, *args, **kwargs)
        entry = _to_entry(version, response)
        if entry is not None:
            cache.set(key, entry, PUBLIC_CACHE_SECONDS)
        return response

    return wrapper


def _to_entry(version: int, response) -> tuple | None:
    """(version, status, headers, body, stored file name), or None for what is not kept."""
    if response.status_code not in (200, 404, 410):
        return None
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    if not response.streaming:
        return (version, response.status_code, headers, response.content, None)
    stored = getattr(response, "stored_file", None)
    return None if stored is None else (version, response.status_code, headers, None, stored)


def _from_entry(request, entry: tuple) -> HttpResponse | None:
    _, status, headers, content, stored = entry
    if headers.get("ETag") and _not_modified(request, headers["ETag"]):
        return _not_modified_response(headers)
    if stored is None:
        response = HttpResponse(content, status=status)
    else:
        try:
            response = FileResponse(PUBLICATION_STORAGE.open(stored), status=status)
        except FileNotFoundError:
            return None  # the view decides (and logs) what a missing stored file means
        response.stored_file = stored
    for name, value in headers.items():
        response[name] = value
    return response


def _not_modified(request, etag: str) -> bool:
    if_none_match = request.headers.get("If-None-Match", "")
    return etag in [tag.strip() for tag in if_none_match.split(",")] if if_none_match else False


def _not_modified_response(headers) -> HttpResponseNotModified:
    # A 304 repeats the validators and caching rules the 200 would have sent (RFC 9110 15.4.5).
    response = HttpResponseNotModified()
    for name in ("ETag", "Last-Modified", "Cache-Control"):
        if name in headers:
            response[name] = headers[name]
    return response


def _validators(etag: str, modified) -> dict[str, str]:
    return {
        "ETag": etag,
        "Last-Modified": http_date(modified.timestamp()),
        "Cache-Control": "public, max-age=300",
    }


def _cache_headers(response: HttpResponse, etag: str, modified) -> HttpResponse:
    for name, value in _validators(etag, modified).items():
        response[name] = value
    return response


@require_safe
@cached_public
def directory(request):
    query = request.GET.get("q", "").strip()
    organisations = Organisation.objects.filter(is_active=True).annotate(
        published=Count("publications", filter=Q(publications__withdrawn_at__isnull=True))
    )
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query)
            | Q(province__icontains=query)
            | Q(district__icontains=query)
            | Q(code=query)
        )
    page = Paginator(organisations.order_by("province", "name"), ORGANISATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "public/directory.html", {"page": page, "query": query})


@require_safe
@cached_public
def organisation(request, code: str):
    org = get_object_or_404(Organisation, code=code, is_active=True)
    # Withdrawn ones too (same query): their withdrawal dates count for Last-Modified.
    publications = list(
        Publication.objects.filter(organisation=org)
        .only(
            "organisation",
            "fiscal_year",
            "kind",
            "revision",
            "title",
            "published_at",
            "withdrawn_at",
        )
        .order_by("-fiscal_year", "kind", "-revision")
    )
    latest: dict[tuple[int, str], Publication] = {}
    for publication in publications:
        if publication.withdrawn_at is None:
            latest.setdefault((publication.fiscal_year, publication.kind), publication)
    by_year: dict[int, list[Publication]] = {}
    for (year, _), publication in sorted(latest.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        by_year.setdefault(year, []).append(publication)
    assessments = assessments_for_organisation(org, years=5)
    sheets = [score_sheet(a) for a in assessments]
    chart = None
    if sheets:
        chart = bar_chart(
            [Bar(f"ปี {s.assessment.fiscal_year.year}", s.total.value) for s in reversed(sheets)],
            title=f"คะแนนรวม ITA ของ{org.name}",
        )
    response = render(
        request,
        "public/organisation.html",
        {
            "organisation": org,
            "by_year": by_year,
            "sheets": sheets,
            "latest_sheet": sheets[0] if sheets else None,
            "chart": chart,
        },
    )
    # The newest change among the rows shown (the ETag, from the bytes, is what validates).
    changes = [org.updated_at]
    for p in publications:
        changes += [p.published_at, p.withdrawn_at]
    for a in assessments:
        changes += [a.updated_at, a.framework.updated_at]
        changes += [score.updated_at for score in a.scores.all()]
    etag = quote_etag(md5(response.content, usedforsecurity=False).hexdigest())
    _cache_headers(response, etag, max(c for c in changes if c is not None))
    return _not_modified_response(response) if _not_modified(request, etag) else response


# What the document pages read: the memo only for its number, the organisation for its name.
PUBLICATION_FIELDS = (
    "organisation__name",
    "organisation__code",
    "memo__number",
    *(f.name for f in Publication._meta.concrete_fields if f.name not in ("id", "withdrawn_by")),
)


def _publication(
    code: str, year: int | str, kind: str, revision: int | str | None
) -> tuple[Publication | None, Publication | None, list[Publication]]:
    """(the revision to show, or None), the newest withdrawn revision when none is live, and
    every revision of the document, newest first (one query)."""
    revisions = list(
        Publication.objects.filter(
            organisation__code=code, organisation__is_active=True, fiscal_year=year, kind=kind
        )
        .select_related("organisation", "memo")
        .only(*PUBLICATION_FIELDS)
        .order_by("-revision")
    )
    if revision is not None:
        publication = next((p for p in revisions if p.revision == int(revision)), None)
        if publication is None:
            raise Http404("ไม่พบเอกสารฉบับนี้")
        if publication.withdrawn_at:
            return None, publication, revisions
        return publication, None, revisions
    live = next((p for p in revisions if p.withdrawn_at is None), None)
    if live:
        return live, None, revisions
    if not revisions:
        raise Http404("ยังไม่มีเอกสารที่เผยแพร่")
    return None, revisions[0], revisions


def _withdrawn_page(request, publication: Publication) -> HttpResponse:
    html = render_to_string("public/withdrawn.html", {"publication": publication}, request=request)
    return HttpResponse(html, status=410)


@require_safe
@cached_public
def document(request, code: str, year: int, kind: str, revision: int | None = None):
    publication, withdrawn, revisions = _publication(code, year, kind, revision)
    if publication is None:
        return _withdrawn_page(request, withdrawn)
    etag = quote_etag(f"{publication.html_sha256}-{publication.revision}")
    if _not_modified(request, etag):
        return _not_modified_response(_validators(etag, publication.published_at))
    with publication.html.open("rb") as fh:
        frozen = fh.read()  # bytes: the UTF-8 text is spliced, never decoded
    banner = render_to_string(
        "public/_document_banner.html",
        {
            "publication": publication,
            "revisions": revisions,
            "kind_title": KIND_TITLES.get(kind, kind),
        },
        request=request,
    )
    # The stored file stays byte-for-byte as frozen; the approval record is placed around it.
    marker = frozen.find(b">", frozen.find(b"<body")) + 1 if b"<body" in frozen else 0
    response = HttpResponse(
        frozen[:marker] + banner.encode() + frozen[marker:],
        content_type="text/html; charset=utf-8",
    )
    return _cache_headers(response, etag, publication.published_at)


@require_safe
@cached_public
def document_pdf(request, code: str, year: int, kind: str, revision: int | None = None):
    publication, withdrawn, _ = _publication(code, year, kind, revision)
    if publication is None:
        return _withdrawn_page(request, withdrawn)
    etag = quote_etag(publication.pdf_sha256)
    if _not_modified(request, etag):
        return _not_modified_response(_validators(etag, publication.published_at))
    response = FileResponse(
        publication.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{code}-{year}-{kind}-r{publication.revision}.pdf",
    )
    # The file is immutable: the cache keeps its name, and a hit streams it without a query.
    response.stored_file = publication.pdf.name
    return _cache_headers(response, etag, publication.published_at)


@require_safe
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")
