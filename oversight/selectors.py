"""The oversight dashboard's reads: the agencies in a user's scopes with their year's row,
sorted and filtered in the database (a constant number of queries for any page)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

from assessments.grading import level_rank
from documents.registry import KINDS
from organisations.models import Organisation, OrganisationType
from organisations.search import organisation_search

from .models import AgencyStatus, FrameworkState

#: Each row's columns as annotations on Organisation ("s_" + the AgencyStatus field).
STATUS_FIELDS = [
    f.name
    for f in AgencyStatus._meta.concrete_fields
    if f.name not in ("id", "organisation", "year")
]

#: Sort keys offered on the page → the ordering (nulls last both ways).
SORTS = {
    "name": "name",
    "type": "type",
    "district": "district",
    "province": "province",
    "framework": "s_framework_state",
    "measures": "s_measures_planned",
    "round6": "s_round6_share",
    "round12": "s_round12_share",
    "published": "s_published_count",
    "oit": "s_oit_share",
    "broken": "s_oit_broken",
    "waiting": "s_oldest_waiting_since",
    "total": "s_total",
    "change": "s_total_change",
    "iit": "s_iit_responses",
    "eit": "s_eit_responses",
}
DEFAULT_SORT = "province"

READINESS_BANDS = [
    ("none", "ยังไม่มีข้อที่เผยแพร่", Q(s_oit_share=0) | Q(s_oit_share__isnull=True)),
    ("low", "เผยแพร่ 1–49%", Q(s_oit_share__gte=1, s_oit_share__lt=50)),
    ("mid", "เผยแพร่ 50–99%", Q(s_oit_share__gte=50, s_oit_share__lt=100)),
    ("full", "เผยแพร่ครบ 100%", Q(s_oit_share=100)),
]


@dataclass
class Filters:
    year: int
    query: str = ""
    type: str = ""
    province: str = ""
    district: str = ""
    level: str = ""
    readiness: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False
    waiting_days: int = 7


def agencies(scope: Q, filters: Filters) -> QuerySet[Organisation]:
    """Active organisations in `scope`, each annotated with its row of `filters.year`."""
    qs = (
        Organisation.objects.filter(scope, is_active=True)
        .annotate(st=FilteredRelation("statuses", condition=Q(statuses__year=filters.year)))
        .annotate(**{f"s_{name}": F(f"st__{name}") for name in STATUS_FIELDS})
    )
    if filters.query:
        qs = qs.filter(organisation_search(filters.query))
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.province:
        qs = qs.filter(province=filters.province)
    if filters.district:
        qs = qs.filter(district=filters.district)
    if filters.level == "-":
        qs = qs.filter(Q(s_level="") | Q(s_level__isnull=True))
    elif filters.level:
        qs = qs.filter(s_level=filters.level)
    band = next((b for b in READINESS_BANDS if b[0] == filters.readiness), None)
    if band:
        qs = qs.filter(band[2])
    key = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    order = F(key).desc(nulls_last=True) if filters.descending else F(key).asc(nulls_last=True)
    return qs.order_by(order, "name", "pk")


@dataclass
class Summary:
    agencies: int = 0
    with_measures: int = 0
    round6_done: int = 0
    round12_done: int = 0
    oit_full: int = 0
    broken: int = 0
    waiting: int = 0
    official: int = 0
    provisional: int = 0
    levels: list[tuple[str, int]] = field(default_factory=list)
    readiness: list[tuple[str, str, int]] = field(default_factory=list)


def summary(rows: QuerySet[Organisation], today: datetime.date, waiting_days: int) -> Summary:
    """Counts over every row the filters keep, in one query: every count grouped by level (the
    chart's levels), the totals summed here (one scan of the rows instead of two)."""
    late = today - datetime.timedelta(days=waiting_days)
    counts = {
        "agencies": Count("pk"),
        "with_measures": Count("pk", filter=Q(s_measures_planned__gt=0)),
        "round6_done": Count("pk", filter=Q(s_measures_planned__gt=0, s_round6_share=100)),
        "round12_done": Count("pk", filter=Q(s_measures_planned__gt=0, s_round12_share=100)),
        "oit_full": Count("pk", filter=Q(s_oit_share=100)),
        "broken": Count("pk", filter=Q(s_oit_broken__gt=0)),
        "waiting": Count("pk", filter=Q(s_oldest_waiting_since__lte=late)),
        "official": Count("pk", filter=Q(s_framework_state=FrameworkState.OFFICIAL)),
        "provisional": Count("pk", filter=Q(s_framework_state=FrameworkState.PROVISIONAL)),
        **{
            f"band_{key}": Count("pk", filter=condition)
            for key, _label, condition in READINESS_BANDS
        },
    }
    groups = list(
        rows.order_by()
        .annotate(
            lv=Case(
                When(Q(s_level="") | Q(s_level__isnull=True), then=Value("")),
                default=F("s_level"),
            )
        )
        .values("lv")
        .annotate(**counts)
        .annotate(
            top=Case(When(lv="", then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        .order_by("top", "lv")
    )
    totals = {key: sum(group[key] for group in groups) for key in counts}
    return Summary(
        **{k: totals[k] for k in Summary.__dataclass_fields__ if k in totals},
        levels=sorted(
            ((group["lv"], group["agencies"]) for group in groups),
            key=lambda pair: level_rank(pair[0]),
        ),
        readiness=[(key, label, totals[f"band_{key}"]) for key, label, _c in READINESS_BANDS],
    )


def paginate(rows: QuerySet[Organisation], per_page: int, summary: Summary, number):
    """A page of `rows`, counted by `summary` (which counted the same rows): the paginator's own
    COUNT(*) over every agency in scope and its year's row would be a second scan."""
    paginator = Paginator(rows, per_page)
    paginator.count = summary.agencies  # a cached_property: this is the value it would compute
    return paginator.get_page(number)


def narrowed(filters: Filters) -> bool:
    """Does any filter keep fewer rows than the scope holds (the sort and the year do not)?"""
    return any(
        (
            filters.query,
            filters.type,
            filters.province,
            filters.district,
            filters.level,
            filters.readiness,
        )
    )


def level_choices(scope: Q, filters: Filters, summary: Summary | None = None) -> list[str]:
    """The levels of the year's rows in scope, for the level filter. When no filter narrows the
    rows, the summary's levels are these same levels (same rows, same order): no query."""
    if summary is not None and not narrowed(filters):
        return [level for level, _n in summary.levels if level]
    return sorted(
        AgencyStatus.objects.filter(year=filters.year, organisation__is_active=True)
        .filter(_prefixed(scope))
        .exclude(level="")
        .values_list("level", flat=True)
        .distinct()
        .order_by("level"),
        key=level_rank,
    )


def _prefixed(scope: Q) -> Q:
    """`scope` (on Organisation) for a query on AgencyStatus."""
    if not scope.children:
        return scope
    q = Q()
    q.connector, q.negated = scope.connector, scope.negated
    for child in scope.children:
        if isinstance(child, Q):
            q.children.append(_prefixed(child))
        else:
            key, value = child
            q.children.append((f"organisation__{key}", value))
    return q


def places(scope: Q) -> list[tuple[str, str]]:
    """(province, district) pairs of the active organisations in scope, for the filters."""
    return list(
        Organisation.objects.filter(scope, is_active=True)
        .values_list("province", "district")
        .distinct()
        .order_by("province", "district")
    )


@dataclass
class Row:
    """One agency's row as the page and the export show it."""

    organisation: Organisation
    published: list[tuple[str, str, datetime.date]]  # (kind, label, latest date)
    waiting_late: int
    refreshed: bool
    #: (tool, responses, minimum) of IIT and EIT
    surveys: list[tuple[str, int | None, int | None]] = field(default_factory=list)


def rows_for(organisations, today: datetime.date, waiting_days: int) -> list[Row]:
    late = (today - datetime.timedelta(days=waiting_days)).isoformat()
    rows = []
    for organisation in organisations:
        published = organisation.s_published or {}
        rows.append(
            Row(
                organisation=organisation,
                published=[
                    (
                        kind,
                        KINDS[kind].label if kind in KINDS else kind,
                        datetime.date.fromisoformat(published[kind]),
                    )
                    for kind in sorted(
                        published, key=lambda k: KINDS[k].order if k in KINDS else 999
                    )
                ],
                waiting_late=sum(1 for d in organisation.s_memos_waiting or [] if d <= late),
                refreshed=organisation.s_refreshed_at is not None,
                surveys=[
                    ("IIT", organisation.s_iit_responses, organisation.s_iit_minimum),
                    ("EIT", organisation.s_eit_responses, organisation.s_eit_minimum),
                ],
            )
        )
    return rows


TYPE_LABELS = dict(OrganisationType.choices)


# ---------------------------------------------------------------- the public province pages


def provinces_public() -> list[tuple[str, int]]:
    """(province, active agencies) for every province with one."""
    return list(
        Organisation.objects.filter(is_active=True)
        .exclude(province="")
        .values_list("province")
        .annotate(n=Count("pk"))
        .order_by("province")
    )


def area_agencies(province: str, district: str, year: int) -> QuerySet[Organisation]:
    """The active agencies of a province (or one of its districts) with their row of `year`."""
    scope = Q(province=province) & (Q(district=district) if district else Q())
    return agencies(scope, Filters(year=year, sort="district" if not district else "name"))


def area_districts(province: str) -> list[tuple[str, int]]:
    return list(
        Organisation.objects.filter(is_active=True, province=province)
        .exclude(district="")
        .values_list("district")
        .annotate(n=Count("pk"))
        .order_by("district")
    )


def area_publication_years(province: str, district: str) -> list[int]:
    """The fiscal years with a live publication by an agency of the area, newest first."""
    from publication.models import Publication

    scope = Q(organisation__province=province, organisation__is_active=True)
    if district:
        scope &= Q(organisation__district=district)
    return list(
        Publication.objects.live()
        .filter(scope)
        .values_list("fiscal_year", flat=True)
        .distinct()
        .order_by("-fiscal_year")
    )


def area_published(
    organisation_ids: list[int], year: int
) -> dict[int, dict[tuple[str, str, str], datetime.date]]:
    """{organisation id: {(kind, variant, variant label): latest publication day}} of `year`
    (one query for the page): each document a citizen can open, with its day."""
    from django.db.models import Max
    from django.utils import timezone

    from publication.models import Publication

    found: dict[int, dict[tuple[str, str, str], datetime.date]] = {}
    rows = (
        Publication.objects.live()
        .filter(organisation_id__in=organisation_ids, fiscal_year=year)
        .values_list("organisation_id", "kind", "variant", "variant_label")
        .annotate(last=Max("published_at"))
        .order_by()
    )
    for organisation_id, kind, variant, variant_label, last in rows:
        key = (kind, variant, variant_label)
        found.setdefault(organisation_id, {})[key] = timezone.localtime(last).date()
    return found
