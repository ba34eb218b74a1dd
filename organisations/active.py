"""The user's active organisation, for users who belong to several.

The choice lives in the session (database-backed, never process memory), so any app server
can serve any request.
"""

from .models import Membership
from .selectors import memberships_of

SESSION_KEY = "active_organisation_id"


def user_memberships(request) -> list[Membership]:
    if not hasattr(request, "_ita_memberships"):
        request._ita_memberships = list(memberships_of(request.user))
    return request._ita_memberships


def active_membership(request) -> Membership | None:
    memberships = user_memberships(request)
    if not memberships:
        return None
    wanted = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.organisation_id == wanted:
            return membership
    return memberships[0]


def set_active_organisation(request, organisation_id: int) -> Membership | None:
    for membership in user_memberships(request):
        if membership.organisation_id == organisation_id:
            request.session[SESSION_KEY] = organisation_id
            return membership
    return None
