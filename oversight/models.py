"""One row per agency and fiscal year: where its ITA year stands, for the oversight dashboard.

The row is a summary kept by `services.agency_status_refresh` (on the queue after each change to
the agency's measures, reports, memos, publications, OIT evidence or scores, and nightly for
everyone), so the dashboard of 8,300 agencies sorts and filters in the database instead of
computing every agency's year on each request.
"""

from django.db import models
from django.db.models import Q

from organisations.models import Organisation, OrganisationOwned


class FrameworkState(models.TextChoices):
    NONE = "none", "ยังไม่มีกรอบ"
    PROVISIONAL = "provisional", "กรอบชั่วคราว"
    OFFICIAL = "official", "กรอบที่ประกาศแล้ว"


class AgencyStatus(OrganisationOwned):
    organisation_path = "organisation_id"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="statuses", verbose_name="หน่วยงาน"
    )
    year = models.PositiveSmallIntegerField("ปีงบประมาณ")
    framework_state = models.CharField(
        "กรอบการประเมิน",
        max_length=12,
        choices=FrameworkState.choices,
        default=FrameworkState.NONE,
    )
    measures_planned = models.PositiveIntegerField("มาตรการ", default=0)
    round6_reported = models.PositiveIntegerField("รายงานรอบ 6 เดือน", default=0)
    round6_share = models.PositiveSmallIntegerField("รายงานรอบ 6 เดือน (%)", default=0)
    round12_reported = models.PositiveIntegerField("รายงานรอบ 12 เดือน", default=0)
    round12_share = models.PositiveSmallIntegerField("รายงานรอบ 12 เดือน (%)", default=0)
    #: {kind: "YYYY-MM-DD"} of the live publications of the year, the latest date per kind.
    published = models.JSONField("เอกสารที่เผยแพร่", default=dict, blank=True)
    published_count = models.PositiveIntegerField("จำนวนประเภทเอกสารที่เผยแพร่", default=0)
    oit_items = models.PositiveIntegerField("ข้อ OIT", default=0)
    oit_published = models.PositiveIntegerField("ข้อ OIT ที่เผยแพร่แล้ว", default=0)
    oit_share = models.PositiveSmallIntegerField("ความพร้อม OIT (%)", default=0)
    oit_broken = models.PositiveIntegerField("ลิงก์ OIT ที่ใช้งานไม่ได้", default=0)
    #: The dates since which each memo in review has waited at its current step (oldest first).
    memos_waiting = models.JSONField("บันทึกข้อความที่รอพิจารณา", default=list, blank=True)
    oldest_waiting_since = models.DateField("รอพิจารณานานที่สุดตั้งแต่", null=True, blank=True)
    score_year = models.PositiveSmallIntegerField("ปีของผลการประเมินล่าสุด", null=True, blank=True)
    total = models.DecimalField(
        "คะแนน ITA ล่าสุด", max_digits=5, decimal_places=2, null=True, blank=True
    )
    level = models.CharField("ระดับ", max_length=50, blank=True)
    total_change = models.DecimalField(
        "เปลี่ยนจากปีก่อน", max_digits=6, decimal_places=2, null=True, blank=True
    )
    iit_responses = models.PositiveIntegerField("ผู้ตอบ IIT", null=True, blank=True)
    iit_minimum = models.PositiveIntegerField("ผู้ตอบ IIT ขั้นต่ำ", null=True, blank=True)
    eit_responses = models.PositiveIntegerField("ผู้ตอบ EIT", null=True, blank=True)
    eit_minimum = models.PositiveIntegerField("ผู้ตอบ EIT ขั้นต่ำ", null=True, blank=True)
    refreshed_at = models.DateTimeField("ปรับปรุงเมื่อ")

    class Meta:
        verbose_name = "สถานะของหน่วยงาน"
        verbose_name_plural = "สถานะของหน่วยงาน"
        ordering = ["year", "organisation"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="status_unique_org_year"),
            models.CheckConstraint(
                condition=Q(round6_share__lte=100)
                & Q(round12_share__lte=100)
                & Q(oit_share__lte=100),
                name="status_shares_0_100",
            ),
        ]
        indexes = [models.Index(fields=["year", "level"], name="status_year_level")]

    def __str__(self) -> str:
        return f"{self.organisation_id} – {self.year}"
