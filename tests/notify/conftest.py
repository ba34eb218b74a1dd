"""A fake LINE Messaging API on 127.0.0.1 (notify.fake_line) with LINE switched on for a test,
and signed webhook calls."""

import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest

from notify.fake_line import FakeLine

TOKEN = "test-channel-token"
SECRET = "test-channel-secret"
LINE_USER = "U" + "a" * 32


@pytest.fixture
def fake_line(settings):
    fake = FakeLine().start()
    settings.LINE_API_BASE = fake.base
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
    settings.LINE_CHANNEL_SECRET = SECRET
    settings.LINE_BOT_BASIC_ID = "@itaportal"
    yield fake
    fake.stop()


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def text_event(text, *, user_id=LINE_USER, event_id=None, age_seconds=0, redelivery=False):
    return {
        "type": "message",
        "mode": "active",
        "timestamp": int((time.time() - age_seconds) * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": event_id or uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": redelivery},
        "replyToken": "reply-" + uuid.uuid4().hex,
        "message": {"type": "text", "id": "1", "quoteToken": "q", "text": text},
    }


def webhook_body(*events) -> bytes:
    return json.dumps({"destination": "Ubot", "events": list(events)}).encode()


@pytest.fixture
def post_webhook(client):
    def _post(body: bytes, signature: str | None = None, **extra):
        headers = {}
        if signature is not False:
            headers["HTTP_X_LINE_SIGNATURE"] = signature or sign(body)
        return client.post(
            "/line/webhook", data=body, content_type="application/json", **headers, **extra
        )

    return _post
