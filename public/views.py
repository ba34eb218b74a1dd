"""The public site (no login): directory, organisation pages, permanent document URLs, OIT.

Only publications are reachable here. Pages carry ETag/Last-Modified; PDFs are the stored files,
never re-rendered. URLs never change, because agencies paste them into ITAS.

The OIT pages are the list an agency links from its site and the per-item page pasted into ITAS.
Only published evidence is shown: approved files (frozen copies), published portal documents and
the agency's own URLs. Drafts, evidence awaiting approval and withdrawn evidence never appear.
"""

from __future__ import annotations

from hashlib import md5

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from assessments.scoring import score_sheet
from assessments.selectors import assessments_for_organisation
from documents.charts import Bar, bar_chart
from documents.registry import DOCX_TYPE, KINDS
from ita_portal import files
from ita_portal.thai import dates as thai
from oit.models import EvidenceKind, OitEvidence
from oit.selectors import Board, oit_board
from organisations.models import Organisation
from organisations.search import clean_query, organisation_search
from oversight import selectors as oversight
from publication.models import Publication, PublishedFile, PublishedFileKind
from publication.services import publication_docx

from .cache import cache_headers, cached_public, not_modified, not_modified_response, validators

ORGANISATIONS_PER_PAGE = 50


@require_safe
@cached_public
def directory(request):
    query = clean_query(request.GET.get("q", ""))
    organisations = Organisation.objects.filter(is_active=True).annotate(
        published=Count("publications", filter=Q(publications__withdrawn_at__isnull=True))
    )
    if query:
        organisations = organisations.filter(organisation_search(query))
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
            "variant",
            "title",
            "published_at",
            "withdrawn_at",
        )
        .order_by("-fiscal_year", "kind", "-revision")
    )
    # One line per document: a kind, or each round of a kind published per round.
    latest: dict[tuple[int, str, str], Publication] = {}
    for publication in publications:
        if publication.withdrawn_at is None:
            key = (publication.fiscal_year, publication.kind, publication.variant)
            latest.setdefault(key, publication)
    by_year: dict[int, list[Publication]] = {}
    # Newest year first; in a year, documents before the list of its approving memos.
    for (year, *_), publication in sorted(
        latest.items(), key=lambda kv: (-kv[0][0], kv[0][1] == "memo", kv[0][1:])
    ):
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
            "stale_years": [s.assessment.fiscal_year.year for s in sheets if s.total.uses_computed],
            # The NACC graded AA–F until 2566 and in five named levels from 2567.
            "grading_kinds": sorted(
                {s.assessment.framework.get_grading_kind_display() for s in sheets}
            ),
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
    cache_headers(response, etag, max(c for c in changes if c is not None))
    return not_modified_response(response) if not_modified(request, etag) else response


# What the document pages read: the memo only for its number, the organisation for its name.
PUBLICATION_FIELDS = (
    "organisation__name",
    "organisation__code",
    "memo__number",
    *(f.name for f in Publication._meta.concrete_fields if f.name not in ("id", "withdrawn_by")),
)


def _publication(
    code: str,
    year: int | str,
    kind: str,
    revision: int | str | None,
    variant: str | None = None,
) -> tuple[Publication | None, Publication | None, list[Publication], list[Publication]]:
    """(the revision to show, or None), the newest withdrawn revision when none is live, every
    revision of the same document (same variant), and every revision of the kind, both newest
    first (one query).

    Without a revision: the newest live revision of `variant`; without a variant either, of the
    variant the kind was first published as, so /p/<code>/<year>/<kind>/ keeps showing the
    document it showed when it was first pasted into ITAS (the 6-month report stays the 6-month
    report when the 12-month one is published; that one has its own URL).
    """
    # The memo that approved each revision, where it was published beside it (same query).
    approving = Publication.objects.filter(memo=OuterRef("memo"), kind="memo")
    every = list(
        Publication.objects.filter(
            organisation__code=code, organisation__is_active=True, fiscal_year=year, kind=kind
        )
        .select_related("organisation", "memo")
        .only(*PUBLICATION_FIELDS)
        .annotate(
            approving_memo_revision=Subquery(approving.values("revision")[:1]),
            approving_memo_year=Subquery(approving.values("fiscal_year")[:1]),
        )
        .order_by("-revision")
    )
    if revision is not None:
        publication = next((p for p in every if p.revision == int(revision)), None)
        if publication is None:
            raise Http404("ไม่พบเอกสารฉบับนี้")
        revisions = [p for p in every if p.variant == publication.variant]
        if publication.withdrawn_at:
            return None, publication, revisions, every
        return publication, None, revisions, every
    if not every:
        raise Http404("ยังไม่มีเอกสารที่เผยแพร่")
    if variant is None:
        variant = every[-1].variant  # the first revision ever published
    revisions = [p for p in every if p.variant == variant]
    if not revisions:
        raise Http404("ยังไม่มีเอกสารรอบนี้ที่เผยแพร่")
    live = next((p for p in revisions if p.withdrawn_at is None), None)
    if live:
        return live, None, revisions, every
    return None, revisions[0], revisions, every


def _other_variants(publication: Publication, every: list[Publication]) -> list[Publication]:
    """The newest live revision of each other variant of the document's kind (other rounds),
    from the revisions `_publication` already read."""
    if not publication.variant:
        return []
    newest: dict[str, Publication] = {}
    for other in every:  # newest first
        # "" is a kind's only document (and a whole-year report published before it had its
        # own variant): it has no variant URL.
        if other.variant not in (publication.variant, "") and other.withdrawn_at is None:
            newest.setdefault(other.variant, other)
    return sorted(newest.values(), key=lambda p: p.variant)


def _withdrawn_page(request, publication: Publication) -> HttpResponse:
    html = render_to_string("public/withdrawn.html", {"publication": publication}, request=request)
    return HttpResponse(html, status=410)


@require_safe
@cached_public
def document(
    request,
    code: str,
    year: int,
    kind: str,
    revision: int | None = None,
    variant: str | None = None,
):
    publication, withdrawn, revisions, every = _publication(code, year, kind, revision, variant)
    if publication is None:
        return _withdrawn_page(request, withdrawn)
    etag = quote_etag(f"{publication.html_sha256}-{publication.revision}")
    if not_modified(request, etag):
        return not_modified_response(validators(etag, publication.published_at))
    with publication.html.open("rb") as fh:
        frozen = fh.read()  # bytes: the UTF-8 text is spliced, never decoded
    banner = render_to_string(
        "public/_document_banner.html",
        {
            "publication": publication,
            "revisions": [] if kind == "memo" else revisions,
            "kind_title": KINDS[kind].label if kind in KINDS else kind,
            "approving": None if kind == "memo" else publication.approving_memo_revision,
            "files": list(publication.files.all()),
            "other_variants": _other_variants(publication, every),
            "has_table": b"<table" in frozen,
        },
        request=request,
    )
    # The stored file stays byte-for-byte as frozen; the approval record is placed around it.
    marker = frozen.find(b">", frozen.find(b"<body")) + 1 if b"<body" in frozen else 0
    response = HttpResponse(
        frozen[:marker] + banner.encode() + frozen[marker:],
        content_type="text/html; charset=utf-8",
    )
    return cache_headers(response, etag, publication.published_at)


@require_safe
@cached_public
def document_pdf(
    request,
    code: str,
    year: int,
    kind: str,
    revision: int | None = None,
    variant: str | None = None,
):
    publication, withdrawn, *_ = _publication(code, year, kind, revision, variant)
    if publication is None:
        return _withdrawn_page(request, withdrawn)
    etag = quote_etag(publication.pdf_sha256)
    if not_modified(request, etag):
        return not_modified_response(validators(etag, publication.published_at))
    response = FileResponse(
        publication.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{code}-{year}-{kind}-r{publication.revision}.pdf",
    )
    # The file is immutable: the cache keeps its name, and a hit streams it without a query.
    response.stored_file = publication.pdf.name
    return cache_headers(response, etag, publication.published_at)


@require_safe
@cached_public
def document_docx(
    request,
    code: str,
    year: int,
    kind: str,
    revision: int | None = None,
    variant: str | None = None,
):
    """The revision as an editable Word file, marked as a copy of the approved document."""
    publication, withdrawn, *_ = _publication(code, year, kind, revision, variant)
    if publication is None:
        return _withdrawn_page(request, withdrawn)
    publication = publication_docx(publication)
    return stored_file_response(
        publication.docx,
        content_type=DOCX_TYPE,
        filename=f"{code}-{year}-{kind}-r{publication.revision}.docx",
        sha256=publication.docx_sha256,
        at=publication.published_at,
    )


def stored_file_response(field, *, content_type: str, filename: str, sha256: str, at):
    """A frozen public file with the headers every stored file gets (ita_portal.files: nosniff,
    a sandbox CSP, attachment unless it is a PDF or a photo) and long-lived validators (the
    bytes never change)."""
    response = files.stored_file_response(
        field, content_type=content_type, filename=filename, private=False
    )
    response.stored_file = field.name  # a cache hit streams it again, no query
    return cache_headers(response, quote_etag(sha256), at)


@require_safe
@cached_public
def document_file(request, code: str, year: int, kind: str, revision: int, number: int):
    """Evidence frozen with a published revision, at that revision's permanent URL."""
    frozen = get_object_or_404(
        PublishedFile.objects.select_related("publication"),
        publication__organisation__code=code,
        publication__organisation__is_active=True,
        publication__fiscal_year=year,
        publication__kind=kind,
        publication__revision=revision,
        number=number,
        kind=PublishedFileKind.FILE,
    )
    publication = frozen.publication
    if publication.withdrawn_at:
        return _withdrawn_page(request, publication)
    etag = quote_etag(frozen.sha256)
    if not_modified(request, etag):
        return not_modified_response(validators(etag, publication.published_at))
    extension = frozen.file.name[frozen.file.name.rfind(".") :]
    return stored_file_response(
        frozen.file,
        content_type=frozen.content_type,
        filename=f"{code}-{year}-{kind}-r{revision}-{number}{extension}",
        sha256=frozen.sha256,
        at=publication.published_at,
    )


# ---------------------------------------------------------------- memos


def _memo_publications(code: str, year: int) -> list[Publication]:
    return list(
        Publication.objects.filter(
            organisation__code=code, organisation__is_active=True, fiscal_year=year, kind="memo"
        )
        .select_related("organisation", "memo")
        .only(*PUBLICATION_FIELDS)
        .order_by("revision")
    )


@require_safe
@cached_public
def memo_list(request, code: str, year: int):
    """The year's published memos, each with its own permanent address (/memo/r<N>/)."""
    organisation = get_object_or_404(Organisation, code=code, is_active=True)
    publications = _memo_publications(code, year)
    if not publications:
        raise Http404("ยังไม่มีบันทึกข้อความที่เผยแพร่ของปีนี้")
    response = render(
        request,
        "public/memo_list.html",
        {"organisation": organisation, "year": year, "publications": publications},
    )
    etag = quote_etag(md5(response.content, usedforsecurity=False).hexdigest())
    changed = max(p.withdrawn_at or p.published_at for p in publications)
    cache_headers(response, etag, changed)
    return not_modified_response(response) if not_modified(request, etag) else response


@require_safe
def memo_list_pdf(request, code: str, year: int):
    """The address that once gave the latest memo's PDF: memos are separate documents, so it
    leads to the list of the year's memos, each with its own PDF."""
    return redirect("public:memo_list", code=code, year=year)


# ---------------------------------------------------------------- OIT


def _organisation(code: str) -> Organisation:
    return get_object_or_404(Organisation, code=code, is_active=True)


def _board(organisation: Organisation, year: int) -> Board:
    board = oit_board(organisation, year, public=True)
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
        OitEvidence.objects.live().select_related("entry__item"),
        pk=pk,
        kind=EvidenceKind.FILE,
        entry__organisation__code=code,
        entry__organisation__is_active=True,
        entry__fiscal_year=year,
        entry__item__code=item_code.lower(),
        published_at__isnull=False,
    )
    etag = quote_etag(evidence.file_sha256)
    if not_modified(request, etag):
        return HttpResponseNotModified()
    extension = evidence.published_file.name[evidence.published_file.name.rfind(".") :]
    # The same headers as every stored public file (nosniff, sandbox, inline only PDF/photos).
    return stored_file_response(
        evidence.published_file,
        content_type=evidence.content_type,
        filename=f"{code}-{year}-{evidence.entry.item.code}-e{pk}{extension}",
        sha256=evidence.file_sha256,
        at=evidence.published_at,
    )


# ---------------------------------------------------------------- provinces and districts

AREA_AGENCIES_PER_PAGE = 100


@require_safe
@cached_public
def provinces(request):
    return render(request, "public/province_list.html", {"provinces": oversight.provinces_public()})


def _area_document(code, year, kind, variant, variant_label, day) -> tuple[str, object, str]:
    """(label, day, the document's permanent address) for a province or district table."""
    label = KINDS[kind].label if kind in KINDS else kind
    if kind == "memo":
        return label, day, reverse("public:memo_list", kwargs={"code": code, "year": year})
    if variant:
        label = f"{label} ({variant_label or variant})"
        return (
            label,
            day,
            reverse(
                "public:document_variant",
                kwargs={"code": code, "year": year, "kind": kind, "variant": variant},
            ),
        )
    return label, day, reverse("public:document", kwargs={"code": code, "year": year, "kind": kind})


@require_safe
@cached_public
def province(request, province: str, district: str = ""):
    """Every agency of a province (or a district): its latest score and level, the documents
    it has published this fiscal year, and the distribution by level (chart and table)."""
    province, district = province[:100], district[:100]
    current = thai.fiscal_year_of(timezone.localdate())
    # The years with documents published in the area (newest first), and this year: early in
    # a fiscal year the latest documents are last year's, so the page opens on them.
    published_years = oversight.area_publication_years(province, district)
    years = sorted(set(published_years) | {current}, reverse=True)
    asked = request.GET.get("year", "")[:4]
    default = published_years[0] if published_years else current
    year = int(asked) if asked.isdigit() and int(asked) in years else default
    # Latest scores come from this year's rows (a score is the latest whatever the year).
    rows = oversight.area_agencies(province, district, current)
    summary = oversight.summary(rows, timezone.localdate(), 7)
    if not summary.agencies:
        raise Http404("ไม่พบหน่วยงานในพื้นที่นี้")
    page = oversight.paginate(rows, AREA_AGENCIES_PER_PAGE, summary, request.GET.get("page"))
    chart = bar_chart(
        [Bar(level or "ยังไม่มีผลการประเมิน", n) for level, n in summary.levels],
        title="จำนวนหน่วยงานตามระดับผลการประเมินล่าสุด",
        maximum=max(n for _l, n in summary.levels) or 1,
        decimals=0,
        label_width=200,
        width=560,
    )
    published = oversight.area_published([o.pk for o in page.object_list], year)
    rows_shown = []
    for organisation in page.object_list:
        documents = published.get(organisation.pk, {})
        rows_shown.append(
            (
                organisation,
                [
                    _area_document(organisation.code, year, kind, variant, variant_label, day)
                    for (kind, variant, variant_label), day in sorted(
                        documents.items(),
                        key=lambda pair: (
                            KINDS[pair[0][0]].order if pair[0][0] in KINDS else 999,
                            pair[0][1],
                        ),
                    )
                ],
            )
        )
    return render(
        request,
        "public/province.html",
        {
            "province": province,
            "district": district,
            "year": year,
            "years": years,
            "summary": summary,
            "page": page,
            "rows": rows_shown,
            "districts": [] if district else oversight.area_districts(province),
            "chart": chart,
        },
    )
