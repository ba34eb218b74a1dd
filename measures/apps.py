from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = "มาตรการส่งเสริมคุณธรรมและความโปร่งใส"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Evidence, Measure, MeasureStep, ProgressEntry, ReportingRound

        # Who, when, from which IP, before and after; each entry names its organisation
        # (organisations.models.OrganisationOwned).
        auditlog.register(ReportingRound)
        auditlog.register(Measure, m2m_fields={"items", "responsible_units"})
        auditlog.register(MeasureStep)
        auditlog.register(ProgressEntry)
        auditlog.register(Evidence)
