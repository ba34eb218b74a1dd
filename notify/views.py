"""The user's own notification page (LINE link, channels per event, what was sent to them) and
the LINE webhook. A user only ever sees and changes their own."""

from __future__ import annotations

import base64
import io
import logging

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from qrcode.image.svg import SvgPathImage

from . import line, selectors, services
from .forms import PreferencesForm
from .models import Channel, Event

logger = logging.getLogger(__name__)

CODE_SESSION = "notify_line_code"
LINE_OFF = "ระบบยังไม่ได้เปิดใช้การแจ้งเตือนทาง LINE (ผู้ดูแลระบบยังไม่ได้ตั้งค่า บัญชี LINE ทางการ (LINE OA))"
#: events a webhook call may carry that are handled (LINE sends a few at a time)
WEBHOOK_MAX_EVENTS = 100


def _qr_data_uri(text: str) -> str:
    out = io.BytesIO()
    qrcode.make(text, image_factory=SvgPathImage, box_size=10, border=2).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _code_context(request, link) -> dict:
    """The one-time code made on this session, while it still works."""
    code = request.session.get(CODE_SESSION)
    if not isinstance(code, str) or link is not None:
        return {}
    if not services.line_link_code_valid(user=request.user, code=code[:20]):
        request.session.pop(CODE_SESSION, None)
        return {}
    target = line.send_code_url(code) or code
    return {"code": code, "code_url": line.send_code_url(code), "code_qr": _qr_data_uri(target)}


def _usable_channels(user) -> set[str]:
    """The channels that reach the user now: e-mail with an address, LINE when on and linked."""
    usable = {Channel.EMAIL} if user.email else set()
    if line.enabled() and selectors.line_link_of(user) is not None:
        usable.add(Channel.LINE)
    return usable


def _silent_events(user, wanted: dict[str, set[str]]) -> list[str]:
    usable = _usable_channels(user)
    return [Event(event).label for event, chosen in wanted.items() if not chosen & usable]


def _why_not(user) -> str:
    reasons = []
    if not user.email:
        reasons.append("บัญชีนี้ยังไม่มีอีเมล")
    if not line.enabled():
        reasons.append("ระบบยังไม่ได้เปิดใช้ LINE")
    elif selectors.line_link_of(user) is None:
        reasons.append("ท่านยังไม่ได้เชื่อมต่อ LINE")
    return f" ({', '.join(reasons)})" if reasons else ""


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    wanted = selectors.preferences_of(request.user)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, initial_wanted=wanted
    )
    if request.method == "POST" and form.is_valid():
        changed = services.channel_preferences_set(user=request.user, wanted=form.wanted())
        messages.success(
            request,
            "บันทึกช่องทางการแจ้งเตือนแล้ว" if changed else "ช่องทางการแจ้งเตือนไม่มีการเปลี่ยนแปลง",
        )
        silent = _silent_events(request.user, form.wanted())
        if silent:
            messages.warning(
                request,
                "ท่านจะไม่ได้รับการแจ้งเตือนเรื่องต่อไปนี้ทางใดเลย "
                "เพราะไม่ได้เลือกช่องทางที่ส่งถึงท่านได้: " + ", ".join(silent) + _why_not(request.user),
            )
        return redirect("notify:preferences")
    link = selectors.line_link_of(request.user)
    context = {
        "form": form,
        "line_enabled": line.enabled(),
        "line_off_text": LINE_OFF,
        "link": link,
        "add_friend_url": line.add_friend_url(),
        "basic_id": settings.LINE_BOT_BASIC_ID,
        "code_minutes": settings.LINE_LINK_CODE_MINUTES,
        "deliveries": selectors.deliveries_of(request.user),
        "channels": Channel,
        **_code_context(request, link),
    }
    return render(request, "notify/preferences_edit.html", context)


@login_required
@require_POST
def line_code(request):
    if not line.enabled():
        messages.error(request, LINE_OFF)
        return redirect("notify:preferences")
    request.session[CODE_SESSION] = services.line_link_code_create(user=request.user)
    return redirect("notify:preferences")


@login_required
@require_POST
def line_unlink(request):
    request.session.pop(CODE_SESSION, None)
    if services.line_link_remove(user=request.user):
        messages.success(request, "ยกเลิกการเชื่อมต่อ LINE แล้ว ท่านจะไม่ได้รับการแจ้งเตือนทาง LINE อีก")
    else:
        messages.info(request, "บัญชีนี้ไม่ได้เชื่อมต่อ LINE อยู่")
    return redirect("notify:preferences")


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def line_webhook(request):
    """LINE's calls: verified with the channel secret (X-Line-Signature), each event handled
    once. 503 while LINE is off; 400 for a malformed call; 403 for a wrong signature."""
    if not line.enabled():
        return _plain(LINE_OFF, 503)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _plain("Content-Length ไม่ถูกต้อง", 400)
    if length > settings.LINE_WEBHOOK_MAX_BYTES:
        return _plain("ข้อมูลมีขนาดใหญ่เกินกำหนด", 413)
    signature = request.headers.get("X-Line-Signature", "")
    if not signature or len(signature) > 200:
        return _plain("ไม่มีลายเซ็น X-Line-Signature", 400)
    try:
        body = request.read(settings.LINE_WEBHOOK_MAX_BYTES + 1)
        if len(body) > settings.LINE_WEBHOOK_MAX_BYTES:
            return _plain("ข้อมูลมีขนาดใหญ่เกินกำหนด", 413)
        events = line.parse(body.decode("utf-8"), signature)
    except line.InvalidSignatureError:
        logger.warning("LINE webhook: wrong signature")
        return _plain("ลายเซ็นไม่ถูกต้อง", 403)
    except (ValueError, UnicodeDecodeError, OSError):
        return _plain("ข้อมูลไม่ถูกต้อง", 400)
    for event in events[:WEBHOOK_MAX_EVENTS]:
        outcome = services.line_event_receive(event=event)
        if outcome.reply and event.reply_token:
            transaction.on_commit(
                lambda token=event.reply_token, text=outcome.reply: line.reply(
                    reply_token=token, text=text
                )
            )
    return _plain("OK", 200)
