from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "หน่วยงาน"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Organisation changes retire the cached public pages.
        from . import signals
        from .models import Membership, Organisation, Unit

        signals.connect()
        for model in (Organisation, Unit, Membership):
            auditlog.register(model)
