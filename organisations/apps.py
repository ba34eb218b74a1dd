from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "หน่วยงาน"

    def ready(self) -> None:
        # Organisation changes retire the cached public pages.
        from . import signals

        signals.connect()
