"""The one place that answers "may this user do X in this organisation".

Every view fetches organisation-owned objects through these helpers:
- a non-member gets 404, so the object's existence is not revealed;
- a member whose role lacks the action gets 403.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Organisation, Role


class Action(StrEnum):
    VIEW = "view"  # read the organisation's drafts and working data
    EDIT = "edit"  # enter measures, progress, analysis
    APPROVE = "approve"  # act on a memo step assigned to them
    MANAGE = "manage"  # units, members, chain templates, reporting rounds
    IMPORT_SCORES = "import_scores"  # bring in official NACC scores


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.STAFF: frozenset({Action.VIEW, Action.EDIT}),
    Role.APPROVER: frozenset({Action.VIEW, Action.APPROVE}),
    Role.ORG_ADMIN: frozenset({Action.VIEW, Action.EDIT, Action.MANAGE}),
}

# Central admins support every agency: they read and import, but never sign for one.
CENTRAL_ADMIN_ACTIONS = frozenset({Action.VIEW, Action.IMPORT_SCORES, Action.MANAGE})

CENTRAL_ADMIN_PERMISSION = "organisations.act_as_central_admin"


def is_central_admin(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(CENTRAL_ADMIN_PERMISSION)


def membership_for(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = {}
        user._membership_cache = cache
    if organisation.pk not in cache:
        cache[organisation.pk] = (
            Membership.objects.filter(user=user, organisation=organisation, is_active=True)
            .select_related("unit")
            .first()
        )
    return cache[organisation.pk]


def can(user, organisation: Organisation, action: Action) -> bool:
    """May `user` perform `action` in `organisation`?"""
    if not user.is_authenticated or not user.is_active:
        return False
    membership = membership_for(user, organisation)
    if membership and action in ROLE_ACTIONS[membership.role]:
        return True
    return is_central_admin(user) and action in CENTRAL_ADMIN_ACTIONS


def may_decide_step(user, organisation: Organisation, *, assignee_id: int, delegated=False) -> bool:
    """May `user` decide a memo step assigned to `assignee_id`?

    The assignee may, while an active member; so may the delegate of a delegation in force for
    the assignee (`delegated`, found by the caller: only a recorded order makes anyone stand in).
    Central admins support agencies but never sign for one.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if membership_for(user, organisation) is None:
        return False
    return user.pk == assignee_id or bool(delegated)


def check(user, organisation: Organisation, action: Action, message: str = "") -> None:
    """For services: PermissionDenied (Thai) unless `user` may do `action` in `organisation`.

    Views fetch through `organisation_for` (404/403) first; services check again, so a task,
    a command or a future view cannot write what the acting user may not.
    """
    if not can(user, organisation, action):
        raise PermissionDenied(message or "บทบาทของท่านไม่มีสิทธิ์ทำรายการนี้")


def require(user, organisation: Organisation, action: Action) -> Membership | None:
    """Raise 404 for outsiders and 403 for members without the role; return the membership."""
    membership = membership_for(user, organisation)
    central = is_central_admin(user)
    if membership is None and not central:
        raise Http404("ไม่พบหน่วยงาน")
    if not can(user, organisation, action):
        raise PermissionDenied("บทบาทของท่านไม่มีสิทธิ์ทำรายการนี้")
    return membership


def organisation_for(user, code: str, action: Action) -> Organisation:
    organisation = get_object_or_404(Organisation, code=code, is_active=True)
    require(user, organisation, action)
    return organisation


def members_who_may(organisation_ids, action: Action) -> dict[int, list]:
    """{organisation id: its active users whose role allows `action`}: who a reminder about
    that work goes to. Central admins are not members and are never included."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
    found: dict[int, list] = {}
    memberships = (
        Membership.objects.filter(
            organisation_id__in=list(organisation_ids),
            role__in=roles,
            is_active=True,
            user__is_active=True,
            organisation__is_active=True,
        )
        .select_related("user")
        .order_by("organisation_id", "user_id")
    )
    for membership in memberships:
        users = found.setdefault(membership.organisation_id, [])
        if all(u.pk != membership.user_id for u in users):
            users.append(membership.user)
    return found
