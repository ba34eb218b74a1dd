"""Sending one delivery on its channel. Raises TransportError when a later try may succeed."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from . import line
from .messages import email_subject, message_text
from .models import Channel, Delivery

TransportError = line.TransportError
RefusedError = line.RefusedError

EMAIL_FOOTER = (
    "ข้อความนี้ส่งจากระบบ ITA Portal โดยอัตโนมัติ เปิดลิงก์และเข้าสู่ระบบเพื่อดูรายละเอียด · ตั้งค่าการแจ้งเตือน: {url}"
)


def _email(delivery: Delivery) -> None:
    address = delivery.user.email
    if not address:
        raise RefusedError("ผู้ใช้ไม่มีอีเมล")
    body = message_text(
        title=delivery.title, organisation_name=delivery.organisation_name, link=delivery.link
    )
    footer = EMAIL_FOOTER.format(url=settings.SITE_URL + reverse("notify:preferences"))
    try:
        send_mail(
            subject=email_subject(delivery.title),
            message=f"{body}\n\n--\n{footer}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
            fail_silently=False,
        )
    except (smtplib.SMTPException, OSError) as exc:
        raise TransportError(f"ส่งอีเมลไม่สำเร็จ: {type(exc).__name__}") from exc


def _line(delivery: Delivery) -> None:
    if not line.enabled():
        raise RefusedError("ยังไม่ได้ตั้งค่า LINE ในระบบ")
    link = getattr(delivery.user, "line_link", None)
    if link is None:
        raise RefusedError("ผู้ใช้ยกเลิกการเชื่อมต่อ LINE แล้ว")
    line.push(
        to=link.line_user_id,
        text=message_text(
            title=delivery.title, organisation_name=delivery.organisation_name, link=delivery.link
        ),
        retry_key=str(delivery.retry_key),
    )


SENDERS = {Channel.EMAIL: _email, Channel.LINE: _line}


def send(delivery: Delivery) -> None:
    SENDERS[delivery.channel](delivery)
