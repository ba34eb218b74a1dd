from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = "การแจ้งเตือน"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import ChannelPreference, LineLink

        # Linking, unlinking and each change of channels is on the audit trail; the LINE user id
        # itself is masked there (it identifies a person).
        auditlog.register(LineLink, mask_fields=["line_user_id"])
        auditlog.register(ChannelPreference)
