"""Template context for the shell: the active organisation and the switcher."""

from .access import is_central_admin, is_oversight
from .active import active_membership, user_memberships
from .two_factor import two_factor_eligible


def organisation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "memberships": user_memberships(request),
        "active_membership": active_membership(request),
        "is_central_admin": is_central_admin(request.user),
        "is_oversight": is_oversight(request.user),
        "two_factor_offered": two_factor_eligible(request.user, user_memberships(request)),
    }
