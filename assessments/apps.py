from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "การประเมิน ITA"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Catalogue writes invalidate the per-process catalogue memo and the public page cache.
        from . import signals
        from .models import (
            AreaAnalysis,
            Framework,
            Item,
            ItemCriterion,
            SurveyDrive,
            SurveySettings,
        )

        signals.connect()
        for model in (AreaAnalysis, Framework, Item, ItemCriterion, SurveySettings, SurveyDrive):
            auditlog.register(model)
