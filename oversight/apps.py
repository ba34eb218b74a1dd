from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "การกำกับดูแล"

    def ready(self) -> None:
        from . import changes

        changes.connect()
