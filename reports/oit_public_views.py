"""Public OIT pages: the list an agency links from its site and the per-item page pasted into ITAS.

Only published evidence is shown: approved files (frozen copies), published portal documents and
the agency's own URLs. Drafts, evidence awaiting approval and withdrawn evidence never appear.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from organisations.models import Organisation

from . import oit
from .models import EvidenceKind, OitEvidence
from .public_views import _not_modified, cached_public


def _organisation(code: str) -> Organisation:
    return get_object_or_404(Organisation, code=code, is_active=True)


def _board(organisation: Organisation, year: int) -> oit.Board:
    board = oit.oit_board(organisation, year, public=True)
    if board.framework is None:
        raise Http404(f"ไม่มีกรอบการประเมิน ITA ปี {year}")
    return board


@require_safe
@cached_public
def oit_index(request, code: str, year: int):
    organisation = _organisation(code)
    board = _board(organisation, year)
    return render(
        request,
        "public/oit_index.html",
        {"organisation": organisation, "year": year, "board": board},
    )


@require_safe
@cached_public
def oit_item(request, code: str, year: int, item_code: str):
    organisation = _organisation(code)
    board = _board(organisation, year)
    row = next((r for r in board.rows if r.item.code == item_code.lower()), None)
    if row is None:
        raise Http404(f"ไม่พบข้อ {item_code} ในปี {year}")
    return render(
        request,
        "public/oit_item.html",
        {"organisation": organisation, "year": year, "board": board, "row": row},
    )


@require_safe
@cached_public
def oit_file(request, code: str, year: int, item_code: str, pk: int):
    evidence = get_object_or_404(
        OitEvidence.objects.select_related("entry__item"),
        pk=pk,
        kind=EvidenceKind.FILE,
        entry__organisation__code=code,
        entry__organisation__is_active=True,
        entry__fiscal_year=year,
        entry__item__code=item_code.lower(),
        published_at__isnull=False,
        withdrawn_at__isnull=True,
    )
    etag = quote_etag(evidence.file_sha256)
    if _not_modified(request, etag):
        return HttpResponseNotModified()
    extension = evidence.published_file.name[evidence.published_file.name.rfind(".") :]
    response = FileResponse(
        evidence.published_file.open("rb"),
        content_type=evidence.content_type or "application/octet-stream",
        filename=f"{code}-{year}-{evidence.entry.item.code}-e{pk}{extension}",
    )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(evidence.published_at.timestamp())
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    response.stored_file = evidence.published_file.name  # a cache hit streams it again, no query
    return response
