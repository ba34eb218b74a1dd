from django.apps import AppConfig


class OitConfig(AppConfig):
    name = "oit"
    verbose_name = "ข้อมูลสาธารณะ (OIT)"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from assessments import lineage
        from publication import registry

        from . import selectors, services
        from .models import OitCriterionCheck, OitEntry, OitEvidence

        for model in (OitEntry, OitEvidence, OitCriterionCheck):
            auditlog.register(model)
        # An approved memo publishes OIT evidence files through the publication registry.
        registry.register(
            registry.AttachmentKind(
                name=services.OIT_FILE_KIND,
                validate=services.validate_file_attachment,
                publish=services.publish_file,
            )
        )
        # OIT answers follow their item when the official catalogue replaces a provisional one.
        lineage.register(
            lineage.ItemLinks(
                label="ข้อ OIT ที่หน่วยงานตอบ",
                move=services.oit_entries_move,
                count=selectors.oit_entry_counts,
            )
        )
