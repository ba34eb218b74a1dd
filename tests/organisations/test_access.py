"""The one permission function, and the 404/403 rule of the access helper."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from organisations.access import Action, can, is_central_admin, organisation_for, require
from organisations.services import membership_set
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("staff", {Action.VIEW, Action.EDIT}),
        ("approver", {Action.VIEW, Action.APPROVE}),
        ("org_admin", {Action.VIEW, Action.EDIT, Action.MANAGE}),
        ("outsider", set()),
        ("central_admin", {Action.VIEW, Action.MANAGE, Action.IMPORT_SCORES}),
    ],
)
def test_role_actions(request, org, persona, allowed):
    user = request.getfixturevalue(persona)
    assert {a for a in Action if can(user, org, a)} == allowed


def test_anonymous_can_do_nothing(org):
    assert not any(can(AnonymousUser(), org, a) for a in Action)


def test_inactive_membership_gives_no_access(org, staff):
    staff.memberships.update(is_active=False)
    staff._membership_cache = {}
    with pytest.raises(Http404):
        require(staff, org, Action.VIEW)


def test_outsider_gets_404_and_wrong_role_gets_403(org, outsider, approver):
    with pytest.raises(Http404):
        organisation_for(outsider, org.code, Action.VIEW)
    with pytest.raises(PermissionDenied):
        organisation_for(approver, org.code, Action.EDIT)
    assert organisation_for(approver, org.code, Action.APPROVE) == org


def test_superuser_is_central_admin(db):
    from tests.factories import UserFactory

    assert is_central_admin(UserFactory(is_superuser=True))
    assert not is_central_admin(UserFactory())


def test_membership_set_rejects_unit_of_another_organisation(org, staff):
    from django.core.exceptions import ValidationError

    foreign_unit = UnitFactory()
    with pytest.raises(ValidationError) as exc:
        membership_set(user=staff, organisation=org, role="staff", unit=foreign_unit)
    assert "ส่วนราชการต้องอยู่ในหน่วยงานเดียวกัน" in str(exc.value)
    assert staff.memberships.get().unit is None
