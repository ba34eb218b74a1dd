from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "การประเมิน ITA"

    def ready(self) -> None:
        # Catalogue writes invalidate the per-process catalogue memo and the public page cache.
        from . import signals

        signals.connect()
