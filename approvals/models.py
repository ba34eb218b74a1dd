"""Memos (บันทึกข้อความ), their sign-off chain (chain templates, approval steps) and document numbers."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ita_portal import limits
from ita_portal.thai import dates as thai
from organisations.models import Organisation, OrganisationOwned, TimeStamped, Unit


class DocumentNumber(models.Model):
    """The last number issued per organisation, unit and fiscal year (restarts each year)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField("ปีงบประมาณ")
    last_number = models.PositiveIntegerField("เลขล่าสุด", default=0)

    class Meta:
        # The table keeps the name it had in the former `reports` app (moved, not migrated).
        db_table = "reports_documentnumber"
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


class ResubmitMode(models.TextChoices):
    RESUME = "resume", "เสนอต่อที่ขั้นที่ส่งกลับ (คงผลการพิจารณาของขั้นก่อนหน้า)"
    RESTART = "restart", "เริ่มเสนอใหม่ตั้งแต่ขั้นแรก"


class ChainTemplate(OrganisationOwned):
    """An ordered list of signing positions, e.g. ผู้รายงาน → หัวหน้าสำนักปลัด → ปลัด → นายก."""

    organisation_path = "organisation_id"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="chain_templates",
        verbose_name="หน่วยงาน",
    )
    name = models.CharField("ชื่อลำดับการเสนอ", max_length=200)
    is_default = models.BooleanField("ใช้เป็นค่าเริ่มต้น", default=False)
    resubmit = models.CharField(
        "เมื่อเสนอใหม่หลังส่งกลับแก้ไข",
        max_length=10,
        choices=ResubmitMode.choices,
        default=ResubmitMode.RESUME,
    )

    class Meta:
        # The table keeps the name it had in the former `reports` app (moved, not migrated).
        db_table = "reports_chaintemplate"
        verbose_name = "ลำดับการเสนอ"
        verbose_name_plural = "ลำดับการเสนอ"
        ordering = ["organisation", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="chain_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ChainTemplateStep(OrganisationOwned):
    organisation_path = "template.organisation_id"

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
        # The table keeps the name it had in the former `reports` app (moved, not migrated).
        db_table = "reports_chaintemplatestep"
        verbose_name = "ขั้นของลำดับการเสนอ"
        verbose_name_plural = "ขั้นของลำดับการเสนอ"
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="chainstep_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.position_title}"


class MemoStatus(models.TextChoices):
    DRAFT = "draft", "ร่าง"
    IN_REVIEW = "in_review", "อยู่ระหว่างเสนอ"
    RETURNED = "returned", "ส่งกลับแก้ไข"
    APPROVED = "approved", "อนุมัติแล้ว"


class PublicationState(models.TextChoices):
    """Where an approved memo's publication is: the final approval records the decision and
    returns; a task renders and stores the files (the public URLs go live when it is done)."""

    NONE = "", "-"
    PENDING = "pending", "กำลังเผยแพร่"
    PUBLISHED = "published", "เผยแพร่แล้ว"
    FAILED = "failed", "เผยแพร่ไม่สำเร็จ"


class Memo(OrganisationOwned, TimeStamped):
    """บันทึกข้อความ: ส่วนราชการ, ที่, วันที่, เรื่อง, เรียน; เรื่องเดิม / ข้อเท็จจริง / ข้อพิจารณา."""

    organisation_path = "organisation_id"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memos", verbose_name="หน่วยงาน"
    )
    fiscal_year = models.PositiveSmallIntegerField("ปีงบประมาณ")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memos", verbose_name="ส่วนราชการ"
    )
    number = models.CharField("ที่", max_length=100, blank=True)
    # The fiscal year of the register the number comes from: the year the memo was first
    # submitted (its issue date), not the year of the documents it carries.
    number_year = models.PositiveSmallIntegerField("ปีของทะเบียนเลขที่", null=True, blank=True)
    date = models.DateField("วันที่", null=True, blank=True)
    subject = models.CharField("เรื่อง", max_length=500)
    to = models.CharField("เรียน", max_length=255)
    background = models.TextField("เรื่องเดิม", max_length=limits.PARAGRAPH)
    facts = models.TextField("ข้อเท็จจริง", max_length=limits.PARAGRAPH)
    proposal = models.TextField("ข้อพิจารณา/ข้อเสนอ", max_length=limits.PARAGRAPH)
    publish_memo = models.BooleanField("เผยแพร่บันทึกข้อความนี้คู่กับเอกสาร", default=True)
    status = models.CharField(
        "สถานะ", max_length=10, choices=MemoStatus.choices, default=MemoStatus.DRAFT
    )
    cycle = models.PositiveSmallIntegerField("รอบการเสนอ", default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="ผู้จัดทำ"
    )
    # The chain of the latest submission (a resubmission resumes only on the same chain).
    chain_template = models.ForeignKey(
        ChainTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ลำดับการเสนอ",
    )
    publication_state = models.CharField(
        "การเผยแพร่",
        max_length=10,
        choices=PublicationState.choices,
        default=PublicationState.NONE,
        blank=True,
    )
    #: when the latest publication run was asked for (the final approval, or a retry)
    publication_requested_at = models.DateTimeField("ขอเผยแพร่เมื่อ", null=True, blank=True)
    #: runs of the latest request so far (each failed run is retried until PUBLISH_ATTEMPTS)
    publication_attempts = models.PositiveSmallIntegerField("จำนวนครั้งที่ลองเผยแพร่", default=0)
    publication_error = models.CharField("สาเหตุที่เผยแพร่ไม่สำเร็จ", max_length=limits.TITLE, blank=True)

    class Meta:
        # The table keeps the name it had in the former `reports` app (moved, not migrated).
        db_table = "reports_memo"
        verbose_name = "บันทึกข้อความ"
        verbose_name_plural = "บันทึกข้อความ"
        ordering = ["-created_at"]
        constraints = [
            limits.length_check("memo", "background", limits.PARAGRAPH),
            limits.length_check("memo", "facts", limits.PARAGRAPH),
            limits.length_check("memo", "proposal", limits.PARAGRAPH),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in MemoStatus]), name="memo_status_valid"
            ),
            # Only an approved memo is published, and every approved memo has a publication state.
            models.CheckConstraint(
                condition=(Q(status=MemoStatus.APPROVED) & ~Q(publication_state=""))
                | (~Q(status=MemoStatus.APPROVED) & Q(publication_state="")),
                name="memo_publication_state_valid",
            ),
            # One register per organisation and fiscal year of issue: a number is given once in
            # it, whatever year the memo's documents belong to (นม 93501/1 of 2568 and of 2570
            # are two memos; two memos issued in 2570 never share one).
            models.UniqueConstraint(
                fields=["organisation", "number_year", "number"],
                condition=~Q(number=""),
                name="memo_unique_number_per_register",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class MemoAttachment(OrganisationOwned):
    """A document the memo asks to publish: a kind, a year and its rendering options."""

    organisation_path = "memo.organisation_id"

    memo = models.ForeignKey(
        Memo, on_delete=models.CASCADE, related_name="attachments", verbose_name="บันทึกข้อความ"
    )
    kind = models.CharField("ประเภทเอกสาร", max_length=50)
    fiscal_year = models.PositiveSmallIntegerField("ปีงบประมาณ")
    options = models.JSONField("ตัวเลือก", default=dict, blank=True)
    title = models.CharField("ชื่อเอกสาร", max_length=500)

    class Meta:
        # The table keeps the name it had in the former `reports` app (moved, not migrated).
        db_table = "reports_memoattachment"
        verbose_name = "เอกสารแนบ"
        verbose_name_plural = "เอกสารแนบ"
        ordering = ["memo", "pk"]

    def __str__(self) -> str:
        return self.title


class DelegationKind(models.TextChoices):
    ACTING = "acting", "รักษาราชการแทน"
    ON_BEHALF = "on_behalf", "ปฏิบัติราชการแทน"


class DelegationQuerySet(models.QuerySet):
    def in_force(self, on):
        """Delegations that authorise their delegate on the day `on`."""
        return self.filter(starts_on__lte=on, ends_on__gte=on, cancelled_at__isnull=True)


class Delegation(OrganisationOwned, TimeStamped):
    """A recorded stand-in: `delegate` decides `delegator`'s memo steps between two dates,
    under an order (คำสั่ง) with its number and date. Nobody else stands in for anyone."""

    organisation_path = "organisation_id"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="delegations", verbose_name="หน่วยงาน"
    )
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="ผู้ดำรงตำแหน่ง (ผู้ที่ถูกแทน)",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="ผู้ปฏิบัติหน้าที่แทน",
    )
    kind = models.CharField(
        "ลักษณะการแทน", max_length=10, choices=DelegationKind.choices, default=DelegationKind.ACTING
    )
    starts_on = models.DateField("ตั้งแต่วันที่")
    ends_on = models.DateField("ถึงวันที่")
    order_number = models.CharField("คำสั่งเลขที่", max_length=100)
    order_date = models.DateField("คำสั่งลงวันที่")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="ผู้บันทึก"
    )
    cancelled_at = models.DateTimeField("ยกเลิกเมื่อ", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ผู้ยกเลิก",
    )
    # Set once the delegate has been told that the delegation is in force (sent once).
    notified_at = models.DateTimeField("แจ้งผู้ปฏิบัติหน้าที่แทนเมื่อ", null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = "การมอบหมายให้ปฏิบัติหน้าที่แทน"
        verbose_name_plural = "การมอบหมายให้ปฏิบัติหน้าที่แทน"
        ordering = ["organisation", "-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="delegation_start_before_end"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")), name="delegation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in DelegationKind]),
                name="delegation_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["delegate", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        def name(user) -> str:
            return user.get_full_name() or user.get_username()

        return f"{name(self.delegate)} {self.get_kind_display()} {name(self.delegator)}"

    @property
    def order_text(self) -> str:
        """ "ตามคำสั่ง… ที่ 12/2569 ลงวันที่ 1 ธันวาคม 2569", as the signature prints it."""
        return (
            f"ตามคำสั่ง{self.organisation.name} ที่ {self.order_number} "
            f"ลงวันที่ {thai.format_date(self.order_date)}"
        )


class Decision(models.TextChoices):
    PENDING = "pending", "รอพิจารณา"
    APPROVED = "approved", "เห็นชอบ/อนุมัติ"
    ACKNOWLEDGED = "acknowledged", "ทราบ"
    RETURNED = "returned", "ส่งกลับแก้ไข"


class ApprovalStep(OrganisationOwned):
    """One signer of one submission (cycle) of a memo, copied from the chain template."""

    organisation_path = "memo.organisation_id"

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
        verbose_name="ผู้ปฏิบัติหน้าที่แทน (ตามคำสั่ง)",
    )
    # The delegation under which `acted_by` decided for the assignee (none: the assignee did).
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steps",
        verbose_name="ตามคำสั่งให้ปฏิบัติหน้าที่แทน",
    )
    decision = models.CharField(
        "ผลการพิจารณา", max_length=15, choices=Decision.choices, default=Decision.PENDING
    )
    comment = models.TextField("ความเห็น", blank=True, max_length=limits.SHORT)
    acted_at = models.DateTimeField("เมื่อ", null=True, blank=True)
    # A decision kept from the previous submission (the chain resumed at the returning step).
    carried = models.BooleanField("คงผลจากการเสนอครั้งก่อน", default=False)

    class Meta:
        # The table keeps the name it had in the former `reports` app (moved, not migrated).
        db_table = "reports_approvalstep"
        verbose_name = "ผู้ลงนาม"
        verbose_name_plural = "ผู้ลงนาม"
        ordering = ["memo", "cycle", "order"]
        constraints = [
            limits.length_check("approvalstep", "comment", limits.SHORT),
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

    @property
    def decision_label(self) -> str:
        if self.decision == Decision.APPROVED:
            return "อนุมัติ" if self.is_final else "เห็นชอบ"
        return self.get_decision_display()
