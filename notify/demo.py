"""The demo's linked LINE account: the demo staff user is linked to the LINE user that
`manage.py line_test_server` plays, so with the local fake Messaging API (docs/deploy.md) the
demo's notices show up as LINE pushes in that server's output."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .models import LineLink

DEMO_LINE_USER = "U" + "d" * 32
DEMO_LINE_USERNAME = "staff"


def load_line_demo() -> str:
    """Link the demo staff user's LINE account (idempotent)."""
    user = get_user_model().objects.filter(username=DEMO_LINE_USERNAME).first()
    if user is None:
        return ""
    LineLink.objects.filter(line_user_id=DEMO_LINE_USER).exclude(user=user).delete()
    LineLink.objects.update_or_create(user=user, defaults={"line_user_id": DEMO_LINE_USER})
    return f"บัญชี LINE ตัวอย่าง: {DEMO_LINE_USERNAME} เชื่อมต่อแล้ว (ลองกับ manage.py line_test_server)"
