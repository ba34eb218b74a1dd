"""The "waiting for me" count in the navigation, and the public site's address."""

from django.conf import settings

from approvals.selectors import waiting_for


def site(request):
    """SITE_URL: permanent addresses are shown whole, host included, to paste into ITAS."""
    return {"SITE_URL": settings.SITE_URL}


def waiting(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"waiting_count": waiting_for(request.user).count()}
