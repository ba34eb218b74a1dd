"""The central admin role: one group, kept complete after every migration.

A central admin works in the portal (score imports, the catalogue's roll-forward, every
organisation's audit trail) and in the Django admin for what has no portal screen yet: the ITA
catalogue (frameworks, indicators, items, criteria, grade bands, analysis areas, the IIT/EIT
survey settings), organisations with their units and memberships, fiscal years. The group grants exactly the admin permissions
those tasks need, so no page the portal links answers 403; `grant_central_admin` makes a user one.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

CENTRAL_ADMIN_GROUP = "ผู้ดูแลส่วนกลาง"

# (app label, model, actions) the central admin manages in the Django admin.
CENTRAL_ADMIN_MODELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("organisations", "organisation", ("view", "add", "change")),
    ("organisations", "unit", ("view", "add", "change", "delete")),
    ("organisations", "membership", ("view", "add", "change", "delete")),
    ("organisations", "oversightscope", ("view", "add", "change", "delete")),
    ("assessments", "fiscalyear", ("view", "add", "change")),
    ("assessments", "framework", ("view", "add", "change")),
    ("assessments", "indicator", ("view", "add", "change")),
    ("assessments", "item", ("view", "add", "change")),
    ("assessments", "itemcriterion", ("view", "add", "change", "delete")),
    ("assessments", "gradeband", ("view", "add", "change", "delete")),
    ("assessments", "analysisarea", ("view", "add", "change")),
    ("assessments", "assessment", ("view",)),
    ("assessments", "score", ("view",)),
    ("assessments", "scoreimport", ("view",)),
    ("assessments", "areaanalysis", ("view",)),
    ("assessments", "surveysettings", ("view", "add", "change")),
    ("assessments", "surveydrive", ("view",)),
    # The log of notices sent (e-mail, LINE), read-only.
    ("notify", "delivery", ("view",)),
)


def central_admin_permissions() -> list[Permission]:
    wanted = {("organisations", "act_as_central_admin")}
    for app_label, model, actions in CENTRAL_ADMIN_MODELS:
        wanted |= {(app_label, f"{action}_{model}") for action in actions}
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in wanted},
        codename__in={codename for _, codename in wanted},
    ).select_related("content_type")
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def central_admin_group_ensure() -> Group:
    """The group with every permission it should have (idempotent; run after each migrate)."""
    group, _ = Group.objects.get_or_create(name=CENTRAL_ADMIN_GROUP)
    group.permissions.add(*central_admin_permissions())
    return group


def central_admin_grant(user) -> None:
    """Make `user` a central admin: the group, and the Django admin's door (is_staff)."""
    user.groups.add(central_admin_group_ensure())
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
