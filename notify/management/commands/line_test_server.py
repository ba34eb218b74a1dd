"""A fake LINE Messaging API on 127.0.0.1 that prints every push, and a helper to play the LINE
user sending a link code, so the linked-LINE flow can be tried with no LINE account
(docs/deploy.md, "LINE ในเครื่อง").

    python manage.py line_test_server --port 8765
    # in another shell, the portal pointed at it:
    LINE_API_BASE=http://127.0.0.1:8765 LINE_CHANNEL_ACCESS_TOKEN=local LINE_CHANNEL_SECRET=local \\
        make run
    # then, with the code shown on /accounts/notifications/:
    python manage.py line_test_server --send-code ABCD-2345 --secret local \\
        --webhook http://127.0.0.1:8000/line/webhook
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.request
import uuid

from django.core.management.base import BaseCommand, CommandError

from notify.demo import DEMO_LINE_USER
from notify.fake_line import FakeLine


def signed_webhook_body(*, text: str, secret: str, user_id: str = DEMO_LINE_USER) -> tuple:
    """A webhook body with one text message, and its X-Line-Signature."""
    body = json.dumps(
        {
            "destination": "Ufake",
            "events": [
                {
                    "type": "message",
                    "mode": "active",
                    "timestamp": int(time.time() * 1000),
                    "source": {"type": "user", "userId": user_id},
                    "webhookEventId": uuid.uuid4().hex.upper()[:26],
                    "deliveryContext": {"isRedelivery": False},
                    "replyToken": uuid.uuid4().hex,
                    "message": {"type": "text", "id": "1", "quoteToken": "q", "text": text},
                }
            ],
        },
        ensure_ascii=False,
    ).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return body, base64.b64encode(digest).decode()


class Command(BaseCommand):
    help = "LINE Messaging API จำลองบน 127.0.0.1 (พิมพ์ข้อความที่ส่ง) หรือส่งรหัสเชื่อมต่อเข้า webhook"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--send-code", help="ส่งรหัสเชื่อมต่อเข้า webhook ในฐานะผู้ใช้ LINE")
        parser.add_argument("--secret", default="local", help="LINE_CHANNEL_SECRET ของพอร์ทัล")
        parser.add_argument("--webhook", default="http://127.0.0.1:8000/line/webhook")
        parser.add_argument(
            "--user-id", default=DEMO_LINE_USER, help="LINE user ID ผู้ส่ง (ค่าเริ่มต้น: ของ demo)"
        )

    def handle(self, *args, **options):
        if options["send_code"]:
            return self._send_code(options)
        if not 1024 <= options["port"] <= 65535:
            raise CommandError("พอร์ตต้องอยู่ระหว่าง 1024 ถึง 65535")

        def show(call):
            if call.path in ("/v2/bot/message/push", "/v2/bot/message/reply"):
                for message in call.body.get("messages", []):
                    to = call.body.get("to", "(ตอบกลับ)")
                    self.stdout.write(f"--- {call.path} → {to}\n{message.get('text', '')}\n")
            else:
                self.stdout.write(f"--- {call.path}")

        fake = FakeLine(port=options["port"], on_call=show)
        self.stdout.write(f"LINE Messaging API จำลอง: {fake.base} (Ctrl-C เพื่อหยุด)")
        try:
            fake.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            fake.server.server_close()

    def _send_code(self, options):
        body, signature = signed_webhook_body(
            text=options["send_code"], secret=options["secret"], user_id=options["user_id"]
        )
        request = urllib.request.Request(
            options["webhook"],
            data=body,
            headers={"Content-Type": "application/json", "X-Line-Signature": signature},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                self.stdout.write(f"webhook ตอบ {response.status}")
        except OSError as exc:
            raise CommandError(f"ส่งเข้า webhook ไม่สำเร็จ: {exc}") from exc
