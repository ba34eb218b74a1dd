"""The portal's own pages: home, each role's dashboard, "waiting for me", audit trail, help, /healthz."""

from functools import lru_cache

import markdown
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from approvals.selectors import (
    days_waiting,
    delegations_in_force,
    memo_counts,
    memos_of_author,
    publications_to_retry,
    waiting_for,
)
from assessments.models import Framework
from assessments.selectors import survey_progress, years_for
from documents.registry import KINDS
from ita_portal.forms import parse_id
from ita_portal.thai import dates as thai
from notify.selectors import deliveries_for_organisation
from oit.selectors import oit_board
from organisations.access import (
    Action,
    is_central_admin,
    is_oversight,
    organisation_for,
    oversight_q,
    scope_labels,
)
from organisations.active import active_membership
from organisations.models import Role
from oversight.selectors import Filters as OversightFilters
from oversight.selectors import agencies as oversight_agencies
from oversight.selectors import summary as oversight_summary

from . import selectors

WAITING_ON_DASHBOARD = 10


def home(request):
    return render(request, "portal/home.html", {"fiscal_year": _current_fiscal_year()})


def _current_fiscal_year() -> int:
    return thai.fiscal_year_of(timezone.localdate())


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
        # One answer for every card: which year is planned, scored, and due in ITAS.
        years = years_for(organisation)
        context["years"] = years
        context["framework"] = years.planning_framework
        context["units"] = organisation.units.all()
        # The IIT/EIT drive of this year: links, counts recorded, the minimum if known.
        context["survey"] = survey_progress(organisation, years.planning)
        # During the OIT window the readiness board comes first.
        if years.oit_window_open:
            context["oit_board"] = oit_board(organisation, years.oit)
        context["waiting_steps"] = _waiting(request.user)[:WAITING_ON_DASHBOARD]
        context["own_memos"] = memos_of_author(request.user, organisation)
        context["returned_memos"] = context["own_memos"]["returned"]
        in_force = delegations_in_force(organisation, timezone.localdate())
        # Whoever acts for someone, or has someone acting for them, sees it first thing.
        context["my_delegations"] = [
            d for d in in_force if request.user.pk in (d.delegate_id, d.delegator_id)
        ]
        if membership.role == Role.ORG_ADMIN:
            context["memo_counts"] = memo_counts(organisation)
            context["publications_to_retry"] = publications_to_retry(organisation)
            context["delegations"] = in_force
    if is_oversight(request.user):
        context["missing_framework"] = not Framework.objects.filter(fiscal_year__year=year).exists()
        context["oversight_scopes"] = scope_labels(request.user)
        context["oversight_counts"] = oversight_summary(
            oversight_agencies(oversight_q(request.user), OversightFilters(year=year)),
            timezone.localdate(),
            7,
        )
    return render(request, "portal/dashboard.html", context)


# ---------------------------------------------------------------- audit trail

AUDIT_PER_PAGE = 50


@login_required
def audit_trail(request, code: str):
    organisation = organisation_for(request.user, code, Action.MANAGE)
    return _audit_page(request, organisation)


DELIVERIES_PER_PAGE = 50


@login_required
@require_safe
def organisation_deliveries(request, code: str):
    """What the organisation's people were told about it, by e-mail and LINE (org admins)."""
    organisation = organisation_for(request.user, code, Action.MANAGE)
    page = Paginator(deliveries_for_organisation(organisation.pk), DELIVERIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/deliveries.html", {"organisation": organisation, "page": page})


@login_required
def audit_trail_all(request):
    """Every organisation's trail, for central admins."""
    if not is_central_admin(request.user):
        raise PermissionDenied("เฉพาะผู้ดูแลส่วนกลางเท่านั้น")
    return _audit_page(request, None)


def _audit_page(request, organisation):
    model = request.GET.get("model", "")[:12]
    actor = request.GET.get("actor", "").strip()[:150]
    object_pk = request.GET.get("object", "")[:20]
    entries, labels = selectors.audit_entries(
        organisation=organisation,
        content_type_id=parse_id(model),
        actor=actor,
        object_pk=object_pk if parse_id(object_pk) is not None else "",
    )
    page = Paginator(entries, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    names = selectors.ValueNames(page.object_list)
    links = selectors.object_links(page.object_list)
    for entry in page:
        entry.model_label = labels.get(entry.content_type_id, "")
        entry.change_rows = selectors.change_rows(entry, names)
        entry.object_link = links.get(entry.pk, "")
    return render(
        request,
        "portal/audit_trail.html",
        {
            "organisation": organisation,
            "page": page,
            "content_types": sorted(labels.items(), key=lambda kv: str(kv[1])),
            "model": model,
            "actor": actor,
            "object_pk": object_pk if parse_id(object_pk) is not None else "",
        },
    )


# ---------------------------------------------------------------- help


def help_page(request):
    """The Thai user guide (docs/user-guide.md, the one source) as a page of the portal."""
    path = settings.BASE_DIR / "docs" / "user-guide.md"
    return render(request, "portal/help.html", {"guide": _guide_html(path, path.stat().st_mtime)})


@lru_cache(maxsize=2)
def _guide_html(path, mtime: float):
    """Converted once per version of the file (the mtime is part of the cache key)."""
    source = path.read_text(encoding="utf-8")
    # The guide is the project's own file, not user input; its images live in docs/images.
    html = markdown.markdown(source, extensions=["tables"]).replace(
        'src="images/', f'src="{settings.STATIC_URL}help/'
    )
    return mark_safe(html)


# ---------------------------------------------------------------- waiting for me


def _waiting(user) -> list:
    """The steps waiting for `user`, oldest first, each with its days waiting and what the
    memo asks to publish."""
    today = timezone.localdate()
    steps = list(waiting_for(user))
    for step in steps:
        step.days = days_waiting(step, today)
        step.kinds = ", ".join(
            KINDS[a.kind].label if a.kind in KINDS else a.title for a in step.memo.attachments.all()
        )
    return steps


@login_required
def waiting(request):
    return render(request, "portal/waiting.html", {"steps": _waiting(request.user)})


@require_safe
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")
