"""Organisation (หน่วยงาน), Unit (ส่วนราชการ/กอง/สำนัก) and Membership with its role."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from ita_portal import limits


class TimeStamped(models.Model):
    """When a row was created and last changed (the public pages' Last-Modified reads these)."""

    created_at = models.DateTimeField("สร้างเมื่อ", auto_now_add=True)
    updated_at = models.DateTimeField("แก้ไขล่าสุด", auto_now=True)

    class Meta:
        abstract = True


class OrganisationOwned(models.Model):
    """A row that belongs to one organisation: its audit entries say which one.

    django-auditlog stores `get_additional_data()` with every entry, so an org admin's audit
    trail is one filtered query. `organisation_path` is the attribute path from the row to its
    organisation's id.
    """

    organisation_path = "organisation_id"

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict:
        value = self
        for name in self.organisation_path.split("."):
            value = getattr(value, name, None)
            if value is None:
                break
        return {"organisation_id": value}


class OrganisationType(models.TextChoices):
    SAO = "sao", "องค์การบริหารส่วนตำบล (อบต.)"
    SUBDISTRICT_MUNICIPALITY = "tambon", "เทศบาลตำบล"
    TOWN_MUNICIPALITY = "mueang", "เทศบาลเมือง"
    CITY_MUNICIPALITY = "nakhon", "เทศบาลนคร"
    PAO = "pao", "องค์การบริหารส่วนจังหวัด (อบจ.)"
    OTHER = "other", "อื่น ๆ"


code_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z_-]*$",
    "รหัสหน่วยงานใช้ได้เฉพาะตัวเลข ตัวอักษรอังกฤษ ขีด (-) และขีดล่าง (_)",
)


class Organisation(OrganisationOwned, TimeStamped):
    organisation_path = "pk"

    name = models.CharField("ชื่อหน่วยงาน", max_length=255)
    type = models.CharField(
        "ประเภท", max_length=10, choices=OrganisationType.choices, default=OrganisationType.SAO
    )
    # The agency code used by score files and in public URLs.
    code = models.CharField("รหัสหน่วยงาน", max_length=32, unique=True, validators=[code_validator])
    district = models.CharField("อำเภอ", max_length=100, blank=True)
    province = models.CharField("จังหวัด", max_length=100, blank=True, db_index=True)
    address = models.TextField("ที่อยู่", blank=True, max_length=limits.TITLE)
    phone = models.CharField("โทรศัพท์", max_length=50, blank=True)
    website = models.URLField("เว็บไซต์", blank=True)
    document_prefix = models.CharField(
        "เลขที่หนังสือ (ส่วนหน้า)",
        max_length=50,
        blank=True,
        help_text="เช่น นม 93501/ ระบบจะต่อเลขลำดับของแต่ละส่วนราชการ ซึ่งเริ่มใหม่ทุกปีงบประมาณ",
    )
    is_active = models.BooleanField("ใช้งาน", default=True)

    class Meta:
        verbose_name = "หน่วยงาน"
        verbose_name_plural = "หน่วยงาน"
        ordering = ["name"]
        constraints = [
            limits.length_check("organisation", "address", limits.TITLE),
            models.CheckConstraint(condition=~Q(code=""), name="organisation_code_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="organisation_name_not_empty"),
        ]
        permissions = [
            ("act_as_central_admin", "เป็นผู้ดูแลส่วนกลาง (นำเข้าคะแนนได้หลายหน่วยงาน)"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def location(self) -> str:
        parts = []
        if self.district:
            parts.append(f"อำเภอ{self.district}")
        if self.province:
            parts.append(f"จังหวัด{self.province}")
        return " ".join(parts)


class Unit(OrganisationOwned):
    """ส่วนราชการ / กอง / สำนัก inside an organisation, e.g. สำนักปลัด."""

    organisation_path = "organisation_id"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="units", verbose_name="หน่วยงาน"
    )
    name = models.CharField("ชื่อส่วนราชการ", max_length=255)
    phone = models.CharField("โทรศัพท์", max_length=50, blank=True)
    order = models.PositiveSmallIntegerField("ลำดับ", default=0)

    class Meta:
        verbose_name = "ส่วนราชการ"
        verbose_name_plural = "ส่วนราชการ"
        ordering = ["organisation", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name"),
            models.CheckConstraint(condition=~Q(name=""), name="unit_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    STAFF = "staff", "เจ้าหน้าที่"
    APPROVER = "approver", "ผู้บริหาร (ผู้อนุมัติ)"
    ORG_ADMIN = "org_admin", "ผู้ดูแลหน่วยงาน"


class Membership(OrganisationOwned):
    organisation_path = "organisation_id"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="ผู้ใช้",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name="หน่วยงาน"
    )
    role = models.CharField("บทบาท", max_length=20, choices=Role.choices, default=Role.STAFF)
    #: คำนำหน้านาม as the person signs in this organisation (นาย, นาง, นางสาว, ว่าที่ร้อยตรี…)
    name_prefix = models.CharField(
        "คำนำหน้านาม", max_length=50, blank=True, help_text="เช่น นาย นาง นางสาว ว่าที่ร้อยตรี"
    )
    position_title = models.CharField(
        "ตำแหน่ง",
        max_length=255,
        blank=True,
        help_text="ตามที่ลงนามในหนังสือราชการ เช่น ปลัดองค์การบริหารส่วนตำบลขามสมบูรณ์",
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="สังกัด",
    )
    is_active = models.BooleanField("ใช้งาน", default=True)
    created_at = models.DateTimeField("สร้างเมื่อ", auto_now_add=True)

    class Meta:
        verbose_name = "สมาชิก"
        verbose_name_plural = "สมาชิก"
        ordering = ["organisation", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_org"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        person = self.user.get_full_name() or self.user.get_username()
        return f"{person} – {self.organisation} ({self.get_role_display()})"

    @property
    def formal_name(self) -> str:
        """The name as signed under a document: "นายณรงค์ พลล้ำ" (the prefix is written
        without a space, as Thai official documents do)."""
        return formal_name(self.user, self.name_prefix)


def formal_name(user, prefix: str = "") -> str:
    name = user.get_full_name() or user.get_username()
    return f"{prefix}{name}" if prefix else name


class ScopeLevel(models.TextChoices):
    NATIONAL = "national", "ทั้งประเทศ"
    PROVINCE = "province", "จังหวัด"
    DISTRICT = "district", "อำเภอ"


class OversightScope(models.Model):
    """ผู้ดูแลระดับจังหวัด/อำเภอ: the organisations a user oversees (reads, imports scores for and
    exports), by province, by district of a province, or the whole country. A user may hold
    several. Central admins (organisations.act_as_central_admin) oversee the whole country
    without a row here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oversight_scopes",
        verbose_name="ผู้ใช้",
    )
    level = models.CharField("ระดับ", max_length=10, choices=ScopeLevel.choices)
    province = models.CharField("จังหวัด", max_length=100, blank=True)
    district = models.CharField("อำเภอ", max_length=100, blank=True)
    granted_at = models.DateTimeField("ให้สิทธิ์เมื่อ", auto_now_add=True)

    class Meta:
        verbose_name = "ขอบเขตการกำกับดูแล"
        verbose_name_plural = "ขอบเขตการกำกับดูแล"
        ordering = ["user", "level", "province", "district"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "level", "province", "district"], name="scope_unique"
            ),
            models.CheckConstraint(
                condition=(Q(level="national") & Q(province="") & Q(district=""))
                | (Q(level="province") & ~Q(province="") & Q(district=""))
                | (Q(level="district") & ~Q(province="") & ~Q(district="")),
                name="scope_level_matches_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.label}"

    @property
    def label(self) -> str:
        if self.level == ScopeLevel.NATIONAL:
            return "ทั้งประเทศ"
        if self.level == ScopeLevel.PROVINCE:
            return f"จังหวัด{self.province}"
        return f"อำเภอ{self.district} จังหวัด{self.province}"

    def covers(self, organisation: Organisation) -> bool:
        if self.level == ScopeLevel.NATIONAL:
            return True
        if organisation.province != self.province:
            return False
        return self.level == ScopeLevel.PROVINCE or organisation.district == self.district

    def as_q(self, prefix: str = "") -> Q:
        if self.level == ScopeLevel.NATIONAL:
            return Q()
        q = Q(**{f"{prefix}province": self.province})
        if self.level == ScopeLevel.DISTRICT:
            q &= Q(**{f"{prefix}district": self.district})
        return q
