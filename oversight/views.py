"""The oversight dashboard (ผู้กำกับดูแลระดับจังหวัด/อำเภอ/ส่วนกลาง) and its export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from documents.charts import Bar, bar_chart
from ita_portal.thai import dates as thai
from organisations.access import is_oversight, oversight_q, scope_labels
from organisations.models import OrganisationType
from organisations.search import clean_query

from . import selectors
from .workbooks import dashboard_xlsx

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


def _filters(request) -> selectors.Filters:
    get = request.GET
    current = thai.fiscal_year_of(timezone.localdate())
    sort = get.get("sort", selectors.DEFAULT_SORT)[:20]
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    types = {t.value for t in OrganisationType}
    return selectors.Filters(
        year=_int(get.get("year", ""), current, 2500, 2700),
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


@login_required
@require_safe
def dashboard(request):
    scope = _scope(request)
    filters = _filters(request)
    today = timezone.localdate()
    organisations = selectors.agencies(scope, filters)
    summary = selectors.summary(organisations, today, filters.waiting_days)
    page = selectors.paginate(organisations, ROWS_PER_PAGE, summary, request.GET.get("page"))
    places = selectors.places(scope)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "filters": filters,
        "scope_labels": scope_labels(request.user),
        "page": page,
        "rows": selectors.rows_for(page.object_list, today, filters.waiting_days),
        "summary": summary,
        "provinces": sorted({p for p, _d in places if p}),
        "districts": sorted(
            {d for p, d in places if d and (not filters.province or p == filters.province)}
        ),
        "levels": selectors.level_choices(scope, filters, summary),
        "years": sorted(
            set(selectors.years_available(scope)) | {thai.fiscal_year_of(today)}, reverse=True
        ),
        "types": OrganisationType.choices,
        "readiness_bands": [(k, label) for k, label, _c in selectors.READINESS_BANDS],
        "query_string": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "level_chart": _level_chart(summary),
        "readiness_chart": _readiness_chart(summary),
    }
    return render(request, "oversight/dashboard.html", context)


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
    out = dashboard_xlsx(organisations, filters, timezone.localdate())
    return FileResponse(
        out, as_attachment=True, filename=f"ita-oversight-{filters.year}.xlsx", content_type=XLSX
    )
