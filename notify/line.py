"""The LINE Messaging API, through the official SDK (line-bot-sdk v3). LINE Notify is gone
(March 2025) and is never used.

On when LINE_CHANNEL_ACCESS_TOKEN and LINE_CHANNEL_SECRET are both set; LINE_API_BASE points the
client elsewhere (the tests' and `manage.py line_test_server`'s local server).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import quote

import urllib3
from django.conf import settings
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhooks import (
    FollowEvent,
    MessageEvent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)

logger = logging.getLogger(__name__)

#: LINE's limit for one text message
TEXT_MAX = 5000
#: LINE's ids (user ids "U…", webhook event ids in ULID form); anything else is not used
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

__all__ = ["InvalidSignatureError", "Incoming", "enabled", "parse", "push", "reply"]


class TransportError(Exception):
    """The message may go through if tried again later (network, LINE's 5xx, 429)."""


class RefusedError(Exception):
    """LINE refused the message for good (a 4xx): trying again will not help."""


def enabled() -> bool:
    return bool(settings.LINE_CHANNEL_ACCESS_TOKEN and settings.LINE_CHANNEL_SECRET)


def _api() -> tuple[ApiClient, MessagingApi]:
    configuration = Configuration(
        host=settings.LINE_API_BASE, access_token=settings.LINE_CHANNEL_ACCESS_TOKEN
    )
    # Celery owns retrying, with back-off; urllib3 would otherwise retry silently too.
    configuration.retries = 0
    client = ApiClient(configuration)
    return client, MessagingApi(client)


def _call(send) -> None:
    client, api = _api()
    try:
        with client:
            send(api)
    except ApiException as exc:
        status = exc.status or 0
        if status == 429 or status >= 500:
            raise TransportError(f"LINE ตอบ {status}") from exc
        raise RefusedError(f"LINE ไม่รับข้อความ ({status})") from exc
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise TransportError(f"ติดต่อ LINE ไม่ได้: {type(exc).__name__}") from exc
    except ValueError:
        # A 2xx whose body the SDK could not read: LINE accepted the message.
        logger.warning("LINE accepted a call but its answer could not be read")


def push(*, to: str, text: str, retry_key: str) -> None:
    """Send `text` to one LINE user. `retry_key` (a UUID) makes a retry of an accepted push a
    no-op at LINE's end (it answers 409), so a lost answer never sends the message twice."""

    def send(api: MessagingApi) -> None:
        try:
            api.push_message(
                PushMessageRequest(to=to, messages=[TextMessage(text=text[:TEXT_MAX])]),
                x_line_retry_key=retry_key,
                _request_timeout=settings.LINE_TIMEOUT,
            )
        except ApiException as exc:
            if exc.status == 409:  # accepted before under this retry key
                return
            raise

    _call(send)


def reply(*, reply_token: str, text: str) -> bool:
    """Answer a webhook event; a failure is logged, never raised (the link is made anyway)."""

    def send(api: MessagingApi) -> None:
        api.reply_message(
            ReplyMessageRequest(reply_token=reply_token, messages=[TextMessage(text=text)]),
            _request_timeout=settings.LINE_TIMEOUT,
        )

    try:
        _call(send)
    except (TransportError, RefusedError) as exc:
        logger.warning("LINE reply failed: %s", exc)
        return False
    return True


@dataclass(frozen=True)
class Incoming:
    """A webhook event, as much of it as the portal uses."""

    event_id: str
    timestamp_ms: int
    kind: str  # "text", "follow", "unfollow", or "other"
    line_user_id: str
    text: str = ""
    reply_token: str = ""
    is_redelivery: bool = False


def parse(body: str, signature: str) -> list[Incoming]:
    """The events of a webhook body whose X-Line-Signature is right (HMAC-SHA256 of the body with
    the channel secret). Raises InvalidSignatureError, or ValueError for a malformed body."""
    parser = WebhookParser(settings.LINE_CHANNEL_SECRET)
    try:
        events = parser.parse(body, signature)
    except InvalidSignatureError:
        raise
    except Exception as exc:  # the SDK raises KeyError, TypeError, pydantic errors…
        raise ValueError("malformed webhook body") from exc
    incoming = []
    for event in events:
        source = getattr(event, "source", None)
        user_id = source.user_id if isinstance(source, UserSource) else ""
        if isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
            kind, text = "text", event.message.text or ""
        elif isinstance(event, FollowEvent):
            kind, text = "follow", ""
        elif isinstance(event, UnfollowEvent):
            kind, text = "unfollow", ""
        else:
            kind, text = "other", ""
        context = getattr(event, "delivery_context", None)
        event_id = str(getattr(event, "webhook_event_id", "") or "")
        incoming.append(
            Incoming(
                event_id=event_id if ID_PATTERN.match(event_id) else "",
                timestamp_ms=int(getattr(event, "timestamp", 0) or 0),
                kind=kind,
                line_user_id=user_id if user_id and ID_PATTERN.match(user_id) else "",
                text=text[:TEXT_MAX].replace("\x00", ""),
                reply_token=str(getattr(event, "reply_token", "") or ""),
                is_redelivery=bool(getattr(context, "is_redelivery", False)),
            )
        )
    return incoming


def add_friend_url() -> str:
    """The portal's LINE Official Account's add-friend address ("" without LINE_BOT_BASIC_ID)."""
    basic_id = settings.LINE_BOT_BASIC_ID
    return f"https://line.me/R/ti/p/{quote(basic_id, safe='')}" if basic_id else ""


def send_code_url(code: str) -> str:
    """Opens a chat with the Official Account with `code` already typed (LINE's oaMessage URL
    scheme), so scanning the QR and pressing send is all it takes."""
    basic_id = settings.LINE_BOT_BASIC_ID
    if not basic_id:
        return ""
    return f"https://line.me/R/oaMessage/{quote(basic_id, safe='')}/?{quote(code, safe='')}"
