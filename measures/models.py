"""Integrity measures (มาตรการ), their steps, reporting rounds, progress entries and evidence."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from assessments.models import FiscalYear, Item
from ita_portal import limits
from ita_portal.thai import dates as thai
from organisations.models import Organisation, OrganisationOwned, TimeStamped, Unit


def round_key(fiscal_year: int, start, end) -> str:
    """A round's name in public URLs, from the months of the fiscal year it covers: "round-6"
    for ต.ค.–มี.ค., "round-12" for the whole year, "round-4-6" for ม.ค.–มี.ค. Two rounds of one
    year never share it unless they cover the same months."""
    first = thai.fiscal_year_start(fiscal_year)

    def month(d) -> int:
        return (d.year - first.year) * 12 + d.month - first.month + 1

    start_month, end_month = month(start), month(end)
    return f"round-{end_month}" if start_month == 1 else f"round-{start_month}-{end_month}"


class ReportingRound(OrganisationOwned):
    """รอบการรายงาน, e.g. รอบ 6 เดือน (ต.ค.–มี.ค.) and รอบ 12 เดือน (ต.ค.–ก.ย.)."""

    organisation_path = "organisation_id"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="rounds", verbose_name="หน่วยงาน"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="rounds", verbose_name="ปีงบประมาณ"
    )
    name = models.CharField("ชื่อรอบ", max_length=100)
    start_date = models.DateField("ตั้งแต่วันที่")
    end_date = models.DateField("ถึงวันที่")

    class Meta:
        verbose_name = "รอบการรายงาน"
        verbose_name_plural = "รอบการรายงาน"
        ordering = ["organisation", "fiscal_year", "end_date", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year", "name"], name="round_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="round_start_before_end"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def span(self) -> str:
        return thai.format_month_span(self.start_date, self.end_date)

    @property
    def public_key(self) -> str:
        return round_key(self.fiscal_year.year, self.start_date, self.end_date)


class TimeframeKind(models.TextChoices):
    PERIOD = "period", "ช่วงเวลา"
    DEADLINE = "deadline", "กำหนดแล้วเสร็จ"
    QUARTERS = "quarters", "ไตรมาส"


class Measure(OrganisationOwned, TimeStamped):
    """A measure, project or activity (มาตรการ / โครงการ / กิจกรรม) of one organisation and year."""

    organisation_path = "organisation_id"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="measures", verbose_name="หน่วยงาน"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="measures", verbose_name="ปีงบประมาณ"
    )
    order = models.PositiveSmallIntegerField("ลำดับ", default=0)
    title = models.TextField("มาตรการ / โครงการ / กิจกรรม", max_length=limits.TITLE)
    problem = models.TextField(
        "ประเด็นที่ต้องปรับปรุงแก้ไข / ประเด็นที่ต้องพัฒนา", blank=True, max_length=limits.PARAGRAPH
    )
    items = models.ManyToManyField(
        Item, blank=True, related_name="measures", verbose_name="ข้อการประเมินที่เกี่ยวข้อง"
    )
    goal = models.TextField("เป้าประสงค์", blank=True, max_length=limits.PARAGRAPH)
    responsible_units = models.ManyToManyField(
        Unit, related_name="measures", verbose_name="หน่วยงานรับผิดชอบ"
    )
    monitoring = models.TextField(
        "การรายงานผลและการกำกับติดตาม", blank=True, max_length=limits.PARAGRAPH
    )
    timeframe_kind = models.CharField(
        "รูปแบบระยะเวลา", max_length=10, choices=TimeframeKind.choices, default=TimeframeKind.PERIOD
    )
    start_date = models.DateField("เริ่ม", null=True, blank=True)
    end_date = models.DateField("สิ้นสุด", null=True, blank=True)
    deadline = models.DateField("กำหนดแล้วเสร็จ", null=True, blank=True)
    quarters = models.JSONField("ไตรมาส", default=list, blank=True)
    expected_output = models.TextField(
        "ผลผลิตที่คาดหวัง (output)", blank=True, max_length=limits.PARAGRAPH
    )
    expected_outcome = models.TextField(
        "ผลลัพธ์ที่คาดหวัง (outcome)", blank=True, max_length=limits.PARAGRAPH
    )
    # Copied from last year: the items it was linked to that no item of this year continues
    # ("o11 ข้อมูลสถิติการให้บริการ (ปี 2568)"), shown on the measure until someone edits its items.
    unlinked_items = models.JSONField("ข้อของปีก่อนที่ไม่มีข้อสืบต่อ", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้สร้าง",
    )

    class Meta:
        verbose_name = "มาตรการ"
        verbose_name_plural = "มาตรการ"
        ordering = ["organisation", "fiscal_year", "order", "pk"]
        indexes = [models.Index(fields=["organisation", "fiscal_year", "order"])]
        constraints = [
            limits.length_check("measure", "title", limits.TITLE),
            limits.length_check("measure", "problem", limits.PARAGRAPH),
            limits.length_check("measure", "goal", limits.PARAGRAPH),
            limits.length_check("measure", "monitoring", limits.PARAGRAPH),
            limits.length_check("measure", "expected_output", limits.PARAGRAPH),
            limits.length_check("measure", "expected_outcome", limits.PARAGRAPH),
            models.CheckConstraint(condition=~Q(title=""), name="measure_title_not_empty"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(start_date__lte=F("end_date")),
                name="measure_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(timeframe_kind__in=[k.value for k in TimeframeKind]),
                name="measure_timeframe_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def due_date(self):
        """The date by which the measure should be done, whatever the timeframe kind."""
        if self.timeframe_kind == TimeframeKind.DEADLINE:
            return self.deadline
        if self.timeframe_kind == TimeframeKind.PERIOD:
            return self.end_date
        if self.quarters:
            return thai.fiscal_quarter_range(self.fiscal_year.year, max(self.quarters))[1]
        return None

    def timeframe_text(self, *, thai_digits: bool = False) -> str:
        """As the seeds print it: "ไตรมาส ๒ (ม.ค. – มี.ค. ๖๘)", a date span, or a deadline."""
        digits = thai.maybe_thai_digits
        if self.timeframe_kind == TimeframeKind.QUARTERS and self.quarters:
            parts = []
            for quarter in sorted(self.quarters):
                start, end = thai.fiscal_quarter_range(self.fiscal_year.year, quarter)
                span = thai.format_month_span(start, end, abbreviated=True)
                parts.append(f"ไตรมาส {quarter} ({span})")
            return digits(", ".join(parts), thai_digits)
        if self.timeframe_kind == TimeframeKind.DEADLINE and self.deadline:
            return digits(f"ภายในวันที่ {thai.format_date(self.deadline)}", thai_digits)
        if self.start_date and self.end_date:
            return digits(
                f"{thai.format_date(self.start_date)} – {thai.format_date(self.end_date)}",
                thai_digits,
            )
        return ""


class MeasureStep(OrganisationOwned):
    """ขั้นตอน / วิธีการปฏิบัติ, in order."""

    organisation_path = "measure.organisation_id"

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="steps", verbose_name="มาตรการ"
    )
    order = models.PositiveSmallIntegerField("ลำดับ")
    text = models.TextField("ขั้นตอน / วิธีการปฏิบัติ", max_length=limits.SHORT)

    class Meta:
        verbose_name = "ขั้นตอน"
        verbose_name_plural = "ขั้นตอน"
        ordering = ["measure", "order"]
        constraints = [
            limits.length_check("measurestep", "text", limits.SHORT),
            models.UniqueConstraint(fields=["measure", "order"], name="step_unique_order"),
            models.CheckConstraint(condition=~Q(text=""), name="step_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"


class ProgressStatus(models.TextChoices):
    DONE = "done", "ดำเนินการแล้ว/บรรลุเป้าหมาย"
    IN_PROGRESS = "in_progress", "อยู่ระหว่างดำเนินการ"
    NOT_STARTED = "not_started", "ยังไม่ดำเนินการ"


class ProgressEntry(OrganisationOwned, TimeStamped):
    """ผลการดำเนินการ of one measure in one reporting round."""

    organisation_path = "measure.organisation_id"

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="progress", verbose_name="มาตรการ"
    )
    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name="รอบการรายงาน",
    )
    status = models.CharField(
        "สถานะ", max_length=20, choices=ProgressStatus.choices, default=ProgressStatus.NOT_STARTED
    )
    output = models.TextField("ผลการดำเนินการ (output)", blank=True, max_length=limits.PARAGRAPH)
    outcome = models.TextField("ผลลัพธ์หรือผลสัมฤทธิ์ (outcome)", blank=True, max_length=limits.PARAGRAPH)
    recommendations = models.TextField("ข้อเสนอแนะ", blank=True, max_length=limits.PARAGRAPH)
    reported_on = models.DateField("วันที่รายงาน")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="ผู้รายงาน",
    )

    class Meta:
        verbose_name = "ผลการดำเนินการ"
        verbose_name_plural = "ผลการดำเนินการ"
        ordering = ["measure", "round__end_date"]
        constraints = [
            limits.length_check("progressentry", "output", limits.PARAGRAPH),
            limits.length_check("progressentry", "outcome", limits.PARAGRAPH),
            limits.length_check("progressentry", "recommendations", limits.PARAGRAPH),
            models.UniqueConstraint(fields=["measure", "round"], name="progress_unique_round"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ProgressStatus]),
                name="progress_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} – {self.round}"


class EvidenceKind(models.TextChoices):
    FILE = "file", "ไฟล์"
    LINK = "link", "ลิงก์"


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    # Unguessable name; the extension comes from the detected content type, never the upload.
    organisation_id = instance.progress_entry.measure.organisation_id
    suffix = PurePosixPath(filename).suffix.lower()
    return f"evidence/{organisation_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(OrganisationOwned):
    """หลักฐาน: an uploaded file (checked by content) or a link."""

    organisation_path = "progress_entry.measure.organisation_id"

    progress_entry = models.ForeignKey(
        ProgressEntry,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name="ผลการดำเนินการ",
    )
    kind = models.CharField("ประเภท", max_length=10, choices=EvidenceKind.choices)
    title = models.CharField("ชื่อหลักฐาน", max_length=255)
    file = models.FileField("ไฟล์", upload_to=evidence_upload_to, blank=True, max_length=255)
    original_name = models.CharField("ชื่อไฟล์เดิม", max_length=255, blank=True)
    content_type = models.CharField("ชนิดไฟล์", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("ขนาด (ไบต์)", default=0)
    url = models.URLField("ลิงก์", max_length=1000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="ผู้แนบ",
    )
    created_at = models.DateTimeField("แนบเมื่อ", auto_now_add=True)

    class Meta:
        verbose_name = "หลักฐาน"
        verbose_name_plural = "หลักฐาน"
        ordering = ["progress_entry", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=EvidenceKind.FILE) & ~Q(file="") & Q(url=""))
                | (Q(kind=EvidenceKind.LINK) & ~Q(url="") & Q(file="")),
                name="evidence_file_xor_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title
