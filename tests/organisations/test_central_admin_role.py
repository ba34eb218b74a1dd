"""The central admin's tasks, done as that user (issue 16): the group gives exactly the admin
permissions the role needs, after every migration; `grant_central_admin` makes a user one."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from organisations.access import is_central_admin
from organisations.roles import CENTRAL_ADMIN_GROUP, central_admin_group_ensure
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def central():
    user = UserFactory(username="central-user")
    call_command("grant_central_admin", "central-user", stdout=io.StringIO())
    user.refresh_from_db()
    return user


def test_the_group_exists_after_migrate_with_its_permissions():
    group = central_admin_group_ensure()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert group.name == CENTRAL_ADMIN_GROUP
    assert {"act_as_central_admin", "change_framework", "add_item", "change_organisation"} <= (
        codenames
    )
    assert "add_membership" in codenames and "view_scoreimport" in codenames
    # Official scores are never edited by hand, nor memos or publications.
    assert not codenames & {"change_score", "change_assessment", "change_memo", "add_publication"}


def test_grant_central_admin(central):
    assert central.is_staff and is_central_admin(central)
    with pytest.raises(CommandError, match="ไม่พบผู้ใช้"):
        call_command("grant_central_admin", "nobody", stdout=io.StringIO())


def test_is_central_admin_by_group_own_permission_or_superuser_in_one_query(
    central, django_assert_num_queries
):
    from django.contrib.auth.models import Permission

    # `central` holds the role through the group (grant_central_admin)
    assert not central.user_permissions.exists() and central.groups.exists()
    with django_assert_num_queries(1):
        assert is_central_admin(central) and is_central_admin(central)  # kept on the object
    own = UserFactory()
    own.user_permissions.add(Permission.objects.get(codename="act_as_central_admin"))
    assert is_central_admin(own)
    assert is_central_admin(UserFactory(is_superuser=True))
    member = MembershipFactory().user
    other_permission = UserFactory()
    other_permission.user_permissions.add(Permission.objects.get(codename="change_organisation"))
    assert not is_central_admin(member) and not is_central_admin(other_permission)
    inactive = UserFactory(is_active=False)
    inactive.user_permissions.add(Permission.objects.get(codename="act_as_central_admin"))
    assert not is_central_admin(inactive)
    # A fresh object sees a revoked role at once (the next request loads the user again)
    central.groups.clear()
    assert is_central_admin(central)
    assert not is_central_admin(type(central).objects.get(pk=central.pk))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/assessments/framework/",
        "/admin/assessments/framework/add/",
        "/admin/assessments/item/",
        "/admin/assessments/item/add/",
        "/admin/assessments/fiscalyear/",
        "/admin/organisations/organisation/",
        "/admin/organisations/organisation/add/",
        "/admin/organisations/membership/add/",
        "/admin/organisations/unit/",
        "/admin/assessments/scoreimport/",
        "/frameworks/",
        "/frameworks/scores/import/",
        "/audit/",
    ],
)
def test_every_central_task_opens_for_the_central_admin(central, path):
    client = Client()
    client.force_login(central)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)


def test_the_organisation_page_links_its_admin_page_only_to_who_may_open_it(central):
    membership = MembershipFactory(role="org_admin")
    code = membership.organisation.code
    client = Client()
    client.force_login(central)
    page = client.get(f"/organisations/{code}/").content.decode()
    assert "แก้ไขในหน้าผู้ดูแลระบบ" in page
    change = f"/admin/organisations/organisation/{membership.organisation.pk}/change/"
    assert client.get(change).status_code == 200
    client.force_login(membership.user)  # an org admin: no door to the Django admin
    assert "แก้ไขในหน้าผู้ดูแลระบบ" not in client.get(f"/organisations/{code}/").content.decode()


def test_the_admin_speaks_thai_where_django_does_not(central):
    """locale/th fills what Django's Thai catalogue lacks: the admin's chrome and its scripts."""
    client = Client()
    client.force_login(central)
    page = client.get("/admin/assessments/item/").content.decode()
    assert "ข้ามไปยังเนื้อหาหลัก" in page and "Skip to main content" not in page
    assert "css/admin.css" in page  # the bundled Sarabun
    catalog = client.get("/admin/jsi18n/").content.decode()
    found = re.search(r'"Choose all %s": ("(?:[^"\\]|\\.)*")', catalog)
    assert found and json.loads(found.group(1)) == "เลือก%sทั้งหมด"


def test_the_admins_hard_coded_english_is_thai(central):
    """Django's boolean icons and search magnifier carry English alt text whatever the language;
    ita_portal/admin_thai.py and templates/admin/search_form.html give it in Thai, and locale/th
    corrects Django's "ไม่ว่าง" (busy) for "Not empty"."""
    MembershipFactory(role="org_admin")
    client = Client()
    client.force_login(central)
    page = client.get("/admin/organisations/membership/").content.decode()
    assert re.search(r'<img src="[^"]*icon-yes\.svg" alt="ใช่">', page)
    assert 'alt="True"' not in page and 'alt="False"' not in page
    assert 'alt="ค้นหา"' in page and 'alt="Search"' not in page
    items = client.get("/admin/assessments/item/?is_retired__exact=1").content.decode()
    assert 'alt="Search"' not in items
    with translation.override("th"):
        assert translation.gettext("Not empty") == "มีข้อมูล"
        assert translation.gettext("Unknown") == "ไม่ทราบ"
        assert translation.gettext("None available") == "ไม่มี"
        assert translation.gettext("View") == "ดู"


def test_the_admin_shows_and_takes_dates_in_the_buddhist_era(central, time_machine):
    """Django's Thai format prints ค.ศ. years; the admin's lists, read-only fields and date inputs
    use พ.ศ. like the rest of the portal."""
    from assessments.models import Framework, ImportStatus, ScoreImport

    time_machine.move_to("2026-12-06 20:50+07:00", tick=False)
    call_command("load_framework", stdout=io.StringIO())
    ScoreImport.objects.create(
        created_by=central, file_name="คะแนน.xlsx", sha256="0" * 64, status=ImportStatus.FAILED
    )
    client = Client()
    client.force_login(central)
    listing = client.get("/admin/assessments/scoreimport/").content.decode()
    assert "6 ธันวาคม 2569 20:50" in listing and "2026" not in listing
    framework = Framework.objects.get(fiscal_year__year=2569, variant="")
    url = f"/admin/assessments/framework/{framework.pk}/change/"
    page = client.get(url)
    field = page.context["adminform"].form.fields["oit_opens_on"]
    assert field.__class__.__name__ == "ThaiDateField"
    assert 'placeholder="วว/ดด/ปปปป"' in page.content.decode()
