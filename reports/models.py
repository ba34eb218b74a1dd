"""Memos (บันทึกข้อความ), their sign-off chain, document numbers, and frozen publications."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from organisations.models import Organisation, Unit


class DocumentNumber(models.Model):
    """The last number issued per organisation, unit and fiscal year (restarts each year)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("ปีงบประมาณ")
    last_number = models.PositiveIntegerField("เลขล่าสุด", default=0)

    class Meta:
        verbose_name = "ลำดับเลขที่หนังสือ"
        verbose_name_plural = "ลำดับเลขที่หนังสือ"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "unit", "fiscal_year"], name="docnumber_unique_scope"
            ),
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year"],
                condition=Q(unit__isnull=True),
                name="docnumber_unique_scope_no_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.fiscal_year}: {self.last_number}"


class ChainTemplate(models.Model):
    """An ordered list of signing positions, e.g. ผู้รายงาน → หัวหน้าสำนักปลัด → ปลัด → นายก."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="chain_templates",
        verbose_name="หน่วยงาน",
    )
    name = models.CharField("ชื่อลำดับการเสนอ", max_length=200)
    is_default = models.BooleanField("ใช้เป็นค่าเริ่มต้น", default=False)

    class Meta:
        verbose_name = "ลำดับการเสนอ"
        verbose_name_plural = "ลำดับการเสนอ"
        ordering = ["organisation", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="chain_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation_id": self.organisation_id}


class ChainTemplateStep(models.Model):
    template = models.ForeignKey(
        ChainTemplate, on_delete=models.CASCADE, related_name="steps", verbose_name="ลำดับการเสนอ"
    )
    order = models.PositiveSmallIntegerField("ลำดับ")
    position_title = models.CharField("ตำแหน่ง", max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="ผู้ดำรงตำแหน่ง",
    )

    class Meta:
        verbose_name = "ขั้นของลำดับการเสนอ"
        verbose_name_plural = "ขั้นของลำดับการเสนอ"
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="chainstep_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.position_title}"

    def get_additional_data(self) -> dict:
        return {"organisation_id": self.template.organisation_id}


class MemoStatus(models.TextChoices):
    DRAFT = "draft", "ร่าง"
    IN_REVIEW = "in_review", "อยู่ระหว่างเสนอ"
    RETURNED = "returned", "ส่งกลับแก้ไข"
    APPROVED = "approved", "อนุมัติแล้ว"


class Memo(models.Model):
    """บันทึกข้อความ: ส่วนราชการ, ที่, วันที่, เรื่อง, เรียน; เรื่องเดิม / ข้อเท็จจริง / ข้อพิจารณา."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memos", verbose_name="หน่วยงาน"
    )
    fiscal_year = models.PositiveSmallIntegerField("ปีงบประมาณ")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memos", verbose_name="ส่วนราชการ"
    )
    number = models.CharField("ที่", max_length=100, blank=True)
    date = models.DateField("วันที่", null=True, blank=True)
    subject = models.CharField("เรื่อง", max_length=500)
    to = models.CharField("เรียน", max_length=255)
    background = models.TextField("เรื่องเดิม")
    facts = models.TextField("ข้อเท็จจริง")
    proposal = models.TextField("ข้อพิจารณา/ข้อเสนอ")
    publish_memo = models.BooleanField("เผยแพร่บันทึกข้อความนี้คู่กับเอกสาร", default=True)
    status = models.CharField(
        "สถานะ", max_length=10, choices=MemoStatus.choices, default=MemoStatus.DRAFT
    )
    cycle = models.PositiveSmallIntegerField("รอบการเสนอ", default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="ผู้จัดทำ"
    )
    created_at = models.DateTimeField("สร้างเมื่อ", auto_now_add=True)
    updated_at = models.DateTimeField("แก้ไขล่าสุด", auto_now=True)

    class Meta:
        verbose_name = "บันทึกข้อความ"
        verbose_name_plural = "บันทึกข้อความ"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in MemoStatus]), name="memo_status_valid"
            ),
            models.UniqueConstraint(
                fields=["organisation", "number"],
                condition=~Q(number=""),
                name="memo_unique_number",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_additional_data(self) -> dict:
        return {"organisation_id": self.organisation_id}


class MemoAttachment(models.Model):
    """A document the memo asks to publish: a kind, a year and its rendering options."""

    memo = models.ForeignKey(
        Memo, on_delete=models.CASCADE, related_name="attachments", verbose_name="บันทึกข้อความ"
    )
    kind = models.CharField("ประเภทเอกสาร", max_length=50)
    fiscal_year = models.PositiveSmallIntegerField("ปีงบประมาณ")
    options = models.JSONField("ตัวเลือก", default=dict, blank=True)
    title = models.CharField("ชื่อเอกสาร", max_length=500)

    class Meta:
        verbose_name = "เอกสารแนบ"
        verbose_name_plural = "เอกสารแนบ"
        ordering = ["memo", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation_id": self.memo.organisation_id}


class Decision(models.TextChoices):
    PENDING = "pending", "รอพิจารณา"
    APPROVED = "approved", "เห็นชอบ/อนุมัติ"
    ACKNOWLEDGED = "acknowledged", "ทราบ"
    RETURNED = "returned", "ส่งกลับแก้ไข"


class ApprovalStep(models.Model):
    """One signer of one submission (cycle) of a memo, copied from the chain template."""

    memo = models.ForeignKey(
        Memo, on_delete=models.CASCADE, related_name="steps", verbose_name="บันทึกข้อความ"
    )
    cycle = models.PositiveSmallIntegerField("รอบการเสนอ")
    order = models.PositiveSmallIntegerField("ลำดับ")
    is_final = models.BooleanField("ขั้นสุดท้าย", default=False)
    position_title = models.CharField("ตำแหน่ง", max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_steps",
        verbose_name="ผู้ลงนาม",
    )
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้ปฏิบัติ (กรณีรักษาราชการแทน)",
    )
    decision = models.CharField(
        "ผลการพิจารณา", max_length=15, choices=Decision.choices, default=Decision.PENDING
    )
    comment = models.TextField("ความเห็น", blank=True)
    acted_at = models.DateTimeField("เมื่อ", null=True, blank=True)

    class Meta:
        verbose_name = "ผู้ลงนาม"
        verbose_name_plural = "ผู้ลงนาม"
        ordering = ["memo", "cycle", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["memo", "cycle", "order"], name="step_unique_cycle_order"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=[d.value for d in Decision]), name="step_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.PENDING) | Q(acted_at__isnull=False),
                name="step_decided_has_time",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "decision"])]

    def __str__(self) -> str:
        return f"{self.order}. {self.position_title}"

    def get_additional_data(self) -> dict:
        return {"organisation_id": self.memo.organisation_id}

    @property
    def decision_label(self) -> str:
        if self.decision == Decision.APPROVED:
            return "อนุมัติ" if self.is_final else "เห็นชอบ"
        return self.get_decision_display()


def publication_upload_to(instance: "Publication", filename: str) -> str:
    return (
        f"published/{instance.organisation.code}/{instance.fiscal_year}/"
        f"{instance.kind}-r{instance.revision}{filename[filename.rfind('.') :]}"
    )


class Publication(models.Model):
    """A frozen revision of a document: HTML and PDF rendered once, stored, checksummed."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="publications", verbose_name="หน่วยงาน"
    )
    fiscal_year = models.PositiveSmallIntegerField("ปีงบประมาณ")
    kind = models.CharField("ประเภทเอกสาร", max_length=50)
    revision = models.PositiveSmallIntegerField("ฉบับที่")
    title = models.CharField("ชื่อเอกสาร", max_length=500)
    memo = models.ForeignKey(
        Memo, on_delete=models.PROTECT, related_name="publications", verbose_name="บันทึกข้อความที่อนุมัติ"
    )
    html = models.FileField("HTML", upload_to=publication_upload_to, max_length=255)
    pdf = models.FileField("PDF", upload_to=publication_upload_to, max_length=255)
    html_sha256 = models.CharField("SHA-256 ของ HTML", max_length=64)
    pdf_sha256 = models.CharField("SHA-256 ของ PDF", max_length=64)
    approval_record = models.JSONField("บันทึกการอนุมัติ", default=list)
    published_at = models.DateTimeField("เผยแพร่เมื่อ")
    withdrawn_at = models.DateTimeField("ถอนการเผยแพร่เมื่อ", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้ถอน",
    )
    withdraw_reason = models.TextField("เหตุผลที่ถอน", blank=True)

    class Meta:
        verbose_name = "เอกสารที่เผยแพร่"
        verbose_name_plural = "เอกสารที่เผยแพร่"
        ordering = ["organisation", "-fiscal_year", "kind", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year", "kind", "revision"],
                name="publication_unique_revision",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdraw_reason=""),
                name="publication_withdraw_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (ฉบับที่ {self.revision})"

    def get_additional_data(self) -> dict:
        return {"organisation_id": self.organisation_id}


# ---------------------------------------------------------------- OIT evidence


class OitEntry(models.Model):
    """An organisation's answer to one OIT item of one year: who is responsible, criteria ticks.

    Its evidence is in OitEvidence; readiness is derived from the evidence (reports.oit).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="oit_entries", verbose_name="หน่วยงาน"
    )
    item = models.ForeignKey(
        "assessments.Item",
        on_delete=models.PROTECT,
        related_name="oit_entries",
        verbose_name="ข้อ OIT",
    )
    fiscal_year = models.PositiveSmallIntegerField("ปีงบประมาณ")
    responsible_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="oit_entries",
        verbose_name="หน่วยงานย่อยที่รับผิดชอบ",
    )
    note = models.TextField("หมายเหตุ", blank=True)
    updated_at = models.DateTimeField("แก้ไขล่าสุด", auto_now=True)

    class Meta:
        verbose_name = "ข้อ OIT ของหน่วยงาน"
        verbose_name_plural = "ข้อ OIT ของหน่วยงาน"
        ordering = ["organisation", "fiscal_year", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "item"], name="oit_entry_unique_item")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.fiscal_year} {self.item.code}"

    def get_additional_data(self) -> dict:
        return {"organisation_id": self.organisation_id}


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", "เอกสารของระบบ"
    FILE = "file", "ไฟล์ที่อัปโหลด"
    URL = "url", "ลิงก์เว็บไซต์ของหน่วยงาน"


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", "ยังไม่ได้ตรวจ"
    OK = "ok", "ใช้งานได้"
    BROKEN = "broken", "ใช้งานไม่ได้"


def oit_file_upload_to(instance: "OitEvidence", filename: str) -> str:
    # Private (never served directly); the public copy is written at publication.
    return f"oit/{instance.entry.organisation_id}/{instance.entry.fiscal_year}/{filename}"


def oit_published_upload_to(instance: "OitEvidence", filename: str) -> str:
    entry = instance.entry
    return (
        f"published/{entry.organisation.code}/{entry.fiscal_year}/oit/"
        f"{entry.item.code}-e{instance.pk}{filename[filename.rfind('.') :]}"
    )


class OitEvidence(models.Model):
    """One piece of evidence for an OIT item: a portal document, an uploaded file or a URL.

    Files go through the memo chain and are frozen (copied, checksummed) when approved; portal
    documents are published by their own memo; URLs are the agency's own pages and are checked by
    the link checker.
    """

    entry = models.ForeignKey(
        OitEntry, on_delete=models.CASCADE, related_name="evidence", verbose_name="ข้อ OIT"
    )
    kind = models.CharField("ประเภทหลักฐาน", max_length=10, choices=EvidenceKind.choices)
    title = models.CharField("ชื่อหลักฐาน", max_length=500)
    document_kind = models.CharField("เอกสารของระบบ", max_length=50, blank=True)
    document_year = models.PositiveSmallIntegerField(
        "ปีงบประมาณของเอกสาร", null=True, blank=True, help_text="บางข้อใช้รายงานของปีก่อน"
    )
    file = models.FileField("ไฟล์", upload_to=oit_file_upload_to, max_length=255, blank=True)
    file_name = models.CharField("ชื่อไฟล์", max_length=255, blank=True)
    file_sha256 = models.CharField("SHA-256 ของไฟล์", max_length=64, blank=True)
    content_type = models.CharField("ชนิดไฟล์", max_length=100, blank=True)
    url = models.URLField("URL", max_length=1000, blank=True)
    memo = models.ForeignKey(
        Memo,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="oit_evidence",
        verbose_name="บันทึกข้อความที่เสนอ",
    )
    published_file = models.FileField(
        "ไฟล์ที่เผยแพร่", upload_to=oit_published_upload_to, max_length=255, blank=True
    )
    published_at = models.DateTimeField("เผยแพร่เมื่อ", null=True, blank=True)
    withdrawn_at = models.DateTimeField("ถอนการเผยแพร่เมื่อ", null=True, blank=True)
    withdraw_reason = models.TextField("เหตุผลที่ถอน", blank=True)
    link_status = models.CharField(
        "สถานะลิงก์", max_length=10, choices=LinkStatus.choices, default=LinkStatus.UNCHECKED
    )
    link_checked_at = models.DateTimeField("ตรวจลิงก์ล่าสุด", null=True, blank=True)
    link_message = models.CharField("ผลการตรวจลิงก์", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="ผู้เพิ่ม",
    )
    created_at = models.DateTimeField("เพิ่มเมื่อ", auto_now_add=True)

    class Meta:
        verbose_name = "หลักฐาน OIT"
        verbose_name_plural = "หลักฐาน OIT"
        ordering = ["entry", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=EvidenceKind.DOCUMENT)
                    & ~Q(document_kind="")
                    & Q(document_year__isnull=False)
                )
                | (Q(kind=EvidenceKind.FILE) & ~Q(file=""))
                | (Q(kind=EvidenceKind.URL) & ~Q(url="")),
                name="oit_evidence_has_target",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdraw_reason=""),
                name="oit_evidence_withdraw_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"organisation_id": self.entry.organisation_id}


class OitCriterionCheck(models.Model):
    """Staff's tick for one criterion of an OIT item: met or not, with a note."""

    entry = models.ForeignKey(
        OitEntry, on_delete=models.CASCADE, related_name="checks", verbose_name="ข้อ OIT"
    )
    criterion = models.ForeignKey(
        "assessments.ItemCriterion",
        on_delete=models.CASCADE,
        related_name="checks",
        verbose_name="เกณฑ์",
    )
    met = models.BooleanField("ผ่านเกณฑ์", default=False)
    note = models.CharField("หมายเหตุ", max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="ผู้ตรวจ",
    )
    checked_at = models.DateTimeField("ตรวจเมื่อ", auto_now=True)

    class Meta:
        verbose_name = "การตรวจเกณฑ์ OIT"
        verbose_name_plural = "การตรวจเกณฑ์ OIT"
        ordering = ["entry", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "criterion"], name="oit_check_unique_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry} {self.criterion.order}: {'ผ่าน' if self.met else 'ยังไม่ผ่าน'}"

    def get_additional_data(self) -> dict:
        return {"organisation_id": self.entry.organisation_id}
