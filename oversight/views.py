"""The oversight dashboard (ผู้กำกับดูแลระดับจังหวัด/อำเภอ/ส่วนกลาง) and its export."""

from __future__ import annotations

import datetime
import io
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from assessments.imports import ScoreImportFailed, check_file
from assessments.services import MAX_SURVEY_IMPORT_ROWS, survey_counts_import
from documents.charts import Bar, bar_chart
from ita_portal.thai import dates as thai
from ita_portal.uploads import MB, max_request_bytes
from organisations.access import (
    is_oversight,
    oversees_all,
    oversight_q,
    oversight_scopes,
    scope_labels,
)
from organisations.models import Organisation, OrganisationType, ScopeLevel
from organisations.search import clean_query

from . import cache, selectors
from .forms import SURVEY_FILE_MAX_BYTES, SurveyCountsForm
from .services import status_years
from .workbooks import dashboard_xlsx, survey_counts_xlsx

ROWS_PER_PAGE = 50
MAX_WAITING_DAYS = 365
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request):
    if not is_oversight(request.user):
        raise PermissionDenied("หน้านี้สำหรับผู้กำกับดูแลระดับจังหวัด อำเภอ หรือส่วนกลางเท่านั้น")
    scope = oversight_q(request.user)
    if scope is None:  # pragma: no cover - is_oversight said there is one
        raise PermissionDenied("ท่านยังไม่มีขอบเขตการกำกับดูแล")
    return scope


def _int(value: str, default: int, low: int, high: int) -> int:
    value = (value or "").strip()[:6]
    if not value.isdigit():
        return default
    return max(low, min(high, int(value)))


#: The table's columns: (sort key, Thai label, numeric).
COLUMNS = [
    ("name", "หน่วยงาน", False),
    ("district", "อำเภอ", False),
    ("framework", "กรอบ", False),
    ("measures", "มาตรการ", True),
    ("round6", "รอบ 6 ด.", True),
    ("round12", "รอบ 12 ด.", True),
    ("published", "เอกสารที่เผยแพร่", False),
    ("oit", "OIT", True),
    ("broken", "ลิงก์เสีย", True),
    ("waiting", "รอนานเกิน {days} วัน", True),
    ("total", "คะแนน ITA", True),
    ("change", "เปลี่ยน", True),
    ("iit", "ผู้ตอบ IIT/EIT", False),
]


def _columns(filters: selectors.Filters) -> list[dict]:
    return [
        {
            "key": key,
            "label": label.format(days=filters.waiting_days),
            "numeric": numeric,
            "sorted": filters.sort == key,
        }
        for key, label, numeric in COLUMNS
    ]


def _filters(request) -> selectors.Filters:
    get = request.GET
    current = thai.fiscal_year_of(timezone.localdate())
    sort = get.get("sort", selectors.DEFAULT_SORT)[:20]
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    types = {t.value for t in OrganisationType}
    return selectors.Filters(
        # The years whose rows are kept current (services.status_years): this one and last.
        year=year
        if (year := _int(get.get("year", ""), current, 2500, 2700))
        in (
            current,
            current - 1,
        )
        else current,
        query=clean_query(get.get("q", "")),
        type=get.get("type", "") if get.get("type", "") in types else "",
        province=get.get("province", "").strip()[:100],
        district=get.get("district", "").strip()[:100],
        level=get.get("level", "").strip()[:50],
        readiness=get.get("readiness", "")[:10],
        sort=sort if sort in selectors.SORTS else selectors.DEFAULT_SORT,
        descending=descending,
        waiting_days=_int(get.get("days", ""), 7, 1, MAX_WAITING_DAYS),
    )


def _scope_signature(user) -> str:
    if oversees_all(user):
        return "all"
    return ";".join(sorted(f"{s.level}/{s.province}/{s.district}" for s in oversight_scopes(user)))


def _version_keys(user) -> list[str]:
    """The versions a board of the user's scopes depends on: the register's, and the country's
    or each scope's province or district."""
    if oversees_all(user):
        return [cache.REGISTER_KEY, cache.COUNTRY_KEY]
    keys = [cache.REGISTER_KEY]
    for scope in sorted(oversight_scopes(user), key=lambda s: (s.province, s.district)):
        if scope.level == ScopeLevel.PROVINCE:
            keys.append(cache.province_key(scope.province))
        else:
            keys.append(cache.district_key(scope.province, scope.district))
    return keys


@login_required
@require_safe
def dashboard(request):
    scope = _scope(request)
    filters = _filters(request)
    today = timezone.localdate()
    query = "&".join(sorted(f"{k}={v[:100]}" for k, v in request.GET.items()))
    key = cache.board_key(_scope_signature(request.user), query, today)
    current = cache.versions(_version_keys(request.user))
    cached = cache.board_get(key, current)
    if cached is None:
        board = render_to_string(
            "oversight/_board.html", _board_context(request, scope, filters, today)
        )
        rendered_at = time.time()
        cache.board_set(key, current, board, rendered_at)
    else:
        board, rendered_at = cached
    return render(
        request,
        "oversight/dashboard.html",
        {
            "filters": filters,
            "scope_labels": scope_labels(request.user),
            "rendered_at": timezone.localtime(
                datetime.datetime.fromtimestamp(rendered_at, tz=datetime.UTC)
            ),
            # Rendered by this module's own template from escaped values.
            "board": mark_safe(board),  # noqa: S308
        },
    )


def _board_context(request, scope, filters: selectors.Filters, today) -> dict:
    organisations = selectors.agencies(scope, filters)
    summary = selectors.summary(organisations, today, filters.waiting_days)
    page = selectors.paginate(organisations, ROWS_PER_PAGE, summary, request.GET.get("page"))
    places = selectors.places(scope)
    provinces = sorted({p for p, _d in places if p})
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return {
        "filters": filters,
        "scope_labels": scope_labels(request.user),
        "page": page,
        "rows": selectors.rows_for(page.object_list, today, filters.waiting_days),
        "summary": summary,
        "provinces": provinces,
        # Districts of one province (names repeat across provinces): the chosen one, or the
        # only one in scope.
        "districts": sorted(
            {
                d
                for p, d in places
                if d and p == (filters.province or (provinces[0] if len(provinces) == 1 else None))
            }
        ),
        "levels": selectors.level_choices(scope, filters, summary),
        "years": status_years(today),
        "columns": _columns(filters),
        "types": OrganisationType.choices,
        "readiness_bands": [(k, label) for k, label, _c in selectors.READINESS_BANDS],
        "query_string": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "level_chart": _level_chart(summary),
        "readiness_chart": _readiness_chart(summary),
    }


def _level_chart(summary: selectors.Summary):
    if not summary.agencies:
        return ""
    bars = [Bar(level or "ยังไม่มีผลการประเมิน", n) for level, n in summary.levels]
    return bar_chart(
        bars,
        title="จำนวนหน่วยงานตามระดับผลการประเมินล่าสุด",
        maximum=max(n for _l, n in summary.levels) or 1,
        decimals=0,
        label_width=200,
        width=560,
    )


def _readiness_chart(summary: selectors.Summary):
    if not summary.agencies:
        return ""
    bars = [Bar(label, n) for _k, label, n in summary.readiness]
    return bar_chart(
        bars,
        title="จำนวนหน่วยงานตามความพร้อม OIT",
        maximum=max(n for _k, _l, n in summary.readiness) or 1,
        decimals=0,
        label_width=200,
        width=560,
    )


@login_required
@require_safe
def export(request):
    """Every row the filters keep (not only the page shown), as .xlsx streamed from a temp file."""
    scope = _scope(request)
    filters = _filters(request)
    organisations = selectors.agencies(scope, filters)
    out = dashboard_xlsx(
        organisations,
        filters,
        timezone.localdate(),
        scope=", ".join(scope_labels(request.user)),
    )
    return FileResponse(
        out, as_attachment=True, filename=f"ita-oversight-{filters.year}.xlsx", content_type=XLSX
    )


# ---------------------------------------------------------------- survey counts (IIT/EIT)

SURVEY_ROWS_SHOWN = 50


def _survey_rows(content: bytes, name: str) -> list[tuple]:
    """The file's rows after its header, as (code, iit, eit); Thai errors for a bad file."""
    from python_calamine import CalamineWorkbook

    try:
        check_file(content, name)
    except ScoreImportFailed as exc:
        raise ValidationError([e.message for e in exc.errors]) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.iter_rows()
        next(rows, None)  # the header
        found = []
        for row in rows:
            cells = [None if c == "" else c for c in list(row)[:3]]
            if not any(c is not None for c in cells):
                continue  # blank lines between agencies
            cells += [None] * (3 - len(cells))
            found.append(
                tuple(int(c) if isinstance(c, float) and c.is_integer() else c for c in cells)
            )
            if len(found) > MAX_SURVEY_IMPORT_ROWS:
                break
        return found
    except Exception:  # noqa: BLE001 - calamine raises several types for unreadable files
        raise ValidationError(f"เปิดไฟล์ “{name}” ไม่ได้ กรุณาบันทึกเป็น .xlsx แล้วลองใหม่") from None


@login_required
@max_request_bytes(SURVEY_FILE_MAX_BYTES + MB)
def survey_counts(request):
    """Oversight records the IIT/EIT response counts of many agencies from one file (all or
    nothing; each bad row named), for the agencies in their scopes."""
    _scope(request)
    form = SurveyCountsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        year = form.cleaned_data["year"]
        try:
            rows = _survey_rows(upload.read(), upload.name)
            written = survey_counts_import(
                user=request.user,
                year=year,
                rows=rows,
                as_of=form.cleaned_data["as_of"],
                first_row=2,
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"บันทึกจำนวนผู้ตอบแบบวัดปี {year} แล้ว {written} หน่วยงาน")
            return redirect(f"{reverse('oversight:dashboard')}?year={year}&sort=-iit")
    return render(
        request,
        "oversight/survey_counts.html",
        {
            "form": form,
            "errors": errors[:SURVEY_ROWS_SHOWN],
            "more_errors": max(0, len(errors) - SURVEY_ROWS_SHOWN),
            "scope_labels": scope_labels(request.user),
        },
    )


@login_required
@require_safe
def survey_counts_template(request):
    """A workbook to fill: the header and the code and name of every agency in scope."""
    scope = _scope(request)
    out = survey_counts_xlsx(Organisation.objects.filter(scope, is_active=True).order_by("code"))
    return FileResponse(
        out, as_attachment=True, filename="ita-survey-counts.xlsx", content_type=XLSX
    )
