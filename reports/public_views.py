"""The public site (no login): directory, organisation pages, and permanent document URLs.

Only publications are reachable here. Pages carry ETag/Last-Modified; PDFs are the stored files,
never re-rendered. URLs never change, because agencies paste them into ITAS.
"""

from __future__ import annotations

from functools import wraps

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
from ita_portal.public_cache import public_version
from organisations.models import Organisation

from .charts import Bar, bar_chart
from .models import Publication

ORGANISATIONS_PER_PAGE = 50
KIND_TITLES = {
    "measure-plan": "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
    "measure-results": "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
    "progress": "รายงานความก้าวหน้า รอบ 6 เดือน",
    "analysis": "การวิเคราะห์ผลการประเมิน ITA",
    "memo": "บันทึกข้อความที่อนุมัติการเผยแพร่",
}


PUBLIC_CACHE_SECONDS = 600


def cached_public(view):
    """Serve a public page from the shared cache; any public change invalidates every entry.

    Public pages are the same for everyone (no user, no form), so the whole response is kept:
    a hit costs two cache reads and no database query.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Only what every anonymous visitor sees alike: no user menu, no flash messages.
        if (
            request.user.is_authenticated
            or request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            or request.COOKIES.get("messages")
        ):
            return view(request, *args, **kwargs)
        key = f"public:{public_version()}:{request.get_full_path()}"
        hit = cache.get(key)
        if hit is not None:
            status, headers, content = hit
            if headers.get("ETag") and _not_modified(request, headers["ETag"]):
                return HttpResponseNotModified()
            response = HttpResponse(content, status=status)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 404, 410) and not response.streaming:
            keep = {
                name: response[name]
                for name in ("Content-Type", "ETag", "Last-Modified", "Cache-Control")
                if response.has_header(name)
            }
            cache.set(key, (response.status_code, keep, response.content), PUBLIC_CACHE_SECONDS)
        return response

    return wrapper


def _not_modified(request, etag: str) -> bool:
    if_none_match = request.headers.get("If-None-Match", "")
    return etag in [tag.strip() for tag in if_none_match.split(",")] if if_none_match else False


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
    publications = list(
        Publication.objects.filter(organisation=org, withdrawn_at__isnull=True).order_by(
            "-fiscal_year", "kind", "-revision"
        )
    )
    latest: dict[tuple[int, str], Publication] = {}
    for publication in publications:
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
    return render(
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


def _publication(
    code: str, year: int, kind: str, revision: int | None
) -> tuple[Publication | None, Publication | None]:
    """(the revision to show, or None) and the newest withdrawn revision when none is live."""
    qs = Publication.objects.filter(
        organisation__code=code, organisation__is_active=True, fiscal_year=year, kind=kind
    ).select_related("organisation", "memo")
    if revision is not None:
        publication = qs.filter(revision=revision).first()
        if publication is None:
            raise Http404("ไม่พบเอกสารฉบับนี้")
        return (None, publication) if publication.withdrawn_at else (publication, None)
    live = qs.filter(withdrawn_at__isnull=True).order_by("-revision").first()
    if live:
        return live, None
    withdrawn = qs.order_by("-revision").first()
    if withdrawn is None:
        raise Http404("ยังไม่มีเอกสารที่เผยแพร่")
    return None, withdrawn


def _withdrawn_page(request, publication: Publication) -> HttpResponse:
    html = render_to_string("public/withdrawn.html", {"publication": publication}, request=request)
    return HttpResponse(html, status=410)


@require_safe
@cached_public
def document(request, code: str, year: int, kind: str, revision: int | None = None):
    publication, withdrawn = _publication(code, year, kind, revision)
    if publication is None:
        return _withdrawn_page(request, withdrawn)
    etag = quote_etag(f"{publication.html_sha256}-{publication.revision}")
    if _not_modified(request, etag):
        return HttpResponseNotModified()
    revisions = list(
        Publication.objects.filter(
            organisation=publication.organisation, fiscal_year=year, kind=kind
        )
        .order_by("-revision")
        .values("revision", "published_at", "withdrawn_at")
    )
    with publication.html.open("rb") as fh:
        frozen = fh.read().decode("utf-8")
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
    marker = frozen.find(">", frozen.find("<body")) + 1 if "<body" in frozen else 0
    response = HttpResponse(
        frozen[:marker] + banner + frozen[marker:], content_type="text/html; charset=utf-8"
    )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(publication.published_at.timestamp())
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def document_pdf(request, code: str, year: int, kind: str, revision: int | None = None):
    publication, withdrawn = _publication(code, year, kind, revision)
    if publication is None:
        return _withdrawn_page(request, withdrawn)
    etag = quote_etag(publication.pdf_sha256)
    if _not_modified(request, etag):
        return HttpResponseNotModified()
    response = FileResponse(
        publication.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{code}-{year}-{kind}-r{publication.revision}.pdf",
    )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(publication.published_at.timestamp())
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")
