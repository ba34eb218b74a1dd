from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "บันทึกข้อความและการอนุมัติ"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # The memo is a document kind of its own (registered with the documents registry).
        from . import document  # noqa: F401
        from .models import (
            ApprovalStep,
            ChainTemplate,
            ChainTemplateStep,
            Delegation,
            Memo,
            MemoAttachment,
        )

        for model in (
            ChainTemplate,
            ChainTemplateStep,
            Memo,
            MemoAttachment,
            ApprovalStep,
            Delegation,
        ):
            auditlog.register(model)
