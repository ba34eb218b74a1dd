"""The ITA catalogue as data: a new year is rows, never code.

FiscalYear → Framework (weights, grading rule, source) → Indicator (1–10) → Item (i1, e5, o27);
AnalysisArea groups items for the score-analysis report.
"""

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from ita_portal import limits
from ita_portal.thai import dates as thai
from organisations.models import OrganisationOwned, TimeStamped

MIN_BE_YEAR = thai.FISCAL_YEAR_MIN
MAX_BE_YEAR = thai.FISCAL_YEAR_MAX


class Tool(models.TextChoices):
    IIT = "IIT", "IIT (แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน)"
    EIT = "EIT", "EIT (แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก)"
    OIT = "OIT", "OIT (แบบตรวจการเปิดเผยข้อมูลสาธารณะ)"


# Which indicators belong to which tool, the same in every year seen (2563–2569).
TOOL_INDICATORS = {Tool.IIT: range(1, 6), Tool.EIT: range(6, 9), Tool.OIT: range(9, 11)}
TOOL_ITEM_PREFIX = {Tool.IIT: "i", Tool.EIT: "e", Tool.OIT: "o"}


class FiscalYear(models.Model):
    """ปีงบประมาณ, named by its พ.ศ. year; runs 1 Oct (year-1) – 30 Sep (year)."""

    year = models.PositiveSmallIntegerField(
        "ปีงบประมาณ (พ.ศ.)",
        unique=True,
        validators=[MinValueValidator(MIN_BE_YEAR), MaxValueValidator(MAX_BE_YEAR)],
    )

    class Meta:
        verbose_name = "ปีงบประมาณ"
        verbose_name_plural = "ปีงบประมาณ"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=MIN_BE_YEAR) & Q(year__lte=MAX_BE_YEAR),
                name="fiscal_year_is_buddhist_era",
            )
        ]

    def __str__(self) -> str:
        return f"ปีงบประมาณ พ.ศ. {self.year}"

    @property
    def start(self) -> date:
        return thai.fiscal_year_start(self.year)

    @property
    def end(self) -> date:
        return thai.fiscal_year_end(self.year)


class GradingKind(models.TextChoices):
    BANDS = "bands", "ระดับ AA–F (ถึงปี 2566)"
    LEVELS = "levels", "ระดับผลการประเมิน 5 ระดับ (ตั้งแต่ปี 2567)"


class Framework(TimeStamped):
    """One year's ITA framework, optionally a variant (e.g. "อปท." for local government)."""

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="frameworks", verbose_name="ปีงบประมาณ"
    )
    variant = models.CharField(
        "กลุ่มหน่วยงาน",
        max_length=50,
        blank=True,
        help_text="เว้นว่างสำหรับกรอบทั่วไป หรือระบุ เช่น อปท.",
    )
    name = models.CharField("ชื่อกรอบการประเมิน", max_length=255)
    weight_iit = models.DecimalField("น้ำหนัก IIT (%)", max_digits=5, decimal_places=2)
    weight_eit = models.DecimalField("น้ำหนัก EIT (%)", max_digits=5, decimal_places=2)
    weight_oit = models.DecimalField("น้ำหนัก OIT (%)", max_digits=5, decimal_places=2)
    grading_kind = models.CharField("รูปแบบการจัดระดับ", max_length=10, choices=GradingKind.choices)
    pass_mark = models.DecimalField(
        "คะแนนผ่านเกณฑ์", max_digits=5, decimal_places=2, default=Decimal("85.00")
    )
    source_note = models.TextField(
        "แหล่งที่มาและความเชื่อมั่นของข้อมูล", blank=True, max_length=limits.PARAGRAPH
    )
    # The NACC announces the ITAS calendar each year; admins enter it (no fixture invents it).
    oit_opens_on = models.DateField(
        "เริ่มเปิดรับข้อมูล OIT ในระบบ ITAS",
        null=True,
        blank=True,
        help_text="ช่วงเวลาที่หน่วยงานกรอก URL ของข้อ OIT ในระบบ ITAS (ตามปฏิทินที่ สำนักงาน ป.ป.ช. ประกาศ)",
    )
    oit_deadline = models.DateField(
        "กำหนดส่งข้อมูล OIT ในระบบ ITAS",
        null=True,
        blank=True,
        help_text="วันสุดท้ายที่หน่วยงานกรอก URL ของข้อ OIT ในระบบ ITAS",
    )
    # The NACC publishes each catalogue late: a central admin rolls last year's forward so staff
    # can plan at once; the official workbook then replaces it (items follow their lineage).
    is_provisional = models.BooleanField(
        "ยังไม่ประกาศ",
        default=False,
        help_text="กรอบชั่วคราวที่คัดลอกจากปีก่อน ใช้วางแผนได้จนกว่าสำนักงาน ป.ป.ช. จะประกาศกรอบของปีนี้",
    )

    class Meta:
        verbose_name = "กรอบการประเมิน"
        verbose_name_plural = "กรอบการประเมิน"
        ordering = ["-fiscal_year__year", "variant"]
        constraints = [
            limits.length_check("framework", "source_note", limits.PARAGRAPH),
            models.UniqueConstraint(
                fields=["fiscal_year", "variant"], name="framework_unique_year_variant"
            ),
            models.CheckConstraint(
                condition=Q(weight_iit__gte=0) & Q(weight_eit__gte=0) & Q(weight_oit__gte=0),
                name="framework_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(weight_iit=Decimal("100") - F("weight_eit") - F("weight_oit")),
                name="framework_weights_sum_100",
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=100),
                name="framework_pass_mark_0_100",
            ),
            models.CheckConstraint(
                condition=Q(grading_kind__in=[k.value for k in GradingKind]),
                name="framework_grading_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(oit_opens_on__isnull=True)
                | Q(oit_deadline__isnull=True)
                | Q(oit_opens_on__lte=F("oit_deadline")),
                name="framework_oit_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.variant})" if self.variant else ""
        return f"ITA {self.fiscal_year.year}{suffix}"

    def weight_for(self, tool: str) -> Decimal:
        return {Tool.IIT: self.weight_iit, Tool.EIT: self.weight_eit, Tool.OIT: self.weight_oit}[
            tool
        ]


class GradeBand(models.Model):
    """One rung of the grading rule, checked in order; the first that matches wins.

    AA–F bands use only `min_total`. The five named levels from 2567 also require every
    tool (rescaled to 0–100) to reach `min_each_tool` (e.g. ผ่านดีเยี่ยม: total ≥ 95 and each
    tool ≥ 95).
    """

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="bands", verbose_name="กรอบการประเมิน"
    )
    order = models.PositiveSmallIntegerField("ลำดับ")
    label = models.CharField("ระดับ", max_length=50)
    min_total = models.DecimalField("คะแนนรวมขั้นต่ำ", max_digits=5, decimal_places=2)
    min_each_tool = models.DecimalField(
        "คะแนนขั้นต่ำของทุกเครื่องมือ", max_digits=5, decimal_places=2, null=True, blank=True
    )
    is_pass = models.BooleanField("ผ่านเกณฑ์", default=False)

    class Meta:
        verbose_name = "ระดับผลการประเมิน"
        verbose_name_plural = "ระดับผลการประเมิน"
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "order"], name="band_unique_order"),
            models.UniqueConstraint(fields=["framework", "label"], name="band_unique_label"),
            models.CheckConstraint(
                condition=Q(min_total__gte=0) & Q(min_total__lte=100), name="band_min_total_0_100"
            ),
            models.CheckConstraint(
                condition=Q(min_each_tool__isnull=True)
                | (Q(min_each_tool__gte=0) & Q(min_each_tool__lte=100)),
                name="band_min_each_tool_0_100",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Indicator(models.Model):
    framework = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name="กรอบการประเมิน",
    )
    number = models.PositiveSmallIntegerField(
        "ตัวชี้วัดที่", validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    name = models.CharField("ชื่อตัวชี้วัด", max_length=255)
    tool = models.CharField("เครื่องมือ", max_length=3, choices=Tool.choices)

    class Meta:
        verbose_name = "ตัวชี้วัด"
        verbose_name_plural = "ตัวชี้วัด"
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="indicator_unique_number"),
            models.CheckConstraint(
                condition=(Q(tool=Tool.IIT) & Q(number__gte=1) & Q(number__lte=5))
                | (Q(tool=Tool.EIT) & Q(number__gte=6) & Q(number__lte=8))
                | (Q(tool=Tool.OIT) & Q(number__gte=9) & Q(number__lte=10)),
                name="indicator_number_matches_tool",
            ),
        ]

    def __str__(self) -> str:
        return f"ตัวชี้วัดที่ {self.number} {self.name}"


class Item(models.Model):
    """A question (IIT/EIT) or a disclosure item (OIT), e.g. i1, e5, o27."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="items", verbose_name="กรอบการประเมิน"
    )
    # Some years' sources give OIT items without saying whether they sit under 9 or 10.
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name="ตัวชี้วัด",
    )
    tool = models.CharField("เครื่องมือ", max_length=3, choices=Tool.choices)
    code = models.CharField("รหัสข้อ", max_length=10, help_text="เช่น i1, e5, o27")
    text = models.TextField("ข้อความ", max_length=limits.SHORT)
    order = models.PositiveSmallIntegerField("ลำดับ", default=0)
    source = models.TextField("แหล่งที่มา", blank=True, max_length=limits.SHORT)
    confidence = models.CharField("ความเชื่อมั่น", max_length=255, blank=True)
    is_retired = models.BooleanField(
        "เลิกใช้", default=False, help_text="ข้อที่เลิกใช้จะไม่แสดงในแบบฟอร์มและรายงานใหม่"
    )
    # Lineage: the item(s) of the previous year's framework this one continues (the same
    # requirement renumbered, or several merged). Copying measures, last year's scores and
    # roll-forward follow it, never the code or the text.
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="successors",
        blank=True,
        verbose_name="สืบต่อจากข้อ (ปีก่อน)",
    )
    #: the "ดังนั้น หน่วยงานควร…" the analysis drafts when this item scores low (seed 004 writes
    #: advice per item); central admins edit it; each report's text stays editable before freezing
    low_score_advice = models.TextField(
        "คำแนะนำเมื่อคะแนนต่ำกว่าเกณฑ์",
        blank=True,
        max_length=limits.SHORT,
        help_text="ต่อจากคำว่า “หน่วยงานควร” เช่น กำหนดมาตรการแนวทางการยืมทรัพย์สินของทางราชการ …",
    )
    lineage_note = models.CharField(
        "ที่มาของการสืบต่อ",
        max_length=500,
        blank=True,
        help_text="แหล่งที่มาและความเชื่อมั่น เช่น รายการหัวข้อ ITA ปี 2568 → 2569 ของหน่วยงานหนึ่ง (ข้อมูลทุติยภูมิ)",
    )

    class Meta:
        verbose_name = "ข้อการประเมิน"
        verbose_name_plural = "ข้อการประเมิน"
        ordering = ["framework", "tool", "order", "code"]
        constraints = [
            limits.length_check("item", "text", limits.SHORT),
            limits.length_check("item", "source", limits.SHORT),
            limits.length_check("item", "low_score_advice", limits.SHORT),
            models.UniqueConstraint(fields=["framework", "code"], name="item_unique_code"),
            models.CheckConstraint(condition=~Q(text=""), name="item_text_not_empty"),
            models.CheckConstraint(
                condition=(Q(tool=Tool.IIT) & Q(code__regex=r"^i[1-9][0-9]*$"))
                | (Q(tool=Tool.EIT) & Q(code__regex=r"^e[1-9][0-9]*$"))
                | (Q(tool=Tool.OIT) & Q(code__regex=r"^o[1-9][0-9]*$")),
                name="item_code_matches_tool",
            ),
        ]
        indexes = [models.Index(fields=["framework", "tool", "order"])]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    @property
    def number(self) -> int:
        return int(self.code[1:])


class ItemCriterion(models.Model):
    """One sub-point an assessor checks for an OIT item (องค์ประกอบ / หลักเกณฑ์), as data.

    Only criteria with a source are shipped (fixtures/ita); admins add the rest.
    """

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="criteria", verbose_name="ข้อการประเมิน"
    )
    order = models.PositiveSmallIntegerField("ลำดับ", default=1)
    text = models.TextField("เกณฑ์", max_length=limits.SHORT)
    source = models.TextField("แหล่งที่มา", blank=True, max_length=limits.SHORT)
    confidence = models.CharField("ความเชื่อมั่น", max_length=255, blank=True)

    class Meta:
        verbose_name = "เกณฑ์ของข้อ OIT"
        verbose_name_plural = "เกณฑ์ของข้อ OIT"
        ordering = ["item", "order"]
        constraints = [
            limits.length_check("itemcriterion", "text", limits.SHORT),
            limits.length_check("itemcriterion", "source", limits.SHORT),
            models.UniqueConstraint(fields=["item", "order"], name="criterion_unique_order"),
            models.CheckConstraint(condition=~Q(text=""), name="criterion_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} เกณฑ์ {self.order}: {self.text[:60]}"


class AnalysisArea(models.Model):
    """ประเด็นของการวิเคราะห์ผลการประเมิน: a group of items analysed together."""

    framework = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        related_name="analysis_areas",
        verbose_name="กรอบการประเมิน",
    )
    number = models.PositiveSmallIntegerField("ประเด็นที่", validators=[MinValueValidator(1)])
    name = models.CharField("ชื่อประเด็น", max_length=255)
    items = models.ManyToManyField(Item, related_name="analysis_areas", verbose_name="ข้อการประเมิน")

    class Meta:
        verbose_name = "ประเด็นการวิเคราะห์"
        verbose_name_plural = "ประเด็นการวิเคราะห์"
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="area_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="area_number_positive"),
        ]

    def __str__(self) -> str:
        return f"ประเด็นที่ {self.number} {self.name}"


class Assessment(OrganisationOwned, TimeStamped):
    """One organisation's ITA result for one fiscal year, under that year's framework."""

    organisation_path = "organisation_id"

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name="หน่วยงาน",
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="assessments", verbose_name="ปีงบประมาณ"
    )
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name="กรอบการประเมิน",
    )

    class Meta:
        verbose_name = "ผลการประเมิน"
        verbose_name_plural = "ผลการประเมิน"
        ordering = ["organisation", "-fiscal_year__year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year"], name="assessment_unique_org_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – ITA {self.fiscal_year.year}"


class ScoreKind(models.TextChoices):
    ITEM = "item", "ข้อ"
    INDICATOR = "indicator", "ตัวชี้วัด"
    TOOL = "tool", "เครื่องมือ"
    TOTAL = "total", "คะแนนรวม"


class Score(models.Model):
    """A score as given by the NACC: an item (i1), an indicator (ind4), a tool (IIT) or TOTAL.

    Official figures are stored exactly as imported and never overwritten by computed ones.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name="ผลการประเมิน"
    )
    kind = models.CharField("ประเภท", max_length=10, choices=ScoreKind.choices)
    code = models.CharField("รหัส", max_length=10)
    score = models.DecimalField("คะแนน", max_digits=5, decimal_places=2)
    #: An official indicator, tool or total figure whose items a later import changed without
    #: giving this figure again. Kept as given, but shown as stale and not used for grading
    #: while a computed figure exists (assessments.scoring). A file that gives it clears it.
    stale = models.BooleanField(
        "ไม่เป็นปัจจุบัน",
        default=False,
        db_default=False,  # the import's COPY and upsert write rows without it
        help_text="คะแนนรายข้อถูกแก้ไขโดยไฟล์ที่ไม่มีคะแนนนี้ รอไฟล์ที่มีคะแนนนี้",
    )
    updated_at = models.DateTimeField("แก้ไขล่าสุด", auto_now=True)

    class Meta:
        verbose_name = "คะแนน"
        verbose_name_plural = "คะแนน"
        ordering = ["assessment", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="score_unique_code"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="score_between_0_and_100"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ScoreKind]), name="score_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} = {self.score}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "รอดำเนินการ"
    RUNNING = "running", "กำลังดำเนินการ"
    PREVIEWED = "previewed", "ตรวจสอบแล้ว (ยังไม่บันทึก)"
    DONE = "done", "นำเข้าเรียบร้อย"
    FAILED = "failed", "พบข้อผิดพลาด ไม่ได้บันทึก"


def score_import_upload_to(instance: "ScoreImport", filename: str) -> str:
    return f"score-imports/{instance.pk}.bin"


class ScoreImport(models.Model):
    """A record of every score import: who, when, which file (with checksum), what it did."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="ผู้นำเข้า",
    )
    created_at = models.DateTimeField("เริ่มเมื่อ", auto_now_add=True)
    started_at = models.DateTimeField("เริ่มประมวลผลเมื่อ", null=True, blank=True)
    finished_at = models.DateTimeField("เสร็จเมื่อ", null=True, blank=True)
    file = models.FileField("ไฟล์", upload_to=score_import_upload_to, max_length=255)
    file_name = models.CharField("ชื่อไฟล์", max_length=255)
    file_size = models.PositiveBigIntegerField("ขนาดไฟล์", default=0)
    sha256 = models.CharField("checksum (SHA-256)", max_length=64, db_index=True)
    dry_run = models.BooleanField("ตรวจสอบอย่างเดียว", default=True)
    create_organisations = models.BooleanField("สร้างหน่วยงานที่ยังไม่มี", default=False)
    status = models.CharField(
        "สถานะ", max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    layout = models.CharField("รูปแบบไฟล์", max_length=10, blank=True)
    rows_total = models.PositiveIntegerField("จำนวนแถว", default=0)
    organisations_created = models.PositiveIntegerField("หน่วยงานที่สร้าง", default=0)
    assessments_created = models.PositiveIntegerField("ผลการประเมินที่สร้าง", default=0)
    scores_created = models.PositiveIntegerField("คะแนนใหม่", default=0)
    scores_updated = models.PositiveIntegerField("คะแนนที่แก้ไข", default=0)
    scores_unchanged = models.PositiveIntegerField("คะแนนที่คงเดิม", default=0)
    stale_total_count = models.PositiveIntegerField("คะแนนรวมทางการที่ไม่เป็นปัจจุบัน", default=0)
    stale_totals = models.JSONField(
        "หน่วยงานที่คะแนนรวมทางการไม่เป็นปัจจุบัน (200 รายการแรก)", default=list, blank=True
    )
    error_count = models.PositiveIntegerField("จำนวนข้อผิดพลาด", default=0)
    errors = models.JSONField("ข้อผิดพลาด (200 รายการแรก)", default=list, blank=True)
    seconds = models.FloatField("ใช้เวลา (วินาที)", default=0)

    class Meta:
        verbose_name = "การนำเข้าคะแนน"
        verbose_name_plural = "การนำเข้าคะแนน"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class AreaAnalysis(OrganisationOwned):
    """One organisation's analysis of one ประเด็น in one year: the three texts of seed 004.

    Drafted from the scores once, then the organisation's own words: a draft never overwrites
    texts that exist (see `assessments.analysis`).
    """

    organisation_path = "assessment.organisation_id"

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="area_analyses",
        verbose_name="ผลการประเมิน",
    )
    area = models.ForeignKey(
        AnalysisArea, on_delete=models.PROTECT, related_name="analyses", verbose_name="ประเด็น"
    )
    facts = models.TextField("ข้อเท็จจริงพบว่า", max_length=limits.ANALYSIS)
    therefore = models.TextField("ดังนั้น", max_length=limits.ANALYSIS)
    maintain_develop = models.TextField("การรักษาระดับ / การพัฒนา", max_length=limits.ANALYSIS)
    drafted_at = models.DateTimeField("ร่างจากคะแนนเมื่อ")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="แก้ไขโดย",
    )
    edited_at = models.DateTimeField("แก้ไขเมื่อ", null=True, blank=True)

    class Meta:
        verbose_name = "การวิเคราะห์รายประเด็น"
        verbose_name_plural = "การวิเคราะห์รายประเด็น"
        ordering = ["assessment", "area__number"]
        constraints = [
            limits.length_check("areaanalysis", "facts", limits.ANALYSIS),
            limits.length_check("areaanalysis", "therefore", limits.ANALYSIS),
            limits.length_check("areaanalysis", "maintain_develop", limits.ANALYSIS),
            models.UniqueConstraint(
                fields=["assessment", "area"], name="area_analysis_unique_area"
            ),
            models.CheckConstraint(
                condition=~Q(facts="") & ~Q(therefore="") & ~Q(maintain_develop=""),
                name="area_analysis_texts_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.area}"


# ---------------------------------------------------------------- the survey drive (IIT/EIT)

#: the most responses a count may say (an agency's staff or service users; bounds every input)
MAX_SURVEY_RESPONSES = 100_000
#: where a link pattern puts the agency's code
SURVEY_CODE_PLACEHOLDER = "{code}"
MAX_SURVEY_URL = 500


class SurveySettings(TimeStamped):
    """How agencies reach the NACC's IIT and EIT surveys in one framework's year, and how many
    respondents each needs: data a central admin edits, shipped only where sourced.

    A minimum left empty is unknown (the portal says so and never guesses one).
    """

    framework = models.OneToOneField(
        Framework,
        on_delete=models.CASCADE,
        related_name="survey_settings",
        verbose_name="กรอบการประเมิน",
    )
    iit_link_pattern = models.CharField(
        "รูปแบบลิงก์แบบวัด IIT",
        max_length=MAX_SURVEY_URL,
        blank=True,
        help_text="ใส่ {code} แทนรหัสหน่วยงาน เช่น https://itas.nacc.go.th/go/iit/{code}",
    )
    eit_link_pattern = models.CharField(
        "รูปแบบลิงก์แบบวัด EIT",
        max_length=MAX_SURVEY_URL,
        blank=True,
        help_text="ใส่ {code} แทนรหัสหน่วยงาน เช่น https://itas.nacc.go.th/go/eit/{code}",
    )
    iit_min_respondents = models.PositiveIntegerField(
        "จำนวนผู้ตอบ IIT ขั้นต่ำ",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SURVEY_RESPONSES)],
        help_text="เว้นว่างเมื่อยังไม่ทราบเกณฑ์ (ระบบจะแสดงว่า “ยังไม่ทราบเกณฑ์ขั้นต่ำ”)",
    )
    eit_min_respondents = models.PositiveIntegerField(
        "จำนวนผู้ตอบ EIT ขั้นต่ำ",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SURVEY_RESPONSES)],
        help_text="เว้นว่างเมื่อยังไม่ทราบเกณฑ์ (ระบบจะแสดงว่า “ยังไม่ทราบเกณฑ์ขั้นต่ำ”)",
    )
    opens_on = models.DateField("เปิดให้ตอบแบบวัด IIT/EIT", null=True, blank=True)
    closes_on = models.DateField("ปิดรับคำตอบแบบวัด IIT/EIT", null=True, blank=True)
    source = models.TextField("แหล่งที่มา", blank=True, max_length=limits.SHORT)
    confidence = models.CharField("ความเชื่อมั่น", max_length=255, blank=True)

    class Meta:
        verbose_name = "การตั้งค่าแบบวัด IIT/EIT"
        verbose_name_plural = "การตั้งค่าแบบวัด IIT/EIT"
        ordering = ["-framework__fiscal_year__year", "framework__variant"]
        constraints = [
            limits.length_check("surveysettings", "source", limits.SHORT),
            models.CheckConstraint(
                condition=Q(iit_min_respondents__isnull=True)
                | (
                    Q(iit_min_respondents__gte=1) & Q(iit_min_respondents__lte=MAX_SURVEY_RESPONSES)
                ),
                name="survey_settings_iit_min_bounded",
            ),
            models.CheckConstraint(
                condition=Q(eit_min_respondents__isnull=True)
                | (
                    Q(eit_min_respondents__gte=1) & Q(eit_min_respondents__lte=MAX_SURVEY_RESPONSES)
                ),
                name="survey_settings_eit_min_bounded",
            ),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(opens_on__lte=F("closes_on")),
                name="survey_settings_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"แบบวัด IIT/EIT – {self.framework}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        for name in ("iit_link_pattern", "eit_link_pattern"):
            message = survey_pattern_error(getattr(self, name))
            if message:
                errors[name] = message
        if self.opens_on and self.closes_on and self.opens_on > self.closes_on:
            errors["closes_on"] = "วันปิดรับคำตอบต้องไม่ก่อนวันเปิดให้ตอบ"
        if errors:
            raise ValidationError(errors)

    def link_for(self, tool: str, code: str) -> str:
        """The agency's survey address from this year's pattern ("" without a pattern)."""
        pattern = self.iit_link_pattern if tool == Tool.IIT else self.eit_link_pattern
        return pattern.replace(SURVEY_CODE_PLACEHOLDER, code) if pattern else ""

    def minimum_for(self, tool: str) -> int | None:
        return self.iit_min_respondents if tool == Tool.IIT else self.eit_min_respondents


def survey_pattern_error(pattern: str) -> str:
    """Why a link pattern is unusable, in Thai ("" when it is fine or empty)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    if not pattern:
        return ""
    if SURVEY_CODE_PLACEHOLDER not in pattern:
        return "รูปแบบลิงก์ต้องมี {code} ตรงตำแหน่งรหัสหน่วยงาน"
    try:
        URLValidator(schemes=["https", "http"])(pattern.replace(SURVEY_CODE_PLACEHOLDER, "1234567"))
    except ValidationError:
        return "รูปแบบลิงก์ไม่ใช่ที่อยู่เว็บที่ถูกต้อง (ต้องขึ้นต้นด้วย https:// หรือ http://)"
    return ""


class SurveyDrive(OrganisationOwned, TimeStamped):
    """One agency's IIT/EIT drive in one fiscal year: its own survey links (empty = the year's
    pattern with its code) and the response counts its staff read off ITAS."""

    organisation_path = "organisation_id"

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="survey_drives",
        verbose_name="หน่วยงาน",
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="survey_drives", verbose_name="ปีงบประมาณ"
    )
    iit_url = models.URLField(
        "ลิงก์แบบวัด IIT ของหน่วยงาน",
        max_length=MAX_SURVEY_URL,
        blank=True,
        help_text="เว้นว่างเพื่อใช้ลิงก์ตามรูปแบบของปี",
    )
    eit_url = models.URLField(
        "ลิงก์แบบวัด EIT ของหน่วยงาน",
        max_length=MAX_SURVEY_URL,
        blank=True,
        help_text="เว้นว่างเพื่อใช้ลิงก์ตามรูปแบบของปี",
    )
    iit_responses = models.PositiveIntegerField(
        "จำนวนผู้ตอบ IIT",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_SURVEY_RESPONSES)],
    )
    eit_responses = models.PositiveIntegerField(
        "จำนวนผู้ตอบ EIT",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_SURVEY_RESPONSES)],
    )
    counts_as_of = models.DateField("ข้อมูลจำนวนผู้ตอบ ณ วันที่", null=True, blank=True)
    counts_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="บันทึกจำนวนผู้ตอบโดย",
    )

    class Meta:
        verbose_name = "การชวนตอบแบบวัด IIT/EIT"
        verbose_name_plural = "การชวนตอบแบบวัด IIT/EIT"
        ordering = ["organisation", "-fiscal_year__year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year"], name="survey_drive_unique_org_year"
            ),
            models.CheckConstraint(
                condition=Q(iit_responses__isnull=True)
                | (Q(iit_responses__gte=0) & Q(iit_responses__lte=MAX_SURVEY_RESPONSES)),
                name="survey_drive_iit_responses_bounded",
            ),
            models.CheckConstraint(
                condition=Q(eit_responses__isnull=True)
                | (Q(eit_responses__gte=0) & Q(eit_responses__lte=MAX_SURVEY_RESPONSES)),
                name="survey_drive_eit_responses_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"แบบวัด IIT/EIT – {self.organisation} ปี {self.fiscal_year.year}"
