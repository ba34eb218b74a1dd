"""The daily reminders: what is due on a given date, sent once each through `notify`.

Every reminder has a dedupe key (the step, the round and its 14- or 3-day notice, the framework's
window, the organisation's broken links of the week), so running the job again on the same day,
or on a later day that still finds the same thing due, sends nothing twice. Each window is a
range, not a single day: a day the job did not run is caught up the next day.

The portal is the top layer: it reads every app's selectors and tells people through
`notify.services.notify_user` (e-mail and LINE, as each user chose).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse

from approvals.notifications import memo_link, step_deciders
from approvals.selectors import days_waiting, steps_pending
from approvals.services import delegations_notify_started
from assessments.selectors import (
    oit_windows_between,
    organisations_using,
    survey_progress_for,
    survey_windows_closing_between,
)
from ita_portal.thai import dates as thai
from measures.selectors import rounds_ending_between
from notify.messages import title_for
from notify.models import Event
from notify.services import deliveries_resend_pending, notify_user, seen_events_forget
from oit.selectors import broken_links_by_organisation
from organisations.access import Action, members_who_may
from organisations.models import Organisation

#: the round-deadline notices, by the most days left each covers
ROUND_NOTICES = (3, 14)
#: the OIT-closing notices
OIT_CLOSING_NOTICES = (1, 7)
#: the survey-closing notices (IIT/EIT counts short of a known minimum)
SURVEY_CLOSING_NOTICES = (1, 7)
#: an opening is still told this many days after the window opened (a missed run)
OIT_OPENING_GRACE_DAYS = 6


@dataclass(frozen=True)
class Reminder:
    """One notice due to one user."""

    user: object
    event: str
    title: str
    organisation: Organisation
    link: str
    dedupe_key: str


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _notice(days_left: int, notices: tuple[int, ...]) -> int | None:
    """The notice (3 or 14 days) a date `days_left` away falls in, None past them all."""
    return next((n for n in notices if 0 <= days_left <= n), None)


def _waiting_long(today: date) -> list[Reminder]:
    days = settings.REMINDER_WAITING_DAYS
    due = []
    for step in steps_pending():
        waited = days_waiting(step, today)
        if waited < days:
            continue
        memo = step.memo
        for user, acting in step_deciders(memo, step, today):
            due.append(
                Reminder(
                    user,
                    Event.MEMO_WAITING_LONG,
                    title_for(Event.MEMO_WAITING_LONG, days=waited, acting=acting),
                    memo.organisation,
                    memo_link(memo),
                    f"memo-waiting-long:{step.pk}",
                )
            )
    return due


def _round_deadlines(today: date) -> list[Reminder]:
    rounds = [
        r
        for r in rounds_ending_between(today, today + timedelta(days=max(ROUND_NOTICES)))
        if r.unreported
    ]
    members = members_who_may({r.organisation_id for r in rounds}, Action.EDIT)
    due = []
    for rnd in rounds:
        days_left = (rnd.end_date - today).days
        notice = _notice(days_left, ROUND_NOTICES)
        year = rnd.fiscal_year.year
        title = title_for(
            Event.ROUND_DEADLINE,
            round=rnd.name,
            year=year,
            deadline=thai.format_date(rnd.end_date),
            days=days_left,
            count=rnd.unreported,
        )
        link = _url("measures:progress_dashboard", rnd.organisation.code, year)
        for user in members.get(rnd.organisation_id, []):
            due.append(
                Reminder(
                    user,
                    Event.ROUND_DEADLINE,
                    title,
                    rnd.organisation,
                    link,
                    f"round-deadline:{rnd.pk}:{notice}",
                )
            )
    return due


def _oit_windows(today: date) -> list[Reminder]:
    due = []
    opening = oit_windows_between(
        today - timedelta(days=OIT_OPENING_GRACE_DAYS), today, closing=False
    )
    closing = oit_windows_between(
        today, today + timedelta(days=max(OIT_CLOSING_NOTICES)), closing=True
    )
    for framework, event in [(f, Event.OIT_WINDOW_OPENING) for f in opening] + [
        (f, Event.OIT_WINDOW_CLOSING) for f in closing
    ]:
        year = framework.fiscal_year.year
        if event == Event.OIT_WINDOW_OPENING:
            if framework.oit_deadline and framework.oit_deadline < today:
                continue
            title = title_for(
                event,
                year=year,
                opens=thai.format_date(framework.oit_opens_on),
                deadline=thai.format_date(framework.oit_deadline)
                if framework.oit_deadline
                else "-",
            )
            key = f"oit-opening:{framework.pk}"
        else:
            days_left = (framework.oit_deadline - today).days
            title = title_for(
                event, year=year, deadline=thai.format_date(framework.oit_deadline), days=days_left
            )
            key = f"oit-closing:{framework.pk}:{_notice(days_left, OIT_CLOSING_NOTICES)}"
        organisations = list(organisations_using(framework))
        members = members_who_may({o.pk for o in organisations}, Action.EDIT)
        for organisation in organisations:
            link = _url("oit:board", organisation.code, year)
            for user in members.get(organisation.pk, []):
                due.append(Reminder(user, event, title, organisation, link, key))
    return due


def _broken_links(today: date) -> list[Reminder]:
    rows = broken_links_by_organisation()
    organisations = Organisation.objects.in_bulk({r["entry__organisation_id"] for r in rows})
    members = members_who_may(organisations, Action.EDIT)
    iso_year, week, _ = today.isocalendar()
    due = []
    for row in rows:
        organisation = organisations.get(row["entry__organisation_id"])
        if organisation is None or not organisation.is_active:
            continue
        year = row["entry__fiscal_year"]
        title = title_for(Event.OIT_BROKEN_LINK, year=year, count=row["n"])
        # Once a week while links stay broken.
        key = f"oit-broken:{organisation.pk}:{year}:{iso_year}-W{week:02d}"
        link = _url("oit:board", organisation.code, year)
        for user in members.get(organisation.pk, []):
            due.append(Reminder(user, Event.OIT_BROKEN_LINK, title, organisation, link, key))
    return due


def _survey_closing(today: date) -> list[Reminder]:
    """The IIT/EIT window closes within a week and an agency's recorded count of a survey is
    short of the year's minimum (none recorded counts as none). A survey whose minimum is
    unknown is never said to be short."""
    due = []
    for settings_row in survey_windows_closing_between(
        today, today + timedelta(days=max(SURVEY_CLOSING_NOTICES))
    ):
        framework = settings_row.framework
        year = framework.fiscal_year.year
        days_left = (settings_row.closes_on - today).days
        notice = _notice(days_left, SURVEY_CLOSING_NOTICES)
        organisations = list(organisations_using(framework))
        progress = survey_progress_for(organisations, year)
        members = members_who_may({o.pk for o in organisations}, Action.EDIT)
        for organisation in organisations:
            link = _url("survey:drive", organisation.code, year)
            for tool in progress[organisation.pk].tools:
                count = tool.responses or 0
                if tool.minimum is None or count >= tool.minimum:
                    continue
                title = title_for(
                    Event.SURVEY_CLOSING,
                    tool=tool.label,
                    year=year,
                    closes=thai.format_date(settings_row.closes_on),
                    days=days_left,
                    count=count,
                    minimum=tool.minimum,
                )
                key = f"survey-closing:{organisation.pk}:{year}:{tool.label}:{notice}"
                for user in members.get(organisation.pk, []):
                    due.append(Reminder(user, Event.SURVEY_CLOSING, title, organisation, link, key))
    return due


def reminders_due(*, today: date) -> list[Reminder]:
    """Every reminder due on `today` (sent or not: sending skips what was sent)."""
    return [
        *_waiting_long(today),
        *_round_deadlines(today),
        *_oit_windows(today),
        *_broken_links(today),
        *_survey_closing(today),
    ]


def reminders_send(*, today: date) -> Counter:
    """Send what is due on `today`, once each; also tell the delegates whose delegation is in
    force (approvals' own once-only claim) and queue again any delivery left pending.
    Returns {event: deliveries created}."""
    sent: Counter = Counter()
    for reminder in reminders_due(today=today):
        created = notify_user(
            user=reminder.user,
            event=reminder.event,
            title=reminder.title,
            organisation_name=reminder.organisation.name,
            organisation_id=reminder.organisation.pk,
            link=reminder.link,
            dedupe_key=reminder.dedupe_key,
        )
        sent[reminder.event] += len(created)
    sent[Event.DELEGATION_STARTED] += delegations_notify_started(today=today)
    deliveries_resend_pending()
    seen_events_forget()
    return sent
