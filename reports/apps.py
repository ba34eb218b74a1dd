from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "รายงานและเอกสาร"

    def ready(self) -> None:
        # Every PDF this process renders gets the Thai text-layer fix (see reports.pdf_text).
        from . import pdf_text

        pdf_text.install()
