"""Working documents: the organisation's reports on screen (HTML) or as a PDF download.

Drafts change with the data, so nothing here is cached; what the public sees is the frozen
publication (`public`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from ita_portal.forms import parse_id
from measures.selectors import rounds_for_year
from organisations.access import Action, can, organisation_for

from .kinds.measures import default_preface, progress_oit_paragraph
from .registry import (
    DocumentError,
    attachable_kinds,
    blocked_reason,
    document_render,
    layout_or_default,
    published_links,
)
from .rendering import MAX_TEXT_OPTION, DocumentOptions


def document_params(request):
    """The document options a request carries: in its body when posted (the documents page
    posts, because the texts staff edit there, คำนำ and the OIT paragraph, are longer than an
    address may be: 4,000 characters of Thai are 36,000 in a URL), in its query otherwise (a
    link to a document with its options)."""
    return request.POST if request.method == "POST" else request.GET


def _document_options(request, organisation, year) -> DocumentOptions:
    params = document_params(request)
    round_ids = {r.pk for r in rounds_for_year(organisation, year)}
    round_id = params.get("round", "")
    layout = params.get("layout", "")
    return DocumentOptions(
        thai_digits=params.get("thai_digits") in {"1", "on", "true"},
        show_metadata=params.get("show_metadata") in {"1", "on", "true"},
        round_id=parse_id(round_id) if parse_id(round_id) in round_ids else None,
        layout=layout_or_default("measure-results", layout),
        preface=params.get("preface", "")[:MAX_TEXT_OPTION],
        introduction=params.get("introduction", "")[:MAX_TEXT_OPTION],
        oit_paragraph=params.get("oit_paragraph", "")[:MAX_TEXT_OPTION],
    )


@login_required
def document_index(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.VIEW)
    published = published_links(organisation, year)
    return render(
        request,
        "documents/document_index.html",
        {
            "organisation": organisation,
            "year": year,
            "rounds": rounds_for_year(organisation, year),
            # Each kind with what of it is already public this year (latest revision per round).
            "kinds": [
                (kind, published.get(kind.name, []), blocked_reason(kind, organisation, year))
                for kind in attachable_kinds()
            ],
            "default_preface": default_preface(organisation, year),
            "default_oit_paragraph": progress_oit_paragraph(organisation, year),
            "can_edit": can(request.user, organisation, Action.EDIT),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_view(request, code: str, year: int, kind: str):
    """A working document with the options chosen on the documents page. A POST here only
    renders (it writes nothing); it is a POST for the length of its texts."""
    organisation = organisation_for(request.user, code, Action.VIEW)
    if kind not in {k.name for k in attachable_kinds()}:
        raise Http404("ไม่พบเอกสารประเภทนี้")
    output = _output(request)
    try:
        document = document_render(
            kind=kind,
            organisation=organisation,
            fiscal_year=year,
            output=output,
            options=_document_options(request, organisation, year),
        )
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("documents:document_index", code=code, year=year)
    return document_response(document)


def _output(request) -> str:
    """format=pdf or docx (Word); anything else shows the HTML."""
    requested = document_params(request).get("format", "")
    return requested if requested in {"pdf", "docx"} else "html"


def document_response(document) -> HttpResponse:
    """A rendered working document: PDF and Word files download, HTML shows; never cached
    (drafts change)."""
    response = HttpResponse(document.content, content_type=document.content_type)
    disposition = "inline" if document.content_type.startswith("text/html") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def analysis_document(request, code: str, year: int):
    """The `analysis` report on screen (HTML) or as a PDF download."""
    organisation = organisation_for(request.user, code, Action.VIEW)
    output = _output(request)
    options = DocumentOptions(thai_digits=request.GET.get("thai_digits") in {"1", "on", "true"})
    try:
        document = document_render(
            kind="analysis",
            organisation=organisation,
            fiscal_year=year,
            output=output,
            options=options,
        )
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("measures:analysis_edit", code=code, year=year)
    return document_response(document)


@login_required
@require_safe
def survey_poster(request, code: str, year: int):
    """The IIT/EIT poster (A4, one page) on screen, or as a PDF or Word download."""
    organisation = organisation_for(request.user, code, Action.VIEW)
    options = DocumentOptions(thai_digits=request.GET.get("thai_digits") in {"1", "on", "true"})
    try:
        document = document_render(
            kind="survey-poster",
            organisation=organisation,
            fiscal_year=year,
            output=_output(request),
            options=options,
        )
    except DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("survey:drive", code=code, year=year)
    return document_response(document)
