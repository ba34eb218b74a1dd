"""Reads of the ITA catalogue."""

from django.db.models import Count, Prefetch, QuerySet

from .models import FiscalYear, Framework, Indicator, Item


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
    from organisations.models import OrganisationType

    variant = "" if organisation.type == OrganisationType.OTHER else LOCAL_GOVERNMENT_VARIANT
    return framework_for(year, variant)


def assessments_for_organisation(organisation, *, years: int = 5, until: int | None = None):
    """The organisation's assessments (newest first, at most `years`), ready for score_sheet()."""
    from .models import Assessment

    qs = Assessment.objects.filter(organisation=organisation)
    if until is not None:
        qs = qs.filter(fiscal_year__year__lte=until)
    return list(
        qs.select_related("fiscal_year", "framework", "organisation")
        .prefetch_related(
            "scores",
            "framework__bands",
            Prefetch(
                "framework__indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("items", queryset=Item.objects.filter(is_retired=False))
                ),
            ),
            "framework__analysis_areas__items",
        )
        .order_by("-fiscal_year__year")[:years]
    )
