"""Reads of the ITA catalogue."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from ita_portal.thai import dates as thai
from organisations.models import Organisation, OrganisationType

from .models import (
    Assessment,
    FiscalYear,
    Framework,
    Indicator,
    Item,
    Score,
    SurveyDrive,
    SurveySettings,
    Tool,
)


def framework_list() -> QuerySet[Framework]:
    return (
        Framework.objects.select_related("fiscal_year")
        .annotate(item_count=Count("items"))
        .order_by("-fiscal_year__year", "variant")
    )


def frameworks_for_year(year: int) -> list[Framework]:
    """Each framework of the year with indicators, items, bands and areas in constant queries."""
    items = Item.objects.filter(is_retired=False).order_by("order", "code")
    return list(
        Framework.objects.filter(fiscal_year__year=year)
        .select_related("fiscal_year")
        .prefetch_related(
            "bands",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(Prefetch("items", queryset=items)),
            ),
            Prefetch("items", queryset=items.filter(indicator__isnull=True), to_attr="unassigned"),
            "analysis_areas__items",
        )
        .order_by("variant")
    )


def framework_for(year: int, variant: str = "") -> Framework | None:
    """The framework that applies to an organisation; falls back to the general one."""
    frameworks = {f.variant: f for f in Framework.objects.filter(fiscal_year__year=year)}
    return frameworks.get(variant) or frameworks.get("")


def known_years() -> list[int]:
    return list(FiscalYear.objects.values_list("year", flat=True).order_by("-year"))


LOCAL_GOVERNMENT_VARIANT = "อปท."


def framework_for_organisation(organisation, year: int) -> Framework | None:
    """Local governments use the อปท. framework of the year when there is one."""
    variant = "" if organisation.type == OrganisationType.OTHER else LOCAL_GOVERNMENT_VARIANT
    return framework_for(year, variant)


# What score_sheet() and the analysis read of a framework: the same prefetches for every page.
STRUCTURE = (
    "bands",
    Prefetch(
        "indicators",
        queryset=Indicator.objects.prefetch_related(
            Prefetch("items", queryset=Item.objects.filter(is_retired=False))
        ),
    ),
    "analysis_areas__items",
)
STRUCTURE_CACHES = ("bands", "indicators", "analysis_areas")

# Per process: framework id -> (its updated_at when loaded, the prefetched querysets).
_structures: dict[int, tuple[object, dict[str, QuerySet]]] = {}


def attach_structure(frameworks: list[Framework]) -> None:
    """Give each framework its bands, indicators → items and analysis areas → items.

    The catalogue is the same for every organisation of a year, so it is loaded once per process
    and framework, and shared read-only. A framework's `updated_at` is its version: every write to
    its catalogue rows touches it (assessments.signals), so a changed catalogue is loaded afresh
    in every process, and the check needs no query of its own. The frameworks that miss are
    loaded together in the five queries of a plain prefetch.
    """
    missing = []
    for framework in frameworks:
        cached = _structures.get(framework.pk)
        if cached is not None and cached[0] == framework.updated_at:
            framework._prefetched_objects_cache = dict(cached[1])
        else:
            missing.append(framework)
    if not missing:
        return
    prefetch_related_objects(missing, *STRUCTURE)
    for framework in missing:
        _structures[framework.pk] = (
            framework.updated_at,
            {name: framework._prefetched_objects_cache[name] for name in STRUCTURE_CACHES},
        )


def forget_structures(framework_ids: Iterable[int] | None = None) -> None:
    """Drop these frameworks (or all) from this process's catalogue memo."""
    if framework_ids is None:
        _structures.clear()
    for pk in framework_ids or ():
        _structures.pop(pk, None)


def assessments_for_organisation(organisation, *, years: int = 5, until: int | None = None):
    """The organisation's assessments (newest first, at most `years`), ready for score_sheet()."""
    qs = Assessment.objects.filter(organisation=organisation)
    if until is not None:
        qs = qs.filter(fiscal_year__year__lte=until)
    # Scores in no order: they become dicts by code, and Score's default ordering (by assessment,
    # hence organisation name and year) would join three tables to sort them.
    assessments = list(
        qs.select_related("fiscal_year", "framework", "organisation")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by()))
        .order_by("-fiscal_year__year")[:years]
    )
    attach_structure([a.framework for a in assessments])
    return assessments


# ---------------------------------------------------------------- which years a page talks about


@dataclass(frozen=True)
class Years:
    """The years a page talks about, from the date and the data (one answer for every card).

    - `planning`: the current fiscal year (measures, rounds, documents are planned in it);
    - `latest_results`: the latest year with imported NACC scores for the organisation (the
      scores and the analysis that this year's measures answer), or None;
    - `oit`: the year whose OIT framework has its ITAS window open today, else the next window
      to open, else the planning year;
    - `planning_framework`: the framework the organisation uses in the planning year (None
      while none is published nor rolled forward).
    """

    today: date
    planning: int
    latest_results: int | None
    oit: int
    oit_window_open: bool
    planning_framework: Framework | None


def years_for(organisation, today: date | None = None) -> Years:
    today = today or timezone.localdate()
    planning = thai.fiscal_year_of(today)
    latest = (
        Assessment.objects.filter(organisation=organisation)
        .order_by("-fiscal_year__year")
        .values_list("fiscal_year__year", flat=True)
        .first()
    )
    oit, window_open = planning, False
    windows = (
        Framework.objects.filter(oit_deadline__gte=today)
        .select_related("fiscal_year")
        .order_by("oit_deadline")
    )
    for framework in windows:
        own = framework_for_organisation(organisation, framework.fiscal_year.year)
        if own is not None and own.pk == framework.pk:
            oit = framework.fiscal_year.year
            window_open = (framework.oit_opens_on or framework.oit_deadline) <= today
            break
    return Years(
        today=today,
        planning=planning,
        latest_results=latest,
        oit=oit,
        oit_window_open=window_open,
        planning_framework=framework_for_organisation(organisation, planning),
    )


def latest_published_framework(*, up_to: int) -> Framework | None:
    """The newest framework the NACC has published (not provisional) for a year ≤ `up_to`."""
    return (
        Framework.objects.filter(is_provisional=False, fiscal_year__year__lte=up_to)
        .select_related("fiscal_year")
        .order_by("-fiscal_year__year", "variant")
        .first()
    )


def latest_scored_year() -> int | None:
    """The newest fiscal year with imported scores for any organisation."""
    return (
        Assessment.objects.order_by("-fiscal_year__year")
        .values_list("fiscal_year__year", flat=True)
        .first()
    )


# ---------------------------------------------------------------- the survey drive (IIT/EIT)


@dataclass(frozen=True)
class SurveyTool:
    """One survey (IIT or EIT) of an agency's year: its link, its count against the minimum."""

    tool: str
    url: str
    #: the link comes from the year's pattern (the agency has not set its own)
    is_default: bool
    responses: int | None
    #: None: the minimum is unknown (the portal never guesses one)
    minimum: int | None

    @property
    def label(self) -> str:
        return "IIT" if self.tool == Tool.IIT else "EIT"

    @property
    def minimum_known(self) -> bool:
        return self.minimum is not None

    @property
    def percent(self) -> int | None:
        """The count as a share of the minimum, 0–100 (None while either is unknown)."""
        if self.minimum is None or self.responses is None:
            return None
        return min(100, self.responses * 100 // self.minimum)

    @property
    def shortfall(self) -> int | None:
        if self.minimum is None or self.responses is None:
            return None
        return max(0, self.minimum - self.responses)

    @property
    def met(self) -> bool | None:
        if self.minimum is None or self.responses is None:
            return None
        return self.responses >= self.minimum


@dataclass(frozen=True)
class SurveyProgress:
    organisation_id: int
    year: int
    framework: Framework | None
    settings: SurveySettings | None
    drive: SurveyDrive | None
    iit: SurveyTool
    eit: SurveyTool

    @property
    def tools(self) -> tuple[SurveyTool, SurveyTool]:
        return (self.iit, self.eit)

    @property
    def has_counts(self) -> bool:
        return self.iit.responses is not None or self.eit.responses is not None

    @property
    def counts_as_of(self) -> date | None:
        return self.drive.counts_as_of if self.drive else None


def _survey_tool(tool: str, organisation, settings, drive) -> SurveyTool:
    own = (drive.iit_url if tool == Tool.IIT else drive.eit_url) if drive else ""
    default = settings.link_for(tool, organisation.code) if settings else ""
    responses = None
    if drive is not None:
        responses = drive.iit_responses if tool == Tool.IIT else drive.eit_responses
    return SurveyTool(
        tool=tool,
        url=own or default,
        is_default=not own,
        responses=responses,
        minimum=settings.minimum_for(tool) if settings else None,
    )


SURVEY_LINK_LABELS = {Tool.IIT: "ลิงก์แบบวัด IIT", Tool.EIT: "ลิงก์แบบวัด EIT"}


def survey_link_warnings(progress: SurveyProgress, code: str) -> list[str]:
    """Thai warnings for an agency's own link that leaves the host of the year's pattern (the
    NACC's ITAS): kept, since the NACC may move its surveys, but worth a second look before the
    poster is printed."""
    if progress.settings is None:
        return []
    warnings = []
    for tool in progress.tools:
        expected = urlsplit(progress.settings.link_for(tool.tool, code)).hostname
        host = urlsplit(tool.url).hostname
        if not tool.is_default and expected and host != expected:
            warnings.append(
                f"“{SURVEY_LINK_LABELS[tool.tool]}” ชี้ไปที่ {host} ไม่ใช่ {expected} "
                "ตามรูปแบบของปี โปรดตรวจสอบว่าเป็นลิงก์แบบวัดของสำนักงาน ป.ป.ช. จริง"
            )
    return warnings


def survey_progress_for(organisations: Iterable, year: int) -> dict[int, SurveyProgress]:
    """{organisation id: its survey links, counts and minimums in `year`} in two queries
    whatever the number of organisations (the frameworks of the year with their settings, and
    the organisations' drives)."""
    organisations = list(organisations)
    frameworks = {
        f.variant: f
        for f in Framework.objects.filter(fiscal_year__year=year).select_related(
            "fiscal_year", "survey_settings"
        )
    }
    drives = {
        d.organisation_id: d
        for d in SurveyDrive.objects.filter(
            fiscal_year__year=year, organisation_id__in=[o.pk for o in organisations]
        )
    }
    found = {}
    for organisation in organisations:
        variant = "" if organisation.type == OrganisationType.OTHER else LOCAL_GOVERNMENT_VARIANT
        framework = frameworks.get(variant) or frameworks.get("")
        settings = getattr(framework, "survey_settings", None) if framework else None
        drive = drives.get(organisation.pk)
        found[organisation.pk] = SurveyProgress(
            organisation_id=organisation.pk,
            year=year,
            framework=framework,
            settings=settings,
            drive=drive,
            iit=_survey_tool(Tool.IIT, organisation, settings, drive),
            eit=_survey_tool(Tool.EIT, organisation, settings, drive),
        )
    return found


def survey_progress(organisation, year: int) -> SurveyProgress:
    """One agency's survey drive in `year` (nothing is written: defaults are computed)."""
    return survey_progress_for([organisation], year)[organisation.pk]


def organisations_using(framework: Framework):
    """The active organisations whose framework for its year is `framework` (the reverse of
    `framework_for_organisation`)."""
    year_variants = set(
        Framework.objects.filter(fiscal_year_id=framework.fiscal_year_id).values_list(
            "variant", flat=True
        )
    )
    local = ~Q(type=OrganisationType.OTHER)
    if framework.variant == LOCAL_GOVERNMENT_VARIANT:
        condition = local
    elif framework.variant == "":
        condition = Q(type=OrganisationType.OTHER)
        if LOCAL_GOVERNMENT_VARIANT not in year_variants:
            condition |= local
    else:
        return Organisation.objects.none()
    return Organisation.objects.filter(condition, is_active=True).order_by("pk")


def oit_windows_between(start: date, end: date, *, closing: bool) -> list[Framework]:
    """Frameworks whose OIT window opens (or, `closing`, closes) between `start` and `end`."""
    field = "oit_deadline" if closing else "oit_opens_on"
    return list(
        Framework.objects.filter(**{f"{field}__gte": start, f"{field}__lte": end})
        .select_related("fiscal_year")
        .order_by(field, "pk")
    )


def survey_windows_closing_between(start: date, end: date) -> list[SurveySettings]:
    """Survey settings whose IIT/EIT window closes between `start` and `end` and that know at
    least one minimum (a count can only be short of a known minimum)."""
    return list(
        SurveySettings.objects.filter(closes_on__gte=start, closes_on__lte=end)
        .filter(Q(iit_min_respondents__isnull=False) | Q(eit_min_respondents__isnull=False))
        .select_related("framework__fiscal_year")
        .order_by("closes_on", "pk")
    )
