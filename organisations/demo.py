"""Demo data for local use: one อบต. with its units and one user per role, two neighbouring
agencies in another district of the province, and a provincial oversight user.

Content follows the real documents in the seeds (an อบต. in นครราชสีมา, its สำนักปลัด and
กอง); people's names are fictional.
"""

import os
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import (
    Membership,
    Organisation,
    OrganisationType,
    OversightScope,
    Role,
    ScopeLevel,
    Unit,
)
from .roles import central_admin_grant
from .services import membership_set

DEMO_ORG_CODE = "6301401"
DEMO_PASSWORD_DEFAULT = "ita-demo-2568"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str | None  # None: central admin, not a member of one organisation
    position: str
    unit: str | None
    prefix: str = ""  # คำนำหน้านาม, as signed under a memo
    province_scope: str = ""  # an oversight user of this province (no membership)


DEMO_UNITS = [
    ("สำนักปลัด", "044-756-001"),
    ("กองคลัง", "044-756-002"),
    ("กองช่าง", "044-756-003"),
    ("กองการศึกษา ศาสนาและวัฒนธรรม", "044-756-004"),
]

# Positions in the office's own form, as signed under a memo (seed 003).
DEMO_USERS = [
    DemoUser(
        "staff", "สมศรี", "ใจดี", Role.STAFF, "นักวิเคราะห์นโยบายและแผนชำนาญการ", "สำนักปลัด", "นางสาว"
    ),
    DemoUser(
        "approver",
        "ประเสริฐ",
        "มั่นคง",
        Role.APPROVER,
        "ปลัดองค์การบริหารส่วนตำบลขามสมบูรณ์",
        None,
        "นาย",
    ),
    DemoUser("orgadmin", "วิไลวรรณ", "รักษ์ดี", Role.ORG_ADMIN, "หัวหน้าสำนักปลัด", "สำนักปลัด", "นาง"),
    DemoUser(
        "mayor",
        "สมชาย",
        "ประเสริฐผล",
        Role.APPROVER,
        "นายกองค์การบริหารส่วนตำบลขามสมบูรณ์",
        None,
        "นาย",
    ),
    # Stands in for the นายก under a recorded order (approvals.demo): never by default.
    DemoUser(
        "deputy",
        "วีระ",
        "ชัยมงคล",
        Role.APPROVER,
        "รองนายกองค์การบริหารส่วนตำบลขามสมบูรณ์",
        None,
        "นาย",
    ),
    DemoUser("central", "ธนพล", "ส่วนกลาง", None, "ผู้ดูแลส่วนกลาง", None),
    DemoUser(
        "province",
        "อรุณี",
        "กำกับดี",
        None,
        "ผู้กำกับดูแล สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดนครราชสีมา",
        None,
        province_scope="นครราชสีมา",
    ),
]

DEMO_PROVINCE = "นครราชสีมา"

# Two more agencies of the province, in another district, for the oversight pages (no users:
# the provincial office follows them). Their names are places of the province; their data is
# made up.
DEMO_NEIGHBOURS = [
    (
        "6301902",
        "เทศบาลตำบลด่านขุนทด",
        OrganisationType.SUBDISTRICT_MUNICIPALITY,
        "ด่านขุนทด",
    ),
    ("6301903", "องค์การบริหารส่วนตำบลห้วยบง", OrganisationType.SAO, "ด่านขุนทด"),
]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEMO_PASSWORD_DEFAULT


@transaction.atomic
def load_demo() -> list[tuple[DemoUser, str]]:
    """Create or refresh the demo organisation and users; return (user, password) pairs."""
    organisation, _ = Organisation.objects.update_or_create(
        code=DEMO_ORG_CODE,
        defaults={
            "name": "องค์การบริหารส่วนตำบลขามสมบูรณ์",
            "type": OrganisationType.SAO,
            "district": "คง",
            "province": "นครราชสีมา",
            "address": "หมู่ที่ 1 ตำบลขามสมบูรณ์ อำเภอคง จังหวัดนครราชสีมา 30260",
            "phone": "044-756-000",
            "website": "",
            "document_prefix": "นม 93501/",
        },
    )
    units = {}
    for order, (name, phone) in enumerate(DEMO_UNITS, start=1):
        units[name], _ = Unit.objects.update_or_create(
            organisation=organisation, name=name, defaults={"phone": phone, "order": order}
        )

    password = demo_password()
    created = []
    User = get_user_model()
    for spec in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=spec.username)
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.email = f"{spec.username}@example.invalid"
        user.is_active = True
        user.is_staff = False  # the central admin's door is opened by central_admin_grant
        user.set_password(password)
        user.save()
        if spec.province_scope:
            OversightScope.objects.get_or_create(
                user=user, level=ScopeLevel.PROVINCE, province=spec.province_scope, district=""
            )
            Membership.objects.filter(user=user).delete()
        elif spec.role is None:
            central_admin_grant(user)
            Membership.objects.filter(user=user).delete()
        else:
            membership_set(
                user=user,
                organisation=organisation,
                role=spec.role,
                position_title=spec.position,
                unit=units.get(spec.unit) if spec.unit else None,
                name_prefix=spec.prefix,
            )
        created.append((spec, password))
    for code, name, org_type, district in DEMO_NEIGHBOURS:
        Organisation.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "type": org_type,
                "district": district,
                "province": DEMO_PROVINCE,
                "address": f"อำเภอ{district} จังหวัด{DEMO_PROVINCE}",
            },
        )
    return created
