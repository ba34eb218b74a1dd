from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "รายงานและเอกสาร"

    def ready(self) -> None:
        # Every PDF this process renders gets the Thai text-layer fix (see reports.pdf_text).
        from . import pdf_text

        pdf_text.install()

        from auditlog.registry import auditlog

        from .models import (
            ApprovalStep,
            ChainTemplate,
            ChainTemplateStep,
            Memo,
            MemoAttachment,
            OitCriterionCheck,
            OitEntry,
            OitEvidence,
            Publication,
        )

        for model in (
            ChainTemplate,
            ChainTemplateStep,
            Memo,
            MemoAttachment,
            ApprovalStep,
            Publication,
            OitEntry,
            OitEvidence,
            OitCriterionCheck,
        ):
            auditlog.register(model)
