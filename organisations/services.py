"""Writes for organisations and memberships."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Membership, Organisation, Role, Unit


@transaction.atomic
def membership_set(
    *,
    user,
    organisation: Organisation,
    role: str,
    position_title: str = "",
    unit: Unit | None = None,
) -> Membership:
    """Give `user` a role in `organisation` (create or update)."""
    if role not in Role.values:
        raise ValidationError({"role": f"บทบาทไม่ถูกต้อง: {role}"})
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError({"unit": "ส่วนราชการต้องอยู่ในหน่วยงานเดียวกัน"})
    membership, _ = Membership.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={"role": role, "position_title": position_title, "unit": unit, "is_active": True},
    )
    return membership
