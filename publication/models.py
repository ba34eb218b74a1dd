"""Frozen, checksummed revisions of published documents (a public URL shows one forever)."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q

from documents.registry import publishable_kind_choices
from ita_portal import limits
from organisations.models import Organisation, OrganisationOwned


def publication_upload_to(instance: "Publication", filename: str) -> str:
    return (
        f"published/{instance.organisation.code}/{instance.fiscal_year}/"
        f"{instance.kind}-r{instance.revision}{filename[filename.rfind('.') :]}"
    )


class PublicationQuerySet(models.QuerySet):
    def live(self) -> "PublicationQuerySet":
        """Revisions the public may see: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class Publication(OrganisationOwned):
    """A frozen revision of a document: HTML and PDF rendered once, stored, checksummed."""

    organisation_path = "organisation_id"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="publications", verbose_name="หน่วยงาน"
    )
    fiscal_year = models.PositiveSmallIntegerField("ปีงบประมาณ")
    # Every kind the documents registry marks publishable (filled when the apps are ready).
    kind = models.CharField("ประเภทเอกสาร", max_length=50, choices=publishable_kind_choices)
    revision = models.PositiveSmallIntegerField("ฉบับที่")
    #: which of the kind's documents this is, e.g. "round-6" (a report per round; "" for a
    #: kind's only document): each variant has its own latest URL /p/<code>/<year>/<kind>/<variant>/
    variant = models.CharField("รอบ/ฉบับย่อย", max_length=20, blank=True, default="")
    variant_label = models.CharField("ชื่อรอบ", max_length=100, blank=True, default="")
    title = models.CharField("ชื่อเอกสาร", max_length=500)
    memo = models.ForeignKey(
        "approvals.Memo",
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name="บันทึกข้อความที่อนุมัติ",
    )
    html = models.FileField("HTML", upload_to=publication_upload_to, max_length=255)
    pdf = models.FileField("PDF", upload_to=publication_upload_to, max_length=255)
    #: the same document as an editable Word file, marked as a copy of the approved one (written
    #: from the frozen HTML; revisions published before Word files existed get it on first request)
    docx = models.FileField("Word", upload_to=publication_upload_to, max_length=255, blank=True)
    html_sha256 = models.CharField("SHA-256 ของ HTML", max_length=64)
    pdf_sha256 = models.CharField("SHA-256 ของ PDF", max_length=64)
    docx_sha256 = models.CharField("SHA-256 ของ Word", max_length=64, blank=True)
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
    withdraw_reason = models.TextField("เหตุผลที่ถอน", blank=True, max_length=limits.SHORT)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had in the former `reports` app (moved, not migrated).
        db_table = "reports_publication"
        verbose_name = "เอกสารที่เผยแพร่"
        verbose_name_plural = "เอกสารที่เผยแพร่"
        ordering = ["organisation", "-fiscal_year", "kind", "-revision"]
        constraints = [
            limits.length_check("publication", "withdraw_reason", limits.SHORT),
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


def published_file_upload_to(instance: "PublishedFile", filename: str) -> str:
    # Unguessable: a published file is reachable only through its publication's URL.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"published/files/{uuid.uuid4().hex}{suffix}"


class PublishedFileKind(models.TextChoices):
    FILE = "file", "ไฟล์"
    LINK = "link", "ลิงก์"


class PublishedFile(models.Model):
    """Evidence frozen with a publication: a checksummed copy of a file (served at the
    publication's permanent URL), or an external link as it was. A later edit or deletion of the
    evidence changes nothing here."""

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="files", verbose_name="เอกสารที่เผยแพร่"
    )
    number = models.PositiveSmallIntegerField("ลำดับ")
    kind = models.CharField("ประเภท", max_length=10, choices=PublishedFileKind.choices)
    title = models.CharField("ชื่อหลักฐาน", max_length=255)
    #: where the evidence belongs in the document, e.g. the measure's title
    context = models.CharField("ประกอบ", max_length=500, blank=True)
    url = models.URLField("ลิงก์", max_length=1000, blank=True)
    file = models.FileField("ไฟล์", upload_to=published_file_upload_to, blank=True, max_length=255)
    original_name = models.CharField("ชื่อไฟล์เดิม", max_length=255, blank=True)
    content_type = models.CharField("ชนิดไฟล์", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("ขนาด (ไบต์)", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)

    class Meta:
        verbose_name = "หลักฐานที่เผยแพร่พร้อมเอกสาร"
        verbose_name_plural = "หลักฐานที่เผยแพร่พร้อมเอกสาร"
        ordering = ["publication", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="published_file_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in PublishedFileKind]),
                name="published_file_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title
