from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = "มาตรการส่งเสริมคุณธรรมและความโปร่งใส"

    def ready(self) -> None:
        from . import audit

        audit.register()
