"""Frozen, checksummed revisions of published documents (a public URL shows one forever)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from documents.registry import publishable_kind_choices
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
    title = models.CharField("ชื่อเอกสาร", max_length=500)
    memo = models.ForeignKey(
        "approvals.Memo",
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name="บันทึกข้อความที่อนุมัติ",
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

    objects = PublicationQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had in the former `reports` app (moved, not migrated).
        db_table = "reports_publication"
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
