"""Writes: telling a user (a delivery per channel, sent on the queue), linking and unlinking
LINE, the webhook's events, and each user's channel preferences."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from auditlog.context import set_actor
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ita_portal import ratelimit

from .line import Incoming
from .messages import TITLE_MAX
from .models import (
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryStatus,
    Event,
    LineLink,
    LinkCode,
    SeenWebhookEvent,
)
from .selectors import channels_for
from .sending import MAX_ATTEMPTS
from .tasks import send_delivery

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- telling a user


def notify_user(
    *,
    user,
    event: str,
    title: str,
    organisation_name: str,
    link: str,
    dedupe_key: str,
    organisation_id: int | None = None,
) -> list[Delivery]:
    """Tell `user` of `event` on each channel they want and can be reached on.

    One Delivery per channel, unique per (user, channel, dedupe_key): a second call with the same
    key (a re-run of the daily job) finds it and sends nothing. New deliveries go on the queue
    once the transaction commits. Returns the deliveries created by this call.
    """
    if event not in Event.values:
        raise ValueError(f"unknown event {event!r}")
    if not dedupe_key or not user.is_active:
        return []
    created: list[Delivery] = []
    for channel in channels_for(user, event):
        try:
            with transaction.atomic():
                delivery, new = Delivery.objects.get_or_create(
                    user=user,
                    channel=channel,
                    dedupe_key=dedupe_key[:200],
                    defaults={
                        "event": event,
                        "title": " ".join(title.split())[:TITLE_MAX],
                        "link": link[:1000],
                        "organisation_id": organisation_id,
                        "organisation_name": organisation_name[:255],
                    },
                )
        except IntegrityError:  # the same key, created by a concurrent run
            continue
        if new:
            created.append(delivery)
            transaction.on_commit(lambda pk=delivery.pk: _enqueue(pk))
    return created


def _enqueue(delivery_pk: int) -> None:
    try:
        send_delivery.delay(delivery_pk)
    except Exception:  # broker down: the delivery stays pending; the daily job queues it again
        logger.exception("Could not queue delivery %s", delivery_pk)


def deliveries_resend_pending(*, older_than_minutes: int = 60) -> int:
    """Queue again the deliveries still pending long after they were made (a lost task)."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    pks = list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, updated_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in pks:
        _enqueue(pk)
    return len(pks)


# ---------------------------------------------------------------- preferences


def channel_preferences_set(*, user, wanted: dict[str, set[str]]) -> int:
    """Store `user`'s channels per event (events not in `wanted` are left as they are). Returns
    how many events changed; each change is on the audit trail (ChannelPreference is
    registered)."""
    changed = 0
    with transaction.atomic(), set_actor(user):
        current = {p.event: p for p in ChannelPreference.objects.filter(user=user)}
        for event, chosen in wanted.items():
            if event not in Event.values:
                continue
            email, line = Channel.EMAIL in chosen, Channel.LINE in chosen
            pref = current.get(event)
            if pref is None:
                if email and line:
                    continue  # the default: no row needed
                ChannelPreference.objects.create(user=user, event=event, email=email, line=line)
            elif (pref.email, pref.line) == (email, line):
                continue
            else:
                pref.email, pref.line = email, line
                pref.save(update_fields=["email", "line", "updated_at"])
            changed += 1
    return changed


# ---------------------------------------------------------------- linking LINE

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 8
CODE_PATTERN = re.compile(rf"[{CODE_ALPHABET}]{{4}}-?[{CODE_ALPHABET}]{{4}}")
#: wrong codes one LINE account may send in LINK_ATTEMPT_WINDOW before it is told to wait
LINK_ATTEMPTS = 10
LINK_ATTEMPT_WINDOW = 60 * 60


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").upper().encode()).hexdigest()


def line_link_code_create(*, user) -> str:
    """A new one-time code for `user` ("ABCD-2345"); their earlier unused codes stop working."""
    with transaction.atomic():
        LinkCode.objects.filter(user=user, used_at__isnull=True).delete()
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        LinkCode.objects.create(
            user=user,
            code_hash=_hash(code),
            expires_at=timezone.now() + timedelta(minutes=settings.LINE_LINK_CODE_MINUTES),
        )
    return f"{code[:4]}-{code[4:]}"


def line_link_code_valid(*, user, code: str) -> bool:
    """Is `code` still usable (the page shows it only while it is)?"""
    return LinkCode.objects.filter(
        user=user, code_hash=_hash(code), used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


REPLY_LINKED = "เชื่อมต่อบัญชี LINE กับ ITA Portal ของ {name} แล้ว ท่านจะได้รับการแจ้งเตือนทาง LINE ตามที่ตั้งค่าไว้ในหน้า “การแจ้งเตือน”"
REPLY_BAD_CODE = "รหัสเชื่อมต่อไม่ถูกต้อง หมดอายุ หรือถูกใช้ไปแล้ว กรุณาสร้างรหัสใหม่ในหน้า “การแจ้งเตือน” ของ ITA Portal แล้วส่งมาอีกครั้ง"
REPLY_TOO_MANY = "ส่งรหัสผิดหลายครั้ง กรุณารอ 1 ชั่วโมงแล้วลองใหม่"
REPLY_TAKEN = "บัญชี LINE นี้เชื่อมต่อกับผู้ใช้อื่นของ ITA Portal อยู่ ให้ผู้ใช้นั้นยกเลิกการเชื่อมต่อก่อน"
REPLY_HELP = "ส่งรหัสเชื่อมต่อ 8 ตัวจากหน้า “การแจ้งเตือน” ของ ITA Portal มาที่นี่ เพื่อรับการแจ้งเตือนทาง LINE"
REPLY_WELCOME = "ยินดีต้อนรับสู่การแจ้งเตือนของ ITA Portal " + REPLY_HELP


@dataclass(frozen=True)
class Outcome:
    """What a webhook event did, and the Thai reply (empty: no reply)."""

    result: str  # linked, bad_code, too_many, taken, unlinked, help, ignored
    reply: str = ""


def line_link_bind(*, line_user_id: str, text: str) -> Outcome:
    """Bind the LINE account `line_user_id` to the user whose valid code is in `text`."""
    found = CODE_PATTERN.search(text.upper()[:200])
    if not found:
        return Outcome("help", REPLY_HELP)
    if ratelimit.count("line-link", line_user_id) >= LINK_ATTEMPTS:
        return Outcome("too_many", REPLY_TOO_MANY)
    now = timezone.now()
    with transaction.atomic():
        code = (
            LinkCode.objects.select_for_update()
            .select_related("user")
            .filter(code_hash=_hash(found.group()), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if code is None or not code.user.is_active:
            ratelimit.hit(
                "line-link", line_user_id, limit=LINK_ATTEMPTS, window=LINK_ATTEMPT_WINDOW
            )
            return Outcome("bad_code", REPLY_BAD_CODE)
        user = code.user
        taken = LineLink.objects.filter(line_user_id=line_user_id).exclude(user=user).exists()
        if taken:
            return Outcome("taken", REPLY_TAKEN)
        code.used_at = now
        code.save(update_fields=["used_at"])
        with set_actor(user):
            link = LineLink.objects.filter(user=user).first()
            if link is None:
                LineLink.objects.create(user=user, line_user_id=line_user_id)
            elif link.line_user_id != line_user_id:
                link.line_user_id = line_user_id
                link.save(update_fields=["line_user_id"])
    name = user.get_full_name() or user.username
    return Outcome("linked", REPLY_LINKED.format(name=name))


def line_link_remove(*, user) -> bool:
    """Unlink `user`'s LINE account (one click on their page). Returns whether one was linked."""
    with transaction.atomic(), set_actor(user):
        link = LineLink.objects.filter(user=user).first()
        if link is None:
            return False
        link.delete()
    return True


def line_event_receive(*, event: Incoming, now=None) -> Outcome:
    """Handle one verified webhook event once: a replayed webhookEventId, or an event older than
    LINE_WEBHOOK_MAX_AGE_SECONDS (a redelivery long after; link codes are short-lived anyway),
    is ignored."""
    now = now or timezone.now()
    if not event.event_id or not event.line_user_id:
        return Outcome("ignored")
    age = now.timestamp() - event.timestamp_ms / 1000
    if age > settings.LINE_WEBHOOK_MAX_AGE_SECONDS or age < -300:
        return Outcome("ignored")
    try:
        with transaction.atomic():
            SeenWebhookEvent.objects.create(event_id=event.event_id)
    except IntegrityError:
        return Outcome("ignored")
    if event.kind == "text":
        return line_link_bind(line_user_id=event.line_user_id, text=event.text)
    if event.kind == "follow":
        return Outcome("help", REPLY_WELCOME)
    if event.kind == "unfollow":
        # Blocking the Official Account unlinks: pushes to it would only fail.
        link = LineLink.objects.filter(line_user_id=event.line_user_id).first()
        if link is not None:
            line_link_remove(user=link.user)
            return Outcome("unlinked")
    return Outcome("ignored")


def seen_events_forget(*, older_than_days: int = 2) -> int:
    """Drop the replay guard's old ids (older events are refused by age anyway)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = SeenWebhookEvent.objects.filter(received_at__lt=cutoff).delete()
    LinkCode.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
