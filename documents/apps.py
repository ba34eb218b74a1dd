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

        # The engine's document kinds register themselves on import.
        from .kinds import analysis, measures, sample  # noqa: F401
