from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = "มาตรการส่งเสริมคุณธรรมและความโปร่งใส"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from assessments import lineage

        from . import selectors, services
        from .models import Evidence, Measure, MeasureStep, ProgressEntry, ReportingRound

        # Measure links follow their item when the official catalogue replaces a provisional one.
        lineage.register(
            lineage.ItemLinks(
                label="มาตรการ",
                move=services.measure_items_move,
                count=selectors.measure_link_counts,
            )
        )

        # Who, when, from which IP, before and after; each entry names its organisation
        # (organisations.models.OrganisationOwned).
        auditlog.register(ReportingRound)
        auditlog.register(Measure, m2m_fields={"items", "responsible_units"})
        auditlog.register(MeasureStep)
        auditlog.register(ProgressEntry)
        auditlog.register(Evidence)
