"""OIT evidence: an organisation's answer to each OIT item of a year, its evidence and criteria."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q

from ita_portal import limits
from organisations.models import Organisation, OrganisationOwned, Unit


class OitEntry(OrganisationOwned):
    """An organisation's answer to one OIT item of one year: who is responsible, criteria ticks.

    Its evidence is in OitEvidence; readiness is derived from the evidence (reports.oit).
    """

    organisation_path = "organisation_id"

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
    note = models.TextField("หมายเหตุ", blank=True, max_length=limits.SHORT)
    updated_at = models.DateTimeField("แก้ไขล่าสุด", auto_now=True)

    class Meta:
        # The table keeps the name it had in the former `reports` app (moved, not migrated).
        db_table = "reports_oitentry"
        verbose_name = "ข้อ OIT ของหน่วยงาน"
        verbose_name_plural = "ข้อ OIT ของหน่วยงาน"
        ordering = ["organisation", "fiscal_year", "item__order"]
        constraints = [
            limits.length_check("oitentry", "note", limits.SHORT),
            models.UniqueConstraint(fields=["organisation", "item"], name="oit_entry_unique_item"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.fiscal_year} {self.item.code}"


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", "เอกสารของระบบ"
    FILE = "file", "ไฟล์ที่อัปโหลด"
    URL = "url", "ลิงก์เว็บไซต์ของหน่วยงาน"


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", "ยังไม่ได้ตรวจ"
    OK = "ok", "ใช้งานได้"
    BROKEN = "broken", "ใช้งานไม่ได้"


def _suffix(filename: str) -> str:
    """The extension of `filename` (".pdf" alone, as the publication passes it, included)."""
    name = PurePosixPath(filename).name
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return suffix if len(suffix) <= 10 else ""


def oit_file_upload_to(instance: "OitEvidence", filename: str) -> str:
    # Private (never served directly); the public copy is written at publication. The name is
    # random: never the uploaded one, never guessable.
    entry = instance.entry
    return f"oit/{entry.organisation_id}/{entry.fiscal_year}/{uuid.uuid4().hex}{_suffix(filename)}"


def oit_published_upload_to(instance: "OitEvidence", filename: str) -> str:
    # The public URL names the item and the evidence; the stored copy has a random name.
    entry = instance.entry
    return (
        f"published/{entry.organisation.code}/{entry.fiscal_year}/oit/"
        f"{uuid.uuid4().hex}{_suffix(filename)}"
    )


class OitEvidenceQuerySet(models.QuerySet):
    def live(self) -> "OitEvidenceQuerySet":
        """Evidence not withdrawn (public, if published; still the agency's, if not)."""
        return self.filter(withdrawn_at__isnull=True)


class OitEvidence(OrganisationOwned):
    """One piece of evidence for an OIT item: a portal document, an uploaded file or a URL.

    Files go through the memo chain and are frozen (copied, checksummed) when approved; portal
    documents are published by their own memo; URLs are the agency's own pages and are checked by
    the link checker.
    """

    organisation_path = "entry.organisation_id"

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
        "approvals.Memo",
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
    withdraw_reason = models.TextField("เหตุผลที่ถอน", blank=True, max_length=limits.SHORT)
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

    objects = OitEvidenceQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had in the former `reports` app (moved, not migrated).
        db_table = "reports_oitevidence"
        verbose_name = "หลักฐาน OIT"
        verbose_name_plural = "หลักฐาน OIT"
        ordering = ["entry", "created_at", "pk"]
        constraints = [
            limits.length_check("oitevidence", "withdraw_reason", limits.SHORT),
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


class OitCriterionCheck(OrganisationOwned):
    """Staff's tick for one criterion of an OIT item: met or not, with a note."""

    organisation_path = "entry.organisation_id"

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
        # The table keeps the name it had in the former `reports` app (moved, not migrated).
        db_table = "reports_oitcriterioncheck"
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
