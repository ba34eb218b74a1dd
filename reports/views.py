"""The portal's front door: the public home page and each role's landing page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from assessments.selectors import framework_for
from ita_portal.thai import dates as thai
from organisations.access import is_central_admin
from organisations.active import active_membership
from organisations.models import Organisation, OrganisationType, Role

ORGANISATIONS_PER_PAGE = 50


def home(request):
    return render(request, "reports/home.html", {"fiscal_year": _current_fiscal_year()})


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
        variant = "" if organisation.type == OrganisationType.OTHER else "อปท."
        context["framework"] = framework_for(year, variant)
        context["units"] = organisation.units.all()
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
