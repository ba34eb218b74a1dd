"""The analysis pages: the organisation's texts per ประเด็น, and a measure drafted from an area.

They live in `reports` because the measure flow needs both `assessments` and `measures`, and a
lower app never imports a higher one. Thin views: access helper, form, service, message, redirect.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.analysis import (
    MAX_TEXT_LENGTH,
    TEXT_LABELS,
    analysis_ensure,
    analysis_redraft,
    analysis_update,
    area_measure_draft,
    area_sections,
    assessment_with_history,
)
from assessments.models import AnalysisArea, Assessment
from ita_portal.forms import add_service_errors
from measures.models import Measure, TimeframeKind
from measures.selectors import measures_for_year
from measures.services import measure_create
from measures.views import check_year as _check_year
from organisations.access import Action, can, organisation_for
from organisations.models import Organisation

from .documents import DocumentError, document_render
from .rendering import DocumentOptions
from .views import document_response

MEASURE_QUARTERS = [2, 3]


def _assessment(organisation: Organisation, year: int) -> Assessment | None:
    assessment, _ = assessment_with_history(organisation, year, years=1)
    return assessment


def _area(assessment: Assessment, area_pk: int) -> AnalysisArea:
    for area in assessment.framework.analysis_areas.all():
        if area.pk == area_pk:
            return area
    raise Http404("ไม่พบประเด็นนี้ในกรอบการประเมินของปีนี้")


def _page_url(organisation: Organisation, year: int, area: AnalysisArea | None = None) -> str:
    url = reverse("analysis:analysis_edit", args=[organisation.code, year])
    return f"{url}#area-{area.number}" if area else url


# ---------------------------------------------------------------- the texts of each area


def _text_field(key: str) -> forms.CharField:
    label = TEXT_LABELS[key]
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": f"กรุณากรอก “{label}”",
            "max_length": f"“{label}” ยาวเกิน {MAX_TEXT_LENGTH:,} ตัวอักษร",
        },
    )


class AreaAnalysisForm(forms.Form):
    facts = _text_field("facts")
    therefore = _text_field("therefore")
    maintain_develop = _text_field("maintain_develop")


def _related_measures(organisation, year, sections) -> dict[int, list[Measure]]:
    """The year's measures linked to any item of each area (constant queries)."""
    measures = measures_for_year(organisation, year)
    related = {}
    for section in sections:
        codes = {row.code for row in section.items}
        related[section.area.pk] = [
            m for m in measures if any(item.code in codes for item in m.items.all())
        ]
    return related


@login_required
def analysis_edit(request, code: str, year: int):
    _check_year(year)
    action = Action.EDIT if request.method == "POST" else Action.VIEW
    organisation = organisation_for(request.user, code, action)
    assessment = _assessment(organisation, year)
    context = {"organisation": organisation, "year": year, "assessment": assessment}
    if assessment is None:
        if request.method == "POST":
            raise Http404("ยังไม่มีผลการประเมินของปีนี้")
        return render(request, "reports/analysis_edit.html", context)

    can_edit = can(request.user, organisation, Action.EDIT)
    # Drafts are written only for those who may edit; others see them computed on the fly.
    analyses = analysis_ensure(assessment=assessment, user=request.user) if can_edit else None
    bound_area, bound_form = None, None
    if request.method == "POST":
        area_pk = request.POST.get("area", "")
        analysis = next((a for a in analyses if str(a.area_id) == area_pk), None)
        if analysis is None:
            raise Http404("ไม่พบประเด็นนี้ในกรอบการประเมินของปีนี้")
        form = AreaAnalysisForm(request.POST, prefix=f"area-{analysis.area_id}")
        if form.is_valid():
            try:
                analysis_update(analysis=analysis, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"บันทึกการวิเคราะห์ประเด็นที่ {analysis.area.number} แล้ว")
                return redirect(_page_url(organisation, year, analysis.area))
        messages.error(request, "ยังบันทึกไม่ได้ กรุณาแก้ไขรายการที่มีข้อความสีแดง")
        bound_area, bound_form = analysis.area_id, form

    sections = area_sections(assessment, analyses)
    related = _related_measures(organisation, year, sections)
    for section in sections:
        section.related_measures = related[section.area.pk]
        if can_edit:
            section.form = (
                bound_form
                if section.area.pk == bound_area
                else AreaAnalysisForm(initial=section.texts, prefix=f"area-{section.area.pk}")
            )
    context.update(
        {
            "sections": sections,
            "can_edit": can_edit,
            "pass_mark": assessment.framework.pass_mark,
        }
    )
    return render(request, "reports/analysis_edit.html", context)


@login_required
@require_POST
def analysis_redraft_view(request, code: str, year: int, area_pk: int):
    _check_year(year)
    organisation = organisation_for(request.user, code, Action.EDIT)
    assessment = _assessment(organisation, year)
    if assessment is None:
        raise Http404("ยังไม่มีผลการประเมินของปีนี้")
    area = _area(assessment, area_pk)
    analysis = next(a for a in analysis_ensure(assessment=assessment) if a.area_id == area.pk)
    analysis_redraft(analysis=analysis, user=request.user)
    messages.success(request, f"ร่างข้อความประเด็นที่ {area.number} ใหม่จากคะแนนแล้ว (แทนที่ข้อความเดิม)")
    return redirect(_page_url(organisation, year, area))


# ---------------------------------------------------------------- a measure from an area


def measure_create_from_area(
    *, organisation: Organisation, assessment: Assessment, area: AnalysisArea, user
) -> Measure:
    """A measure for the area: its weak items linked, the organisation's first unit responsible,
    one step drafted from the area, quarters 2–3. Raises ValidationError (Thai) like
    `measure_create`."""
    draft = area_measure_draft(assessment=assessment, area=area)
    return measure_create(
        organisation=organisation,
        year=assessment.fiscal_year.year,
        user=user,
        title=draft.title,
        problem=draft.problem,
        items=draft.items,
        responsible_units=list(organisation.units.all()[:1]),
        steps=draft.steps,
        timeframe_kind=TimeframeKind.QUARTERS,
        quarters=MEASURE_QUARTERS,
    )


@login_required
def measure_from_area(request, code: str, year: int, area_pk: int):
    _check_year(year)
    organisation = organisation_for(request.user, code, Action.EDIT)
    assessment = _assessment(organisation, year)
    if assessment is None:
        raise Http404("ยังไม่มีผลการประเมินของปีนี้")
    area = _area(assessment, area_pk)
    if request.method == "POST":
        try:
            measure = measure_create_from_area(
                organisation=organisation, assessment=assessment, area=area, user=request.user
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, f"สร้างมาตรการไม่ได้: {error}")
            return redirect(_page_url(organisation, year, area))
        messages.success(
            request,
            f"สร้างมาตรการจากประเด็นที่ {area.number} แล้ว กรุณาตรวจสอบและแก้ไขรายละเอียดให้ครบถ้วน",
        )
        return redirect("measures:measure_update", code=organisation.code, pk=measure.pk)
    units = list(organisation.units.all()[:1])
    return render(
        request,
        "reports/analysis_measure_confirm.html",
        {
            "organisation": organisation,
            "year": year,
            "area": area,
            "draft": area_measure_draft(assessment=assessment, area=area),
            "unit": units[0] if units else None,
            "quarters": MEASURE_QUARTERS,
        },
    )


# ---------------------------------------------------------------- the report


@login_required
def analysis_document(request, code: str, year: int):
    """The `analysis` report on screen (HTML) or as a PDF download."""
    _check_year(year)
    organisation = organisation_for(request.user, code, Action.VIEW)
    output = "pdf" if request.GET.get("format") == "pdf" else "html"
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
        return redirect("analysis:analysis_edit", code=code, year=year)
    return document_response(document)
