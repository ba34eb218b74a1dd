"""Staff screens for measures, progress, evidence and rounds. Thin: access, form, service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.analysis import (
    analysis_ensure,
    analysis_redraft,
    analysis_update,
    area_measure_draft,
    area_sections,
    assessment_with_history,
)
from assessments.models import AnalysisArea, Assessment
from assessments.selectors import framework_for_organisation
from ita_portal.files import stored_file_response
from ita_portal.forms import add_service_errors, parse_id
from ita_portal.thai import dates as thai
from ita_portal.uploads import MB, max_request_bytes
from organisations.access import Action, can, organisation_for
from organisations.models import Organisation

from . import selectors, services
from .forms import AreaAnalysisForm, MeasureForm, ProgressForm, RoundForm, StepFormSet
from .models import Evidence, EvidenceKind, Measure, ProgressStatus, ReportingRound

MEASURES_PER_PAGE = 50


def _measure(user, code: str, pk: int, action: Action) -> Measure:
    organisation = organisation_for(user, code, action)
    return get_object_or_404(
        Measure.objects.select_related("organisation", "fiscal_year"),
        pk=pk,
        organisation=organisation,
    )


# ---------------------------------------------------------------- list and dashboard


@login_required
def measure_list(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.VIEW)
    rounds = selectors.rounds_for_year(organisation, year)
    units = list(organisation.units.all())
    filters = {
        "unit": next((u for u in units if str(u.pk) == request.GET.get("unit")), None),
        "round": next((r for r in rounds if str(r.pk) == request.GET.get("round")), None),
        "status": request.GET.get("status")
        if request.GET.get("status") in ProgressStatus.values
        else None,
        "indicator": int(request.GET["indicator"])
        if (parse_id(request.GET.get("indicator")) or 0) in range(1, 11)
        else None,
    }
    measures = selectors.measures_for_year(organisation, year, **filters)
    all_measures = (
        measures if not any(filters.values()) else selectors.measures_for_year(organisation, year)
    )
    today = timezone.localdate()
    counts = selectors.status_counter(all_measures, filters["round"])
    page = Paginator(measures, MEASURES_PER_PAGE).get_page(request.GET.get("page"))
    for measure in page:
        measure.current_status = selectors.status_in(measure, filters["round"])
        measure.overdue = selectors.is_overdue(measure, today)
    return render(
        request,
        "measures/measure_list.html",
        {
            "organisation": organisation,
            "year": year,
            "rounds": rounds,
            "units": units,
            "filters": filters,
            "page": page,
            "counts": [(s, counts.get(s.value, 0)) for s in ProgressStatus],
            "total": len(all_measures),
            "overdue": [m for m in all_measures if selectors.is_overdue(m, today)],
            "statuses": ProgressStatus,
            "indicators": range(1, 11),
            "can_edit": can(request.user, organisation, Action.EDIT),
            "can_manage": can(request.user, organisation, Action.MANAGE),
            "filtered": any(v is not None for v in filters.values()),
            "framework": framework_for_organisation(organisation, year),
            "year_over": thai.fiscal_year_end(year) < today,
        },
    )


@login_required
def progress_dashboard(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.VIEW)
    rounds = selectors.rounds_for_year(organisation, year)
    measures = selectors.measures_for_year(organisation, year)
    return render(
        request,
        "measures/progress_dashboard.html",
        {
            "organisation": organisation,
            "year": year,
            "summaries": selectors.progress_summary(measures, rounds),
            "total": len(measures),
        },
    )


# ---------------------------------------------------------------- create / edit / delete


def _other_problems(form, formset, organisation, year) -> None:
    """The form's own checks failed: add the measure rules' findings for the other fields, so
    one submit shows every problem (not the steps only once the title is fixed)."""
    data = form.cleaned_data
    # A step with an error of its own (too long) is still a step: the rules see what was typed.
    steps = [
        f.cleaned_data.get("text", "") if f.is_valid() else f.data.get(f.add_prefix("text"), "")
        for f in formset.forms
        if not (getattr(f, "cleaned_data", None) or {}).get("DELETE")
    ]
    try:
        services.measure_check(
            organisation=organisation,
            year=year,
            title=data.get("title", ""),
            items=list(data.get("items") or []),
            responsible_units=list(data.get("responsible_units") or []),
            timeframe_kind=data.get("timeframe_kind", ""),
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            deadline=data.get("deadline"),
            quarters=data.get("quarters") or [],
            steps=steps,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            if field == "steps":
                if not formset.non_form_errors():
                    formset._non_form_errors = formset.error_class(errors)
            elif field in form.fields and field not in form.errors:
                for error in errors:
                    form.add_error(field, error)


def _measure_form_page(request, organisation, year, measure=None):
    framework = framework_for_organisation(organisation, year)
    if measure is None:
        initial, steps_initial = {}, []
    else:
        initial = {
            "title": measure.title,
            "problem": measure.problem,
            "items": list(measure.items.all()),
            "goal": measure.goal,
            "responsible_units": list(measure.responsible_units.all()),
            "monitoring": measure.monitoring,
            "timeframe_kind": measure.timeframe_kind,
            "start_date": measure.start_date,
            "end_date": measure.end_date,
            "deadline": measure.deadline,
            "quarters": measure.quarters,
            "expected_output": measure.expected_output,
            "expected_outcome": measure.expected_outcome,
        }
        steps_initial = [{"text": s.text} for s in measure.steps.all()]
    data = request.POST if request.method == "POST" else None
    form = MeasureForm(
        data, initial=initial, organisation=organisation, framework=framework, year=year
    )
    formset = StepFormSet(data, initial=steps_initial, prefix="steps")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        steps = [
            f.cleaned_data.get("text", "")
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        values = {
            k: v for k, v in form.cleaned_data.items() if k not in ("items", "responsible_units")
        }
        try:
            if measure is None:
                measure = services.measure_create(
                    organisation=organisation,
                    year=year,
                    user=request.user,
                    items=list(form.cleaned_data["items"]),
                    responsible_units=list(form.cleaned_data["responsible_units"]),
                    steps=steps,
                    **values,
                )
                messages.success(request, "บันทึกมาตรการใหม่แล้ว")
            else:
                services.measure_update(
                    measure=measure,
                    user=request.user,
                    items=list(form.cleaned_data["items"]),
                    responsible_units=list(form.cleaned_data["responsible_units"]),
                    steps=steps,
                    **values,
                )
                messages.success(request, "บันทึกการแก้ไขมาตรการแล้ว")
        except ValidationError as exc:
            add_service_errors(form, exc, formset=formset, formset_field="steps")
        else:
            return redirect("measures:measure_detail", code=organisation.code, pk=measure.pk)
    if request.method == "POST":
        if form.errors or not formset.is_valid():
            _other_problems(form, formset, organisation, year)
        messages.error(request, "ยังบันทึกไม่ได้ กรุณาแก้ไขรายการที่มีข้อความสีแดง")
    return render(
        request,
        "measures/measure_form.html",
        {
            "organisation": organisation,
            "year": year,
            "form": form,
            "formset": formset,
            "measure": measure,
            "framework": framework,
        },
    )


@login_required
def measure_create(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.EDIT)
    return _measure_form_page(request, organisation, year)


@login_required
def measure_update(request, code: str, pk: int):
    measure = _measure(request.user, code, pk, Action.EDIT)
    return _measure_form_page(request, measure.organisation, measure.fiscal_year.year, measure)


@login_required
def measure_detail(request, code: str, pk: int):
    measure = _measure(request.user, code, pk, Action.VIEW)
    organisation, year = measure.organisation, measure.fiscal_year.year
    measure = next(m for m in selectors.measures_for_year(organisation, year) if m.pk == measure.pk)
    rounds = selectors.rounds_for_year(organisation, year)
    return render(
        request,
        "measures/measure_detail.html",
        {
            "organisation": organisation,
            "year": year,
            "measure": measure,
            "rounds": [(r, measure.entries_by_round.get(r.pk)) for r in rounds],
            "can_edit": can(request.user, organisation, Action.EDIT),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def measure_delete(request, code: str, pk: int):
    measure = _measure(request.user, code, pk, Action.EDIT)
    year = measure.fiscal_year.year
    title = measure.title
    services.measure_delete(measure=measure, user=request.user)
    messages.success(request, f"ลบมาตรการ “{title[:60]}” แล้ว")
    return redirect("measures:measure_list", code=code, year=year)


@login_required
def measures_copy(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.EDIT)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            result = services.measures_copy_from_previous_year(
                organisation=organisation, year=year, user=request.user, today=today
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, result.summary(year))
            return redirect("measures:measure_list", code=code, year=year)
    source_year = selectors.copy_source_year(organisation, year)
    plan = selectors.measures_copy_plan(organisation, year, today, source_year)
    return render(
        request,
        "measures/measure_copy.html",
        {
            "organisation": organisation,
            "year": year,
            "source_year": source_year,
            "source_year_negative": -source_year,
            "plan": plan,
            "to_copy": sum(1 for row in plan if not row.duplicate),
            "year_over": thai.fiscal_year_end(year) < today,
            "framework": framework_for_organisation(organisation, year),
        },
    )


# ---------------------------------------------------------------- progress and evidence


@login_required
@max_request_bytes(settings.EVIDENCE_MAX_REQUEST_BYTES + MB)
def progress_edit(request, code: str, pk: int, round_pk: int):
    measure = _measure(request.user, code, pk, Action.EDIT)
    round = get_object_or_404(
        ReportingRound,
        pk=round_pk,
        organisation=measure.organisation,
        fiscal_year=measure.fiscal_year,
    )
    entry = measure.progress.filter(round=round).prefetch_related("evidence").first()
    initial = {}
    if entry:
        initial = {
            "status": entry.status,
            "output": entry.output,
            "outcome": entry.outcome,
            "recommendations": entry.recommendations,
            "reported_on": entry.reported_on,
        }
    posted = request.method == "POST"
    form = ProgressForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                entry = services.progress_entry_record(
                    measure=measure,
                    round=round,
                    user=request.user,
                    status=data["status"],
                    reported_on=data["reported_on"],
                    output=data["output"],
                    outcome=data["outcome"],
                    recommendations=data["recommendations"],
                )
                for upload in data["files"]:
                    services.evidence_add_file(entry=entry, upload=upload, user=request.user)
                for url in data["links"]:
                    services.evidence_add_link(entry=entry, url=url, user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"บันทึกผลการดำเนินการ{round.name}แล้ว")
            return redirect("measures:measure_detail", code=code, pk=measure.pk)
    if request.method == "POST":
        messages.error(request, "ยังบันทึกไม่ได้ กรุณาแก้ไขรายการที่มีข้อความสีแดง")
    return render(
        request,
        "measures/progress_form.html",
        {
            "organisation": measure.organisation,
            "measure": measure,
            "round": round,
            "entry": entry,
            "form": form,
        },
    )


def _evidence(user, code: str, pk: int, action: Action) -> Evidence:
    organisation = organisation_for(user, code, action)
    return get_object_or_404(
        Evidence.objects.select_related("progress_entry__measure"),
        pk=pk,
        progress_entry__measure__organisation=organisation,
    )


@login_required
def evidence_download(request, code: str, pk: int):
    evidence = _evidence(request.user, code, pk, Action.VIEW)
    if evidence.kind != EvidenceKind.FILE:
        raise Http404("หลักฐานนี้เป็นลิงก์")
    return stored_file_response(
        evidence.file,
        content_type=evidence.content_type,
        filename=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
        private=True,
    )


@login_required
@require_POST
def evidence_delete(request, code: str, pk: int):
    evidence = _evidence(request.user, code, pk, Action.EDIT)
    measure_pk = evidence.progress_entry.measure_id
    services.evidence_delete(evidence=evidence, user=request.user)
    messages.success(request, f"ลบหลักฐาน “{evidence.title}” แล้ว")
    return redirect("measures:measure_detail", code=code, pk=measure_pk)


# ---------------------------------------------------------------- rounds (org admin)


@login_required
def round_list(request, code: str, year: int):
    organisation = organisation_for(request.user, code, Action.MANAGE)
    form = RoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            new_round = services.round_create(
                user=request.user, organisation=organisation, year=year, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"เพิ่ม{new_round.name}แล้ว")
            return redirect(reverse("measures:round_list", args=[code, year]))
    return render(
        request,
        "measures/round_list.html",
        {
            "organisation": organisation,
            "year": year,
            "rounds": selectors.rounds_for_year(organisation, year),
            "form": form,
            "fiscal_span": thai.fiscal_year_range(year),
        },
    )


# ---------------------------------------------------------------- the analysis pages
# The organisation's texts per ประเด็น (assessments' data), with the measures that address each
# area and a measure drafted from an area.


def _assessment(organisation: Organisation, year: int) -> Assessment | None:
    assessment, _ = assessment_with_history(organisation, year, years=1)
    return assessment


def _area(assessment: Assessment, area_pk: int) -> AnalysisArea:
    for area in assessment.framework.analysis_areas.all():
        if area.pk == area_pk:
            return area
    raise Http404("ไม่พบประเด็นนี้ในกรอบการประเมินของปีนี้")


def _page_url(organisation: Organisation, year: int, area: AnalysisArea | None = None) -> str:
    url = reverse("measures:analysis_edit", args=[organisation.code, year])
    return f"{url}#area-{area.number}" if area else url


def _related_measures(organisation, year, sections) -> dict[int, list[Measure]]:
    """The year's measures linked to any item of each area (constant queries)."""
    measures = selectors.measures_for_year(organisation, year)
    related = {}
    for section in sections:
        codes = {row.code for row in section.items}
        related[section.area.pk] = [
            m for m in measures if any(item.code in codes for item in m.items.all())
        ]
    return related


@login_required
def analysis_edit(request, code: str, year: int):
    action = Action.EDIT if request.method == "POST" else Action.VIEW
    organisation = organisation_for(request.user, code, action)
    assessment = _assessment(organisation, year)
    context = {"organisation": organisation, "year": year, "assessment": assessment}
    if assessment is None:
        if request.method == "POST":
            raise Http404("ยังไม่มีผลการประเมินของปีนี้")
        return render(request, "measures/analysis_edit.html", context)

    can_edit = can(request.user, organisation, Action.EDIT)
    # A GET writes nothing: unsaved areas show drafts computed on the fly; a save (POST) writes
    # the year's rows first.
    analyses = (
        analysis_ensure(assessment=assessment, user=request.user)
        if request.method == "POST"
        else None
    )
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
    return render(request, "measures/analysis_edit.html", context)


@login_required
@require_POST
def analysis_redraft_view(request, code: str, year: int, area_pk: int):
    organisation = organisation_for(request.user, code, Action.EDIT)
    assessment = _assessment(organisation, year)
    if assessment is None:
        raise Http404("ยังไม่มีผลการประเมินของปีนี้")
    area = _area(assessment, area_pk)
    analysis = next(a for a in analysis_ensure(assessment=assessment) if a.area_id == area.pk)
    analysis_redraft(analysis=analysis, user=request.user)
    messages.success(request, f"ร่างข้อความประเด็นที่ {area.number} ใหม่จากคะแนนแล้ว (แทนที่ข้อความเดิม)")
    return redirect(_page_url(organisation, year, area))


@login_required
def measure_from_area(request, code: str, year: int, area_pk: int):
    organisation = organisation_for(request.user, code, Action.EDIT)
    assessment = _assessment(organisation, year)
    if assessment is None:
        raise Http404("ยังไม่มีผลการประเมินของปีนี้")
    area = _area(assessment, area_pk)
    if request.method == "POST":
        try:
            measure = services.measure_create_from_area(
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
        "measures/analysis_measure_confirm.html",
        {
            "organisation": organisation,
            "year": year,
            "area": area,
            "draft": area_measure_draft(assessment=assessment, area=area),
            "unit": units[0] if units else None,
            "quarters": services.MEASURE_QUARTERS,
        },
    )
