"""The channel checkboxes: one per event and channel; unknown fields are never read."""

from __future__ import annotations

from django import forms

from .models import Channel, Event


def field_name(event: str, channel: str) -> str:
    return f"{event}__{channel}"


class PreferencesForm(forms.Form):
    def __init__(self, *args, initial_wanted: dict[str, set[str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_wanted = initial_wanted or {}
        for event in Event:
            for channel in Channel:
                self.fields[field_name(event, channel)] = forms.BooleanField(
                    label=f"{event.label} · {channel.label}",
                    required=False,
                    initial=channel in initial_wanted.get(event, set()),
                )

    def wanted(self) -> dict[str, set[str]]:
        return {
            event.value: {
                channel.value
                for channel in Channel
                if self.cleaned_data.get(field_name(event, channel))
            }
            for event in Event
        }

    def rows(self):
        """(event label, [(channel, bound field)]) for the table."""
        for event in Event:
            yield event.label, [(channel, self[field_name(event, channel)]) for channel in Channel]
