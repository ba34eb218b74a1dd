"""Database constraints of organisations: they hold even when code bypasses forms."""

import pytest
from django.db import IntegrityError, transaction

from organisations.models import Membership, Organisation, Unit
from tests.factories import MembershipFactory, OrganisationFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_organisation_code_is_unique():
    OrganisationFactory(code="6301401")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(code="6301401")


def test_organisation_code_cannot_be_empty():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="อบต.ว่าง", code="")


def test_unit_name_unique_within_organisation_only():
    unit = UnitFactory(name="สำนักปลัด")
    UnitFactory(name="สำนักปลัด")  # another organisation may use the same name
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(organisation=unit.organisation, name="สำนักปลัด")


def test_one_membership_per_user_and_organisation():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, organisation=membership.organisation)


def test_membership_role_is_checked_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(), organisation=OrganisationFactory(), role="mayor"
        )


def test_location_is_thai_text():
    org = OrganisationFactory(district="คง", province="นครราชสีมา")
    assert org.location == "อำเภอคง จังหวัดนครราชสีมา"
