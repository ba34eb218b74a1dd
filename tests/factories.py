"""factory_boy factories shared by the tests."""

import factory
from django.contrib.auth import get_user_model

from organisations.models import Membership, Organisation, OrganisationType, Role, Unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "ทดสอบ"
    last_name = factory.Sequence(lambda n: f"ผู้ใช้{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "pass-ทดสอบ-1234")
        if create:
            obj.save(update_fields=["password"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"องค์การบริหารส่วนตำบลทดสอบ{n}")
    type = OrganisationType.SAO
    code = factory.Sequence(lambda n: f"T{n:06d}")
    district = "เมือง"
    province = "นครราชสีมา"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"กองทดสอบ{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.STAFF
    position_title = "เจ้าหน้าที่"


def member(organisation, role=Role.STAFF):
    """A user with an active `role` membership of `organisation` (services check rights)."""
    return MembershipFactory(organisation=organisation, role=role).user
