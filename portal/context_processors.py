"""The "waiting for me" count in the navigation, and the public site's address."""

from django.conf import settings

from approvals.selectors import waiting_for
from organisations.active import user_memberships


def site(request):
    """SITE_URL: permanent addresses are shown whole, host included, to paste into ITAS."""
    return {"SITE_URL": settings.SITE_URL}


def waiting(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    # Only a member can be asked to decide a step (or stand in for one): an oversight user or
    # a central admin never is, and the count's query is half of their page's cost.
    if not user_memberships(request):
        return {}
    return {"waiting_count": waiting_for(request.user).count()}
