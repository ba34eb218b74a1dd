from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "เอกสาร"

    def ready(self) -> None:
        # Every PDF this process renders gets the Thai text-layer fix (see documents.pdf_text).
        from . import linebreaks, pdf_text

        pdf_text.install()
        # Thai words kept whole in PDFs (documents.linebreaks; active only inside a render).
        linebreaks.install()
        # A Celery worker loads the Thai word list as it starts (forked pool processes inherit it).
        from celery.signals import worker_init

        worker_init.connect(_warm_up, weak=False, dispatch_uid="documents-warm-up")

        # The engine's document kinds register themselves on import.
        from .kinds import analysis, measures, sample, survey  # noqa: F401


def _warm_up(**kwargs) -> None:
    from .linebreaks import warm_up

    warm_up()
