"""Organisation pages: switch the active organisation, see an organisation's people and units."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .access import Action, can, organisation_for
from .active import set_active_organisation
from .selectors import organisation_members


@login_required
@require_POST
def switch(request):
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        organisation_id = 0
    membership = set_active_organisation(request, organisation_id)
    if membership is None:
        messages.error(request, "ท่านไม่ได้เป็นสมาชิกของหน่วยงานที่เลือก")
    else:
        messages.success(request, f"เปลี่ยนหน่วยงานเป็น {membership.organisation.name} แล้ว")
    target = request.POST.get("next") or ""
    # Only a path on this site; anything else (another host, a bare word) goes to the dashboard.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect("dashboard")
    return HttpResponseRedirect(target)


@login_required
def organisation_detail(request, code: str):
    organisation = organisation_for(request.user, code, Action.VIEW)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "units": organisation.units.all(),
            "members": organisation_members(organisation),
            # The years with imported NACC scores (assessments is the app above: only its
            # reverse relation is read here, and its pages are linked by URL name).
            "assessment_years": list(
                organisation.assessments.order_by("-fiscal_year__year").values_list(
                    "fiscal_year__year", flat=True
                )[:10]
            ),
            "can_manage": can(request.user, organisation, Action.MANAGE),
        },
    )
