"""Reads: a user's channels for an event, their preferences, their link, their deliveries."""

from __future__ import annotations

from django.db.models import QuerySet

from . import line
from .models import Channel, ChannelPreference, Delivery, Event, LineLink

RECENT_DELIVERIES = 30


def line_link_of(user) -> LineLink | None:
    if not user.is_authenticated:
        return None
    return LineLink.objects.filter(user=user).first()


def preferences_of(user) -> dict[str, set[str]]:
    """{event: channels wanted}, defaults filled in: e-mail, and LINE (used when linked)."""
    chosen = {
        p.event: p for p in ChannelPreference.objects.filter(user=user) if p.event in Event.values
    }
    result: dict[str, set[str]] = {}
    for event in Event.values:
        pref = chosen.get(event)
        wanted = set()
        if pref is None or pref.email:
            wanted.add(Channel.EMAIL)
        if pref is None or pref.line:
            wanted.add(Channel.LINE)
        result[event] = wanted
    return result


def channels_for(user, event: str) -> list[str]:
    """The channels `user` is told of `event` on now: wanted, and reachable (an e-mail address;
    a LINE link while LINE is on)."""
    pref = ChannelPreference.objects.filter(user=user, event=event).first()
    channels = []
    if (pref is None or pref.email) and user.email:
        channels.append(Channel.EMAIL)
    if (
        (pref is None or pref.line)
        and line.enabled()
        and LineLink.objects.filter(user=user).exists()
    ):
        channels.append(Channel.LINE)
    return channels


def deliveries_of(user, limit: int = RECENT_DELIVERIES) -> list[Delivery]:
    return list(Delivery.objects.filter(user=user).order_by("-created_at", "-pk")[:limit])


def deliveries_for_organisation(organisation_id: int) -> QuerySet[Delivery]:
    """What the organisation's people were told about it (the org admin's page)."""
    return (
        Delivery.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("-created_at", "-pk")
    )
