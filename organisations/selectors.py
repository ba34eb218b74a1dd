"""Reads about organisations and memberships."""

from django.db.models import QuerySet

from .models import Membership, Organisation


def memberships_of(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation", "unit")
        .order_by("organisation__name")
    )


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "unit")
        .order_by("role", "user__first_name", "user__username")
    )
