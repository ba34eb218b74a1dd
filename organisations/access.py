"""The one place that answers "may this user do X in this organisation".

Every view fetches organisation-owned objects through these helpers:
- a non-member gets 404, so the object's existence is not revealed;
- a member whose role lacks the action gets 403.
"""

from enum import StrEnum

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Organisation, OversightScope, Role, ScopeLevel


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

# Oversight (provincial and district offices, and national scopes): they read the
# organisations in their scopes and import scores for them; they never sign nor manage one.
OVERSIGHT_ACTIONS = frozenset({Action.VIEW, Action.IMPORT_SCORES})


def is_central_admin(user) -> bool:
    """Superusers, and holders of the central admin permission (their own or a group's).
    Asked several times a request (menus, scopes): one EXISTS query, kept on the user object,
    instead of loading every permission of the user and their groups (two queries)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_central_admin", None)
    if cached is None:
        if hasattr(user, "_perm_cache"):  # every permission is already loaded
            cached = CENTRAL_ADMIN_PERMISSION in user._perm_cache
        else:
            app_label, codename = CENTRAL_ADMIN_PERMISSION.split(".")
            cached = Permission.objects.filter(
                Q(user=user) | Q(group__user=user),
                content_type__app_label=app_label,
                codename=codename,
            ).exists()
        user._is_central_admin = cached
    return cached


def oversight_scopes(user) -> list[OversightScope]:
    """The user's scopes (cached on the user object for the request)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_oversight_scopes", None)
    if cached is None:
        cached = list(OversightScope.objects.filter(user=user))
        user._oversight_scopes = cached
    return cached


def oversees_all(user) -> bool:
    """Central admins, and holders of a national scope, oversee every organisation."""
    return is_central_admin(user) or any(
        s.level == ScopeLevel.NATIONAL for s in oversight_scopes(user)
    )


def is_oversight(user) -> bool:
    """Does the user oversee any organisation (the oversight dashboard is theirs)?"""
    return is_central_admin(user) or bool(oversight_scopes(user))


def oversees(user, organisation: Organisation) -> bool:
    return oversees_all(user) or any(s.covers(organisation) for s in oversight_scopes(user))


def oversight_q(user, prefix: str = "") -> Q | None:
    """A filter for the organisations the user oversees (`prefix` as "organisation__"), Q() for
    all of them, None for none."""
    if oversees_all(user):
        return Q()
    scopes = oversight_scopes(user)
    if not scopes:
        return None
    q = Q(pk__in=[])
    for scope in scopes:
        q |= scope.as_q(prefix)
    return q


def oversight_organisations(user) -> QuerySet[Organisation]:
    """The active organisations in the user's scopes (none for a user with no scope)."""
    q = oversight_q(user)
    if q is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(q, is_active=True)


def scope_labels(user) -> list[str]:
    if is_central_admin(user):
        return ["ทั้งประเทศ"]
    return [s.label for s in oversight_scopes(user)]


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
    if is_central_admin(user):
        return action in CENTRAL_ADMIN_ACTIONS
    return action in OVERSIGHT_ACTIONS and oversees(user, organisation)


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
    if membership is None and not oversees(user, organisation):
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
