"""The portal's own pages: home, role landing pages, working documents, audit trail and help."""

from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from assessments.selectors import framework_for_organisation
from ita_portal.thai import dates as thai
from organisations.access import Action, can, is_central_admin, organisation_for
from organisations.active import active_membership
from organisations.models import Organisation, Role

from .documents import DocumentError, document_render, get_kind
from .rendering import DocumentOptions

ORGANISATIONS_PER_PAGE = 50


def home(request):
    return render(request, "reports/home.html", {"fiscal_year": _current_fiscal_year()})


def _current_fiscal_year() -> int:
    return thai.fiscal_year_of(timezone.localdate())


def oit_window_board(organisation):
    """The OIT board of the year whose ITAS window is open today for this organisation."""
    from assessments.models import Framework

    from .oit import oit_board

    today = timezone.localdate()
    open_now = Framework.objects.filter(
        oit_opens_on__lte=today, oit_deadline__gte=today
    ).select_related("fiscal_year")
    for framework in open_now.order_by("-fiscal_year__year"):
        year = framework.fiscal_year.year
        own = framework_for_organisation(organisation, year)
        if own is not None and own.pk == framework.pk:
            return oit_board(organisation, year)
    return None


@login_required
def dashboard(request):
    membership = active_membership(request)
    year = _current_fiscal_year()
    context = {
        "fiscal_year": year,
        "fiscal_span": thai.fiscal_year_range(year),
        "rounds": [
            {"name": "รอบ 6 เดือน", "range": thai.round_range(year, 6)},
            {"name": "รอบ 12 เดือน", "range": thai.round_range(year, 12)},
        ],
        "membership": membership,
        "role": membership.role if membership else None,
        "Role": Role,
    }
    if membership:
        organisation = membership.organisation
        context["framework"] = framework_for_organisation(organisation, year)
        context["units"] = organisation.units.all()
        # During the OIT window the readiness board comes first.
        context["oit_board"] = oit_window_board(organisation)
    if is_central_admin(request.user):
        query = request.GET.get("q", "").strip()
        organisations = Organisation.objects.filter(is_active=True).order_by("province", "name")
        if query:
            organisations = organisations.filter(
                Q(name__icontains=query)
                | Q(code__iexact=query)
                | Q(province__icontains=query)
                | Q(district__icontains=query)
            )
        context["query"] = query
        context["organisations_page"] = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(request, "reports/dashboard.html", context)


# ---------------------------------------------------------------- documents

ORG_DOCUMENT_KINDS = ["measure-plan", "measure-results", "progress", "analysis"]
MAX_TEXT_OPTION = 4000


def _document_options(request, organisation, year) -> DocumentOptions:
    from measures.selectors import rounds_for_year

    round_ids = {r.pk for r in rounds_for_year(organisation, year)}
    round_id = request.GET.get("round", "")
    layout = request.GET.get("layout", "b")
    return DocumentOptions(
        thai_digits=request.GET.get("thai_digits") in {"1", "on", "true"},
        round_id=int(round_id) if round_id.isdigit() and int(round_id) in round_ids else None,
        layout=layout if layout in {"a", "b", "c"} else "b",
        preface=request.GET.get("preface", "")[:MAX_TEXT_OPTION],
        introduction=request.GET.get("introduction", "")[:MAX_TEXT_OPTION],
    )


@login_required
def document_index(request, code: str, year: int):
    from measures.selectors import rounds_for_year
    from measures.services import rounds_ensure_defaults

    organisation = organisation_for(request.user, code, Action.VIEW)
    rounds_ensure_defaults(organisation=organisation, year=year)
    return render(
        request,
        "reports/document_index.html",
        {
            "organisation": organisation,
            "year": year,
            "rounds": rounds_for_year(organisation, year),
            "kinds": [get_kind(k) for k in ORG_DOCUMENT_KINDS],
            "can_edit": can(request.user, organisation, Action.EDIT),
        },
    )


@login_required
def document_view(request, code: str, year: int, kind: str):
    organisation = organisation_for(request.user, code, Action.VIEW)
    if kind not in ORG_DOCUMENT_KINDS:
        raise Http404("ไม่พบเอกสารประเภทนี้")
    output = "pdf" if request.GET.get("format") == "pdf" else "html"
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
        return redirect("reports:document_index", code=code, year=year)
    return document_response(document)


def document_response(document) -> HttpResponse:
    """A rendered working document: PDFs download, HTML shows; never cached (drafts change)."""
    response = HttpResponse(document.content, content_type=document.content_type)
    disposition = "attachment" if document.content_type == "application/pdf" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- audit trail

AUDIT_PER_PAGE = 50


def _change_rows(entry) -> list[tuple[str, str, str]]:
    """(field, before, after) for display; many-to-many changes list what was added/removed."""
    model = entry.content_type.model_class()
    rows = []
    for name, change in entry.changes_dict.items():
        try:
            label = str(model._meta.get_field(name).verbose_name) if model else name
        except Exception:  # a field removed since the entry was written
            label = name
        if isinstance(change, dict):  # m2m: {"type": "m2m", "operation": ..., "objects": [...]}
            verb = {"add": "เพิ่ม", "delete": "ลบ", "clear": "ล้าง"}.get(change.get("operation"), "")
            rows.append((label, "", f"{verb} {', '.join(map(str, change.get('objects', [])))}"))
        elif isinstance(change, list | tuple) and len(change) == 2:
            rows.append((label, str(change[0]), str(change[1])))
        else:
            rows.append((label, "", str(change)))
    return rows


@login_required
def audit_trail(request, code: str):
    organisation = organisation_for(request.user, code, Action.MANAGE)
    return _audit_page(request, organisation)


@login_required
def audit_trail_all(request):
    """Every organisation's trail, for central admins."""
    if not is_central_admin(request.user):
        raise PermissionDenied("เฉพาะผู้ดูแลส่วนกลางเท่านั้น")
    return _audit_page(request, None)


def _audit_page(request, organisation):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if organisation is not None:
        entries = entries.filter(additional_data__organisation_id=organisation.pk)
    labels = {
        ct.pk: (ct.model_class()._meta.verbose_name if ct.model_class() else ct.model)
        for ct in ContentType.objects.filter(
            pk__in=entries.order_by().values("content_type").distinct()
        )
    }
    model = request.GET.get("model", "")
    if model.isdigit():
        entries = entries.filter(content_type_id=int(model))
    actor = request.GET.get("actor", "").strip()
    if actor:
        entries = entries.filter(
            Q(actor__username__icontains=actor)
            | Q(actor__first_name__icontains=actor)
            | Q(actor__last_name__icontains=actor)
        )
    page = Paginator(entries, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    for entry in page:
        entry.model_label = labels.get(entry.content_type_id, "")
        entry.change_rows = _change_rows(entry)
    return render(
        request,
        "reports/audit_trail.html",
        {
            "organisation": organisation,
            "page": page,
            "content_types": sorted(labels.items(), key=lambda kv: str(kv[1])),
            "model": model,
            "actor": actor,
        },
    )


# ---------------------------------------------------------------- help


def help_page(request):
    """The Thai user guide (docs/user-guide.md, the one source) as a page of the portal."""
    from django.conf import settings

    path = settings.BASE_DIR / "docs" / "user-guide.md"
    return render(request, "reports/help.html", {"guide": _guide_html(path, path.stat().st_mtime)})


@lru_cache(maxsize=2)
def _guide_html(path, mtime: float):
    """Converted once per version of the file (the mtime is part of the cache key)."""
    import markdown
    from django.conf import settings
    from django.utils.safestring import mark_safe

    source = path.read_text(encoding="utf-8")
    # The guide is the project's own file, not user input; its images live in docs/images.
    html = markdown.markdown(source, extensions=["tables"]).replace(
        'src="images/', f'src="{settings.STATIC_URL}help/'
    )
    return mark_safe(html)
