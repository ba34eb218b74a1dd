"""Who hears of what, and how: LINE links, channel preferences per event, and the delivery log.

The lowest app: it knows users, not organisations. A delivery keeps the organisation's id and
name as plain values, so the log reads without a join and this app imports no other.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Event(models.TextChoices):
    """What a user may be told of; each has its message title in `notify.messages`."""

    MEMO_WAITING = "memo_waiting", "มีบันทึกข้อความรอฉันพิจารณา"
    MEMO_WAITING_LONG = "memo_waiting_long", "บันทึกข้อความยังรอฉันพิจารณาเกินกำหนด"
    MEMO_RETURNED = "memo_returned", "บันทึกข้อความของฉันถูกส่งกลับแก้ไข"
    MEMO_PUBLISHED = "memo_published", "บันทึกข้อความของฉันได้รับอนุมัติและเผยแพร่แล้ว"
    MEMO_PUBLICATION_FAILED = "memo_publication_failed", "เผยแพร่เอกสารของบันทึกข้อความไม่สำเร็จ"
    ROUND_DEADLINE = (
        "round_deadline",
        "รอบการรายงานจะครบกำหนดใน 14 วัน / 3 วัน แต่ยังมีมาตรการที่ไม่ได้รายงานผล",
    )
    OIT_WINDOW_OPENING = "oit_opening", "เปิดช่วงเผยแพร่ข้อมูล OIT"
    OIT_WINDOW_CLOSING = "oit_closing", "ใกล้ปิดช่วงเผยแพร่ข้อมูล OIT"
    OIT_BROKEN_LINK = "oit_broken_link", "ลิงก์หลักฐาน OIT ใช้งานไม่ได้"
    DELEGATION_STARTED = "delegation_started", "เริ่มปฏิบัติหน้าที่แทนผู้อื่น"
    SURVEY_CLOSING = "survey_closing", "ใกล้ปิดแบบสำรวจ IIT/EIT แต่จำนวนผู้ตอบยังไม่ถึงเกณฑ์"


class Channel(models.TextChoices):
    EMAIL = "email", "อีเมล"
    LINE = "line", "LINE"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "รอส่ง"
    SENT = "sent", "ส่งแล้ว"
    FAILED = "failed", "ส่งไม่สำเร็จ"


class LineLink(models.Model):
    """A user's LINE account, bound through a one-time code sent to the portal's LINE OA."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="line_link",
        verbose_name="ผู้ใช้",
    )
    # LINE user ids are "U" and 32 hex digits.
    line_user_id = models.CharField("LINE user ID", max_length=64, unique=True)
    linked_at = models.DateTimeField("เชื่อมต่อเมื่อ", auto_now_add=True)

    class Meta:
        verbose_name = "บัญชี LINE ที่เชื่อมต่อ"
        verbose_name_plural = "บัญชี LINE ที่เชื่อมต่อ"
        constraints = [
            models.CheckConstraint(condition=~Q(line_user_id=""), name="line_link_id_not_empty"),
        ]

    def __str__(self) -> str:
        return f"LINE ของ {self.user}"


class LinkCode(models.Model):
    """A one-time code that binds the LINE account it is sent from. Only its SHA-256 is kept
    (the code is random, 40 bits); it expires after LINE_LINK_CODE_MINUTES and works once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="ผู้ใช้",
    )
    code_hash = models.CharField("รหัส (แฮช)", max_length=64, unique=True)
    created_at = models.DateTimeField("สร้างเมื่อ", auto_now_add=True)
    expires_at = models.DateTimeField("หมดอายุ")
    used_at = models.DateTimeField("ใช้เมื่อ", null=True, blank=True)

    class Meta:
        verbose_name = "รหัสเชื่อมต่อ LINE"
        verbose_name_plural = "รหัสเชื่อมต่อ LINE"

    def __str__(self) -> str:
        return f"รหัสเชื่อมต่อ LINE ของ {self.user}"


class ChannelPreference(models.Model):
    """One user's channels for one event. No row: the default (e-mail, and LINE when linked)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="channel_preferences",
        verbose_name="ผู้ใช้",
    )
    event = models.CharField("เรื่องที่แจ้ง", max_length=40, choices=Event.choices)
    email = models.BooleanField("อีเมล", default=True)
    line = models.BooleanField("LINE", default=True)
    updated_at = models.DateTimeField("แก้ไขล่าสุด", auto_now=True)

    class Meta:
        verbose_name = "ช่องทางการแจ้งเตือน"
        verbose_name_plural = "ช่องทางการแจ้งเตือน"
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="channel_preference_unique"),
            models.CheckConstraint(
                condition=Q(event__in=[e.value for e in Event]),
                name="channel_preference_event_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_event_display()}"


class Delivery(models.Model):
    """One message to one user on one channel. (user, channel, dedupe key) is unique: a job that
    runs again finds its deliveries already there and sends nothing twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="ผู้รับ",
    )
    event = models.CharField("เรื่อง", max_length=40, choices=Event.choices)
    channel = models.CharField("ช่องทาง", max_length=10, choices=Channel.choices)
    dedupe_key = models.CharField("คีย์กันส่งซ้ำ", max_length=200)
    # Only a title, the organisation and a link: never a document's content (PDPA).
    title = models.CharField("หัวเรื่อง", max_length=300)
    link = models.CharField("ลิงก์", max_length=1000, blank=True)
    organisation_id = models.PositiveBigIntegerField("รหัสหน่วยงานในระบบ", null=True, blank=True)
    organisation_name = models.CharField("หน่วยงาน", max_length=255, blank=True)
    status = models.CharField(
        "สถานะ", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("จำนวนครั้งที่ส่ง", default=0)
    # Sent as X-Line-Retry-Key with every try: LINE accepts a push once per key.
    retry_key = models.UUIDField("คีย์ส่งซ้ำของ LINE", default=uuid.uuid4, editable=False)
    last_error = models.CharField("ข้อผิดพลาดล่าสุด", max_length=500, blank=True)
    created_at = models.DateTimeField("สร้างเมื่อ", auto_now_add=True)
    updated_at = models.DateTimeField("แก้ไขล่าสุด", auto_now=True)
    sent_at = models.DateTimeField("ส่งสำเร็จเมื่อ", null=True, blank=True)

    class Meta:
        verbose_name = "การแจ้งเตือนที่ส่ง"
        verbose_name_plural = "การแจ้งเตือนที่ส่ง"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="delivery_user_recent"),
            models.Index(fields=["organisation_id", "-created_at"], name="delivery_org_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "dedupe_key"], name="delivery_unique_dedupe_key"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Channel]), name="delivery_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DeliveryStatus]),
                name="delivery_status_valid",
            ),
            models.CheckConstraint(condition=~Q(dedupe_key=""), name="delivery_key_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} ถึง {self.user}: {self.title}"


class SeenWebhookEvent(models.Model):
    """A LINE webhook event already handled (its webhookEventId): a replay is ignored."""

    event_id = models.CharField("webhookEventId", max_length=64, unique=True)
    received_at = models.DateTimeField("ได้รับเมื่อ", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "เหตุการณ์ LINE ที่รับแล้ว"
        verbose_name_plural = "เหตุการณ์ LINE ที่รับแล้ว"

    def __str__(self) -> str:
        return self.event_id
