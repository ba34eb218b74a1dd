"""The survey drive page of an agency's year: the IIT/EIT links with คิวอาร์โค้ดs, the counts
against the minimum, and the two forms (links, counts). Members view; staff and org admins edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from ita_portal.forms import add_service_errors
from ita_portal.qr import qr_svg
from organisations.access import Action, can, organisation_for

from . import services
from .forms import SurveyCountsForm, SurveyLinksForm
from .selectors import survey_link_warnings, survey_progress


def _page(request, organisation, year, *, links_form=None, counts_form=None):
    progress = survey_progress(organisation, year)
    can_edit = can(request.user, organisation, Action.EDIT)
    if links_form is None:
        links_form = SurveyLinksForm(
            initial={"iit_url": progress.iit.url, "eit_url": progress.eit.url}
        )
    if counts_form is None:
        counts_form = SurveyCountsForm(
            initial={
                "iit_responses": progress.iit.responses,
                "eit_responses": progress.eit.responses,
            }
        )
    return render(
        request,
        "assessments/survey_drive.html",
        {
            "organisation": organisation,
            "year": year,
            "progress": progress,
            "framework": progress.framework,
            "tools": [
                (tool, qr_svg(tool.url, label=f"คิวอาร์โค้ด แบบวัด {tool.label}") if tool.url else "")
                for tool in progress.tools
            ],
            "link_warnings": survey_link_warnings(progress, organisation.code),
            "can_edit": can_edit,
            "links_form": links_form,
            "counts_form": counts_form,
        },
    )


@login_required
@require_safe
def drive(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.VIEW)
    return _page(request, organisation, year)


@login_required
@require_POST
def links(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.EDIT)
    form = SurveyLinksForm(request.POST)
    if form.is_valid():
        try:
            services.survey_links_update(
                user=request.user, organisation=organisation, year=year, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "บันทึกลิงก์แบบวัดแล้ว")
            return redirect("survey:drive", code=code, year=year)
    return _page(request, organisation, year, links_form=form)


@login_required
@require_POST
def counts(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.EDIT)
    form = SurveyCountsForm(request.POST)
    if form.is_valid():
        try:
            services.survey_counts_record(
                user=request.user,
                organisation=organisation,
                year=year,
                iit_responses=form.cleaned_data["iit_responses"],
                eit_responses=form.cleaned_data["eit_responses"],
                as_of=form.cleaned_data["counts_as_of"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "บันทึกจำนวนผู้ตอบแล้ว")
            return redirect("survey:drive", code=code, year=year)
    return _page(request, organisation, year, counts_form=form)
