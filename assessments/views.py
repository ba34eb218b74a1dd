"""The ITA catalogue's public pages, and the central admins' score import and exports."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ita_portal.thai import dates as thai
from ita_portal.uploads import MB, max_request_bytes
from organisations.access import (
    is_central_admin,
    is_oversight,
    oversees_all,
    oversight_organisations,
    scope_labels,
)

from . import lineage
from .forms import ScoreExportForm, ScoreImportForm, ScoreTemplateForm
from .models import ImportStatus, ScoreImport
from .selectors import (
    framework_list,
    frameworks_for_year,
    latest_published_framework,
    latest_scored_year,
)
from .services import score_import_commit, score_import_retry, score_import_start
from .tasks import SYSTEM_FAILURE, is_system_failure, read_progress
from .workbooks import errors_xlsx, score_template_xlsx, scores_export_xlsx


def framework_index(request):
    return render(request, "assessments/framework_list.html", {"frameworks": framework_list()})


def framework_year(request, year: int):
    frameworks = frameworks_for_year(year)
    if frameworks:
        if is_central_admin(request.user):
            # Links the official catalogue left on items that no longer exist, to resolve.
            for framework in frameworks:
                framework.unresolved = lineage.unresolved_links(framework)
        return render(
            request, "assessments/framework_detail.html", {"year": year, "frameworks": frameworks}
        )
    # A year the NACC has not published yet: say what to do (and let a central admin do it).
    candidates = lineage.roll_forward_candidates(year)
    if not candidates and year != thai.fiscal_year_of(timezone.localdate()):
        raise Http404("ไม่พบกรอบการประเมินของปีนี้")
    return render(
        request,
        "assessments/framework_missing.html",
        {
            "year": year,
            "candidates": candidates,
            "can_roll_forward": is_central_admin(request.user),
        },
    )


@login_required
@require_POST
def framework_roll_forward(request, year: int):
    _central_admin(request)
    source = next(
        (
            f
            for f in lineage.roll_forward_candidates(year)
            if str(f.pk) == request.POST.get("source")
        ),
        None,
    )
    if source is None:
        messages.error(request, f"ไม่พบกรอบการประเมินปี {year - 1} ที่ยกมาได้ (อาจมีกรอบของปี {year} แล้ว)")
        return redirect("assessments:framework_detail", year=year)
    try:
        framework = lineage.framework_roll_forward(source=source, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"สร้าง “{framework.name}” เป็นกรอบชั่วคราว (ยังไม่ประกาศ) จากกรอบปี {year - 1} แล้ว "
            f"{framework.items.count()} ข้อ: หน่วยงานวางแผนและเชื่อมมาตรการกับข้อได้ทันที",
        )
    return redirect("assessments:framework_detail", year=year)


# ---------------------------------------------------------------- score import (central admins)


def _central_admin(request) -> None:
    if not is_central_admin(request.user):
        raise PermissionDenied("เฉพาะผู้ดูแลส่วนกลางเท่านั้น")


def _importer(request) -> bool:
    """Central admins and oversight users import scores (each for the organisations in their
    scopes); True for those who oversee every organisation."""
    if not is_oversight(request.user):
        raise PermissionDenied("เฉพาะผู้ดูแลส่วนกลางและผู้กำกับดูแลระดับจังหวัด/อำเภอเท่านั้น")
    return oversees_all(request.user)


def _imports(request):
    """The imports the user may open: every one for those who oversee all, else their own."""
    imports = ScoreImport.objects.select_related("created_by")
    if not oversees_all(request.user):
        imports = imports.filter(created_by=request.user)
    return imports


IMPORTS_PER_PAGE = 20
ERRORS_ON_PAGE = 200


@login_required
@max_request_bytes(settings.SCORE_IMPORT_MAX_BYTES + MB)
def import_list(request):
    everyone = _importer(request)
    form = ScoreImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if not everyone:
        # Only a central admin creates organisations from a score file.
        del form.fields["create_organisations"]
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = getattr(settings, "SCORE_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
        if upload.size > limit:
            form.add_error(
                "file",
                f"ไฟล์ “{upload.name}” มีขนาด {upload.size / 1024 / 1024:.1f} MB เกินขนาดที่รับได้ {limit / 1024 / 1024:.0f} MB",
            )
        else:
            record = score_import_start(
                user=request.user,
                content=upload.read(),
                file_name=upload.name,
                dry_run=True,
                create_organisations=form.cleaned_data.get("create_organisations", False),
            )
            return redirect("assessments:import_detail", pk=record.pk)
    page = Paginator(_imports(request).order_by("-created_at"), IMPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assessments/import_list.html",
        {
            "form": form,
            "page": page,
            "scope_labels": scope_labels(request.user),
            "oversees_all": everyone,
            # Two forms on one page share a field name (province): their ids must differ.
            **_import_form_defaults(),
        },
    )


def _import_form_defaults() -> dict:
    """The template of the latest published (not provisional) framework up to this year: the
    NACC announces a year's scores at its end, so in December the file is last year's; the
    export defaults to the latest year with scores."""
    this_year = thai.fiscal_year_of(timezone.localdate())
    framework = latest_published_framework(up_to=this_year)
    latest_scores = latest_scored_year()
    return {
        "template_form": ScoreTemplateForm(
            initial={"framework": framework.pk if framework else None}, auto_id="template_%s"
        ),
        "export_form": ScoreExportForm(
            initial={"year": latest_scores or this_year - 1}, auto_id="export_%s"
        ),
    }


@login_required
def import_detail(request, pk):
    _importer(request)
    record = get_object_or_404(_imports(request), pk=pk)
    progress = read_progress(record)
    return render(
        request,
        "assessments/import_detail.html",
        {
            "record": record,
            "progress": progress,
            "retryable": progress.get("stalled") or is_system_failure(record),
            "retry_message": SYSTEM_FAILURE,
            "errors": record.errors[:ERRORS_ON_PAGE],
            "more_errors": max(record.error_count - ERRORS_ON_PAGE, 0),
            "more_stale": max(record.stale_total_count - len(record.stale_totals), 0),
        },
    )


@login_required
def import_progress(request, pk):
    _importer(request)
    record = get_object_or_404(_imports(request), pk=pk)
    return JsonResponse(read_progress(record))


@login_required
@require_POST
def import_commit(request, pk):
    _importer(request)
    record = get_object_or_404(_imports(request), pk=pk)
    if record.status != ImportStatus.PREVIEWED:
        messages.error(request, "รายการนี้ยืนยันไม่ได้ (ต้องตรวจสอบผ่านก่อน และยืนยันได้ครั้งเดียว)")
    else:
        score_import_commit(record=record, user=request.user)
        messages.success(request, "เริ่มบันทึกคะแนนแล้ว")
    return redirect("assessments:import_detail", pk=record.pk)


@login_required
@require_POST
def import_retry(request, pk):
    _importer(request)
    record = get_object_or_404(_imports(request), pk=pk)
    try:
        score_import_retry(record=record, user=request.user)
    except ValueError:
        messages.error(request, "ลองใหม่ได้เฉพาะเมื่อระบบขัดข้อง หากไฟล์มีข้อผิดพลาด กรุณาแก้ไขไฟล์แล้วอัปโหลดใหม่")
    else:
        messages.success(request, "เริ่มนำเข้าไฟล์เดิมอีกครั้งแล้ว")
    return redirect("assessments:import_detail", pk=record.pk)


@login_required
def import_errors(request, pk):
    _importer(request)
    record = get_object_or_404(_imports(request), pk=pk)
    if not record.errors:
        raise Http404("ไม่มีข้อผิดพลาด")
    return _xlsx_response(errors_xlsx(record.errors), f"import-errors-{record.pk}.xlsx")


@login_required
def score_template(request):
    _importer(request)
    form = ScoreTemplateForm(request.GET or None)
    if not form.is_valid():
        messages.error(request, "กรุณาเลือกกรอบการประเมิน")
        return redirect("assessments:import_list")
    framework = form.cleaned_data["framework"]
    organisations = []
    if form.cleaned_data["province"]:
        organisations = (
            oversight_organisations(request.user)
            .filter(province=form.cleaned_data["province"])
            .order_by("code")
        )
    elif not oversees_all(request.user):
        organisations = oversight_organisations(request.user).order_by("code")
    content = score_template_xlsx(framework, organisations)
    variant = "-lao" if framework.variant else ""
    return _xlsx_response(
        content, f"ita-scores-template-{framework.fiscal_year.year}{variant}.xlsx"
    )


@login_required
def score_export(request):
    everyone = _importer(request)
    form = ScoreExportForm(request.GET or None)
    if not form.is_valid():
        messages.error(request, "กรุณาระบุปีงบประมาณเป็นปี พ.ศ. เช่น 2568")
        return redirect("assessments:import_list")
    year = form.cleaned_data["year"]
    out = scores_export_xlsx(
        year=year,
        province=form.cleaned_data["province"],
        organisations=None if everyone else oversight_organisations(request.user),
    )
    response = FileResponse(
        out,
        as_attachment=True,
        filename=f"ita-scores-{year}.xlsx",
        content_type=XLSX,
    )
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
