"""The registry of document kinds, and the one function that renders any of them.

A kind is a template plus a builder that gathers its context, with its Thai titles, its page
setup, its table layouts and whether it can be published. The engine's own kinds are in
`documents/kinds/` and register when the app is ready; an app above registers its own the same
way (the memo, in `approvals`). Everything that lists document kinds (the working-documents
page, memo attachments, publication, OIT evidence, the public banner) reads this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from organisations.models import Organisation

from .docx import html_to_docx
from .errors import DocumentError  # re-exported: callers import it from here
from .rendering import (
    REPORT_PAGE,
    DocumentOptions,
    PageSetup,
    html_to_pdf,
    render_html,
)


@dataclass(frozen=True)
class DocumentKind:
    name: str
    #: the document's own title (its heading and the start of a memo's subject)
    title: str
    template: str
    build: Callable[..., dict[str, Any]]
    page: PageSetup = REPORT_PAGE
    needs_organisation: bool = True
    #: the name in lists: the public banner, OIT evidence, the working-documents page
    short_title: str = ""
    #: the table layouts the kind offers (DocumentOptions.layout) and the one used by default
    layouts: tuple[str, ...] = ()
    default_layout: str = ""
    #: a memo may ask to publish it (staff attach it from the working-documents page)
    attachable: bool = False
    #: it can be frozen as a Publication and shown under /p/ (every attachable kind, the memo)
    publishable: bool = False
    #: position in lists (the working-documents page, the OIT evidence choices)
    order: int = 100
    #: for kinds published in several variants (a report per round): (key, label) of the
    #: variant the options choose, e.g. ("round-6", "รอบ 6 เดือน"); each variant has its own
    #: "latest" public URL. ("", "") for the kind's only (or whole-year) variant.
    variant: Callable[..., tuple[str, str]] | None = None
    #: why the document cannot be made yet for an organisation's year ("" when it can), said
    #: on the documents page instead of buttons that would only answer with that error
    blocked: Callable[..., str] | None = None

    @property
    def label(self) -> str:
        return self.short_title or self.title


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    if kind.attachable and not kind.publishable:
        raise ValueError(f"{kind.name}: an attachable kind must be publishable")
    KINDS[kind.name] = kind
    return kind


def document_variant(*, kind: str, organisation, fiscal_year, options) -> tuple[str, str]:
    spec = KINDS.get(kind)
    if spec is None or spec.variant is None:
        return "", ""
    return spec.variant(organisation=organisation, fiscal_year=fiscal_year, options=options)


def blocked_reason(spec: DocumentKind, organisation, fiscal_year) -> str:
    return spec.blocked(organisation=organisation, fiscal_year=fiscal_year) if spec.blocked else ""


def attachable_kinds() -> list[DocumentKind]:
    """Kinds a memo may ask to publish, in their list order."""
    return sorted((k for k in KINDS.values() if k.attachable), key=lambda k: k.order)


def publishable_kind_choices() -> list[tuple[str, str]]:
    """`Publication.kind` choices (a callable: the registry fills at start-up)."""
    kinds = sorted((k for k in KINDS.values() if k.publishable), key=lambda k: k.order)
    return [(k.name, k.label) for k in kinds]


def layout_or_default(kind: str, layout: str | None) -> str:
    """The chosen layout if the kind offers it, else its default ("" for kinds without)."""
    spec = KINDS.get(kind)
    if spec is None or not spec.layouts:
        return ""
    return layout if layout in spec.layouts else spec.default_layout or spec.layouts[0]


@dataclass(frozen=True)
class PublishedLink:
    """A live publication of a document, for the working-documents page."""

    kind: str
    label: str  # the round, or "" for a kind's only document
    revision: int
    published_at: Any
    url: str


#: Filled at start-up by the app that serves published documents (`public`):
#: (organisation, fiscal_year) -> the live publications of that year, newest first. Documents
#: sit below publication and cannot ask it themselves.
PUBLISHED: list[Callable[[Organisation, int], list[PublishedLink]]] = []


def published_links(organisation: Organisation, fiscal_year: int) -> dict[str, list[PublishedLink]]:
    """Per kind, what is already published for the year (one query per provider)."""
    links: dict[str, list[PublishedLink]] = {}
    for provider in PUBLISHED:
        for link in provider(organisation, fiscal_year):
            links.setdefault(link.kind, []).append(link)
    return links


def get_kind(name: str) -> DocumentKind:
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise DocumentError(f"ไม่รู้จักเอกสารประเภท “{name}” (ที่มี: {known})") from None


OUTPUTS = ("html", "pdf", "docx")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class RenderedDocument:
    kind: str
    title: str
    content: bytes
    content_type: str
    filename: str


def document_htmls(
    *,
    kind: str,
    organisation: Organisation | None = None,
    fiscal_year: int | None = None,
    options: DocumentOptions | None = None,
    outputs: tuple[str, ...] = ("html",),
) -> tuple[DocumentKind, str, dict[str, str]]:
    """Gather a document's data once and render its template for each output.

    Returns (kind, title, {output: html}); the "pdf" HTML carries the local font files and is what
    `html_to_pdf` takes.
    """
    spec = get_kind(kind)
    for output in outputs:
        if output not in OUTPUTS:
            raise DocumentError(f"รูปแบบ “{output}” ไม่รองรับ (ใช้ html, pdf หรือ docx)")
    if spec.needs_organisation and organisation is None:
        raise DocumentError("ต้องระบุหน่วยงาน")
    options = options or DocumentOptions()
    context = spec.build(organisation=organisation, fiscal_year=fiscal_year, options=options)
    title = context.pop("title", spec.title)
    htmls = {
        output: render_html(
            spec.template,
            context,
            kind=spec.name,
            title=title,
            page=spec.page,
            options=options,
            # The Word file is written from the printed document (no screen-only parts).
            for_pdf=output in {"pdf", "docx"},
        )
        for output in outputs
    }
    return spec, title, htmls


def _file_stem(spec: DocumentKind, organisation, fiscal_year, options: DocumentOptions) -> str:
    """The download's name: kind, organisation, year, and what the options chose (the round,
    the layout), so that two variants saved side by side do not overwrite each other:
    "measure-results-6301401-2568-round-6-b"."""
    variant = ""
    if spec.variant is not None and organisation is not None:
        variant = spec.variant(organisation=organisation, fiscal_year=fiscal_year, options=options)[
            0
        ]
    layout = options.layout if spec.layouts and options.layout in spec.layouts else ""
    parts = (spec.name, organisation.code if organisation else "", fiscal_year, variant, layout)
    return "-".join(str(p) for p in parts if p)


def document_render_all(
    *,
    kind: str,
    organisation: Organisation | None = None,
    fiscal_year: int | None = None,
    options: DocumentOptions | None = None,
    outputs: tuple[str, ...] = ("html", "pdf"),
) -> dict[str, RenderedDocument]:
    """A document in several outputs from one gathering of its data (publication needs both)."""
    spec, title, htmls = document_htmls(
        kind=kind,
        organisation=organisation,
        fiscal_year=fiscal_year,
        options=options,
        outputs=outputs,
    )
    stem = _file_stem(spec, organisation, fiscal_year, options or DocumentOptions())
    rendered = {}
    for output, html in htmls.items():
        if output == "html":
            rendered[output] = RenderedDocument(
                spec.name, title, html.encode(), "text/html; charset=utf-8", f"{stem}.html"
            )
        elif output == "docx":
            rendered[output] = RenderedDocument(
                spec.name,
                title,
                html_to_docx(html, page=spec.page, title=title),
                DOCX_TYPE,
                f"{stem}.docx",
            )
        else:
            rendered[output] = RenderedDocument(
                spec.name, title, html_to_pdf(html), "application/pdf", f"{stem}.pdf"
            )
    return rendered


def document_render(
    *,
    kind: str,
    organisation: Organisation | None = None,
    fiscal_year: int | None = None,
    output: str = "pdf",
    options: DocumentOptions | None = None,
) -> RenderedDocument:
    """Render one document to "html" (for the screen), "pdf" or "docx" (Word)."""
    return document_render_all(
        kind=kind,
        organisation=organisation,
        fiscal_year=fiscal_year,
        options=options,
        outputs=(output,),
    )[output]
