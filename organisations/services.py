"""Writes for organisations and memberships."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Membership, Organisation, OversightScope, Role, ScopeLevel, Unit


@transaction.atomic
def membership_set(
    *,
    user,
    organisation: Organisation,
    role: str,
    position_title: str = "",
    unit: Unit | None = None,
    name_prefix: str = "",
) -> Membership:
    """Give `user` a role in `organisation` (create or update)."""
    if role not in Role.values:
        raise ValidationError({"role": f"บทบาทไม่ถูกต้อง: {role}"})
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError({"unit": "ส่วนราชการต้องอยู่ในหน่วยงานเดียวกัน"})
    membership, _ = Membership.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={
            "role": role,
            "position_title": position_title,
            "name_prefix": name_prefix.strip(),
            "unit": unit,
            "is_active": True,
        },
    )
    return membership


def _last_admin_guard(membership: Membership, *, role: str, is_active: bool) -> None:
    """An organisation keeps at least one active org admin (else nobody can manage it)."""
    leaving = membership.role == Role.ORG_ADMIN and membership.is_active
    if leaving and (role != Role.ORG_ADMIN or not is_active):
        others = (
            Membership.objects.filter(
                organisation_id=membership.organisation_id, role=Role.ORG_ADMIN, is_active=True
            )
            .exclude(pk=membership.pk)
            .exists()
        )
        if not others:
            raise ValidationError(
                {"role": "หน่วยงานต้องมีผู้ดูแลหน่วยงานที่ใช้งานอยู่อย่างน้อย 1 คน กรุณาแต่งตั้งผู้อื่นก่อน"}
            )


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    role: str,
    position_title: str,
    unit: Unit | None,
    is_active: bool,
    name_prefix: str = "",
) -> Membership:
    """Change a member's role, position, unit or suspension (in the audit trail)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Role.values:
        raise ValidationError({"role": f"บทบาทไม่ถูกต้อง: {role}"})
    if unit is not None and unit.organisation_id != membership.organisation_id:
        raise ValidationError({"unit": "ส่วนราชการต้องอยู่ในหน่วยงานเดียวกัน"})
    _last_admin_guard(membership, role=role, is_active=is_active)
    membership.role, membership.position_title = role, position_title
    membership.name_prefix = name_prefix.strip()
    membership.unit, membership.is_active = unit, is_active
    membership.save()
    return membership


@transaction.atomic
def member_add(
    *,
    organisation: Organisation,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    role: str,
    position_title: str = "",
    unit: Unit | None = None,
    name_prefix: str = "",
):
    """Add a person to the organisation: an existing account by its username, or a new account
    (no password: the person sets one from the e-mail the view sends). Returns (membership,
    created_user)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(username__iexact=username).first()
    created = user is None
    if created:
        if not (first_name and last_name and email):
            raise ValidationError({"username": "ไม่พบผู้ใช้ชื่อนี้ หากเป็นผู้ใช้ใหม่ กรุณากรอกชื่อ นามสกุล และอีเมล"})
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": f"อีเมล {email} มีผู้ใช้อื่นใช้อยู่แล้ว"})
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        user.set_unusable_password()
        user.save()
    elif Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(
            {"username": f"{user.get_full_name() or user.username} เป็นสมาชิกของหน่วยงานนี้อยู่แล้ว"}
        )
    elif not email or email.lower() != (user.email or "").lower():
        # An existing account joins only with its own e-mail address: a username alone must not
        # add someone else's account to the organisation.
        raise ValidationError({"email": "บัญชีที่มีอยู่แล้ว ต้องกรอกอีเมลของบัญชีนั้นให้ตรงกันเพื่อยืนยันตัวตน"})
    membership = membership_set(
        user=user,
        organisation=organisation,
        role=role,
        position_title=position_title,
        unit=unit,
        name_prefix=name_prefix,
    )
    return membership, created


@transaction.atomic
def unit_save(*, organisation: Organisation, unit: Unit | None, name: str, phone: str = "") -> Unit:
    """Add or rename a ส่วนราชการ (names are unique in the organisation)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "กรุณากรอกชื่อส่วนราชการ"})
    clash = Unit.objects.filter(organisation=organisation, name=name)
    if unit is not None:
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise ValidationError({"name": f"มีส่วนราชการชื่อ “{name}” อยู่แล้ว"})
    if unit is None:
        order = Unit.objects.filter(organisation=organisation).count() + 1
        unit = Unit(organisation=organisation, order=order)
    unit.name, unit.phone = name, phone
    unit.save()
    return unit


@transaction.atomic
def member_email_correct(*, membership: Membership, email: str):
    """Correct the e-mail of a member who has not set a password yet (the invitation went to a
    mistyped address); an account in use keeps its own address."""
    from django.contrib.auth import get_user_model

    user = membership.user
    if user.has_usable_password():
        raise ValidationError({"email": "ผู้ใช้นี้ตั้งรหัสผ่านแล้ว แก้ไขอีเมลเองได้ที่หน้าบัญชีของตน"})
    if get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": f"อีเมล {email} มีผู้ใช้อื่นใช้อยู่แล้ว"})
    user.email = email
    user.save(update_fields=["email"])
    return user


@transaction.atomic
def oversight_scope_grant(
    *, user, level: str, province: str = "", district: str = ""
) -> OversightScope:
    """Let `user` oversee a province, a district of a province, or the whole country (audited).

    The place must hold an active organisation, as the register spells it, so a typo never
    grants an empty scope."""
    province, district = province.strip(), district.strip()
    if level not in ScopeLevel.values:
        raise ValidationError(
            {"level": f"ระดับไม่ถูกต้อง: {level} (ใช้ national, province หรือ district)"}
        )
    if level == ScopeLevel.NATIONAL:
        province = district = ""
    else:
        if not province:
            raise ValidationError({"province": "ต้องระบุจังหวัด"})
        if level == ScopeLevel.DISTRICT and not district:
            raise ValidationError({"district": "ต้องระบุอำเภอ"})
        if level == ScopeLevel.PROVINCE:
            district = ""
        places = Organisation.objects.filter(is_active=True, province=province)
        if not places.exists():
            raise ValidationError({"province": f"ไม่พบหน่วยงานในจังหวัด “{province}”"})
        if district and not places.filter(district=district).exists():
            raise ValidationError({"district": f"ไม่พบหน่วยงานในอำเภอ “{district}” จังหวัด{province}"})
    scope, _ = OversightScope.objects.get_or_create(
        user=user, level=level, province=province, district=district
    )
    return scope


@transaction.atomic
def oversight_scope_revoke(*, scope: OversightScope) -> None:
    scope.delete()
