from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "publication"
    verbose_name = "การเผยแพร่"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Publication

        auditlog.register(Publication)
