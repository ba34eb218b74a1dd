from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _central_admin_group(sender, using="default", **kwargs) -> None:
    """Keep the central admin group complete: each app's permissions exist after its own
    post_migrate, so this runs (idempotently) after every app's."""
    from .roles import central_admin_group_ensure

    if using == "default":
        central_admin_group_ensure()


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "หน่วยงาน"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        # Failed logins are counted per address (login_limits' receiver).
        # Organisation changes retire the cached public pages.
        from . import login_limits, signals  # noqa: F401
        from .models import Membership, Organisation, OversightScope, Unit

        signals.connect()
        post_migrate.connect(_central_admin_group, dispatch_uid="central-admin-group")
        for model in (Organisation, Unit, Membership, OversightScope):
            auditlog.register(model)
        # Rights: accounts (active, staff, superuser, their groups and permissions) and groups
        # (their permissions): who changed whose rights, when, before and after. The password
        # (even hashed) never goes to the trail.
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        auditlog.register(
            get_user_model(),
            include_fields=[
                "username",
                "first_name",
                "last_name",
                "email",
                "is_active",
                "is_staff",
                "is_superuser",
            ],
            m2m_fields={"groups", "user_permissions"},
        )
        auditlog.register(Group, m2m_fields={"permissions"})
