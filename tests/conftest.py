"""Personas (healthchecks style): staff, approver, org_admin of `org`; an outsider who belongs
to `other_org`; a central admin; and anonymous (the plain `client`)."""

import pytest
from django.contrib.auth.models import Permission

from organisations.models import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.pdftools import MissingGlyphs


@pytest.fixture(autouse=True)
def _no_boxes_for_thai():
    """Every PDF any test renders sets its Thai (and Latin) text in a font that has it."""
    with MissingGlyphs() as watch:
        yield
    if watch.messages:
        pytest.fail("PDF text without glyphs (boxes):\n" + "\n".join(watch.messages[:10]))


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with an empty cache and catalogue memo (both per process here): cached
    public pages and catalogue structures must not leak between tests."""
    from django.core.cache import cache

    from assessments.selectors import forget_structures

    cache.clear()
    forget_structures()


@pytest.fixture
def org(db):
    return OrganisationFactory(name="องค์การบริหารส่วนตำบลขามสมบูรณ์", code="6301401")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="องค์การบริหารส่วนตำบลมะค่า", code="6301402")


@pytest.fixture
def staff(org):
    return MembershipFactory(organisation=org, role=Role.STAFF, user__username="staff").user


@pytest.fixture
def approver(org):
    return MembershipFactory(
        organisation=org, role=Role.APPROVER, user__username="approver", position_title="ปลัด"
    ).user


@pytest.fixture
def org_admin(org):
    return MembershipFactory(organisation=org, role=Role.ORG_ADMIN, user__username="orgadmin").user


@pytest.fixture
def outsider(other_org):
    return MembershipFactory(
        organisation=other_org, role=Role.ORG_ADMIN, user__username="outsider"
    ).user


@pytest.fixture
def central_admin(db):
    user = UserFactory(username="central")
    user.user_permissions.add(Permission.objects.get(codename="act_as_central_admin"))
    return user


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
