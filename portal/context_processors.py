"""The "waiting for me" count in the navigation."""

from approvals.selectors import waiting_for


def waiting(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"waiting_count": waiting_for(request.user).count()}
