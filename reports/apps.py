from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "รายงานและเอกสาร"

    def ready(self) -> None:
        # Every PDF this process renders gets the Thai text-layer fix (see reports.pdf_text).
        from . import pdf_text

        pdf_text.install()

        from auditlog.registry import auditlog

        # What the public pages show besides publications: the organisation and the catalogue.
        from django.db.models.signals import post_delete, post_save

        from assessments.models import Framework, Item, ItemCriterion
        from organisations.models import Organisation

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

        for model in (Organisation, Framework, Item, ItemCriterion):
            post_save.connect(
                _public_changed, sender=model, dispatch_uid=f"public-{model.__name__}"
            )
            post_delete.connect(
                _public_changed, sender=model, dispatch_uid=f"public-del-{model.__name__}"
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


def _public_changed(sender, **kwargs) -> None:
    from ita_portal.public_cache import bump_public_version

    bump_public_version()
