"""The organisation's ITA scores of one year: official figures next to computed ones, the level by
the framework's rule, and five years compared. Read-only; members and central admins (VIEW)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from organisations.access import Action, can, organisation_for

from .analysis import assessment_with_history, history_chart, score_history, tool_groups
from .scoring import score_sheet


@login_required
def assessment_detail(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.VIEW)
    assessment, assessments = assessment_with_history(organisation, year)
    history = score_history(assessments, until=year)
    sheet = score_sheet(assessment) if assessment else None
    framework = assessment.framework if assessment else None
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "organisation": organisation,
            "year": year,
            "assessment": assessment,
            "framework": framework,
            "sheet": sheet,
            "groups": tool_groups(sheet) if sheet else [],
            "bands": sorted(framework.bands.all(), key=lambda b: b.order) if framework else [],
            "history": history,
            "chart": history_chart(history) if history.has_data else "",
            "can_edit": can(request.user, organisation, Action.EDIT),
        },
    )
