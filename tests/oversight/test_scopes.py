"""Oversight scopes: which organisations a provincial, district or national user oversees, and
what they may do there (organisations.access, the one answer)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from organisations.access import (
    Action,
    can,
    is_oversight,
    oversees,
    oversight_organisations,
    require,
    scope_labels,
)
from organisations.models import OversightScope, ScopeLevel
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    return {
        "kong": OrganisationFactory(code="1001", province="นครราชสีมา", district="คง"),
        "dan": OrganisationFactory(code="1002", province="นครราชสีมา", district="ด่านขุนทด"),
        "buri": OrganisationFactory(code="2001", province="บุรีรัมย์", district="คง"),
        "old": OrganisationFactory(
            code="1003", province="นครราชสีมา", district="คง", is_active=False
        ),
    }


def _user(*scopes):
    user = UserFactory()
    for level, province, district in scopes:
        OversightScope.objects.create(user=user, level=level, province=province, district=district)
    return user


def _codes(user):
    return set(oversight_organisations(user).values_list("code", flat=True))


def test_a_province_scope_covers_its_active_agencies_only(places):
    user = _user((ScopeLevel.PROVINCE, "นครราชสีมา", ""))
    assert _codes(user) == {"1001", "1002"}
    assert oversees(user, places["kong"]) and not oversees(user, places["buri"])
    assert scope_labels(user) == ["จังหวัดนครราชสีมา"]


def test_a_district_scope_needs_its_province_too(places):
    """อำเภอคง exists in two provinces: the scope is the district of its province only."""
    user = _user((ScopeLevel.DISTRICT, "นครราชสีมา", "คง"))
    assert _codes(user) == {"1001"}
    assert not oversees(user, places["buri"])
    assert scope_labels(user) == ["อำเภอคง จังหวัดนครราชสีมา"]


def test_several_scopes_add_up(places):
    user = _user((ScopeLevel.DISTRICT, "นครราชสีมา", "ด่านขุนทด"), (ScopeLevel.PROVINCE, "บุรีรัมย์", ""))
    assert _codes(user) == {"1002", "2001"}


def test_a_national_scope_and_a_central_admin_oversee_every_agency(places, central_admin):
    assert _codes(_user((ScopeLevel.NATIONAL, "", ""))) == {"1001", "1002", "2001"}
    assert _codes(central_admin) == {"1001", "1002", "2001"}
    assert scope_labels(central_admin) == ["ทั้งประเทศ"]


def test_no_scope_oversees_nothing(places, staff):
    assert not is_oversight(staff) and _codes(staff) == set()


def test_oversight_reads_and_imports_but_never_edits_signs_or_manages(places):
    user = _user((ScopeLevel.PROVINCE, "นครราชสีมา", ""))
    org = places["kong"]
    assert can(user, org, Action.VIEW) and can(user, org, Action.IMPORT_SCORES)
    for action in (Action.EDIT, Action.APPROVE, Action.MANAGE):
        assert not can(user, org, action)
    require(user, org, Action.VIEW)
    with pytest.raises(PermissionDenied):
        require(user, org, Action.EDIT)
    # Another province's agency: 404, as for any outsider.
    with pytest.raises(Http404):
        require(user, places["buri"], Action.VIEW)


@pytest.mark.parametrize(
    ("level", "province", "district"),
    [
        (ScopeLevel.NATIONAL, "นครราชสีมา", ""),
        (ScopeLevel.PROVINCE, "", ""),
        (ScopeLevel.PROVINCE, "นครราชสีมา", "คง"),
        (ScopeLevel.DISTRICT, "นครราชสีมา", ""),
        ("region", "", ""),
    ],
)
def test_the_database_refuses_a_scope_that_does_not_match_its_level(level, province, district):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OversightScope.objects.create(user=user, level=level, province=province, district=district)


def test_granting_a_scope_is_in_the_audit_trail():
    from auditlog.models import LogEntry

    user = _user((ScopeLevel.PROVINCE, "นครราชสีมา", ""))
    scope = user.oversight_scopes.get()
    entry = LogEntry.objects.get_for_object(scope).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes_dict["province"] == ["None", "นครราชสีมา"]


def test_granting_by_command_checks_the_place(places):
    import io

    from django.core.management import CommandError, call_command

    user = UserFactory(username="somchai")
    out = io.StringIO()
    call_command("grant_oversight", "somchai", "--province", "นครราชสีมา", stdout=out)
    assert "กำกับดูแลจังหวัดนครราชสีมาแล้ว" in out.getvalue()
    call_command(
        "grant_oversight", "somchai", "--province", "บุรีรัมย์", "--district", "คง", stdout=out
    )
    assert {s.label for s in user.oversight_scopes.all()} == {
        "อำเภอคง จังหวัดบุรีรัมย์",
        "จังหวัดนครราชสีมา",
    }
    with pytest.raises(CommandError, match="ไม่พบหน่วยงานในจังหวัด “นครราชสีมมา”"):
        call_command("grant_oversight", "somchai", "--province", "นครราชสีมมา")
    with pytest.raises(CommandError, match="ไม่พบหน่วยงานในอำเภอ “ด่าน”"):
        call_command("grant_oversight", "somchai", "--province", "นครราชสีมา", "--district", "ด่าน")
    with pytest.raises(CommandError, match="ไม่พบผู้ใช้"):
        call_command("grant_oversight", "nobody", "--national")
    call_command("grant_oversight", "somchai", "--national", stdout=out)
    assert _codes(user) == {"1001", "1002", "2001"}
