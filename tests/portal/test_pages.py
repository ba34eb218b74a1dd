"""The UI shell: access to each page, each role's landing page, the switcher, Thai errors."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from organisations.active import SESSION_KEY
from organisations.models import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["dashboard"])
def test_anonymous_is_redirected_to_login(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_organisation_page_redirects_to_login(client, org):
    url = reverse("organisations:organisation_detail", args=[org.code])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_public_pages_are_open(client):
    call_command("load_framework", stdout=io.StringIO())
    assert "ITA Portal" in client.get(reverse("home")).content.decode()
    page = client.get(reverse("assessments:framework_list")).content.decode()
    assert "กรอบการประเมิน ITA แต่ละปี" in page
    # A year whose item texts are not yet sourced says so, not "0 ข้อ".
    assert "· 0 ข้อ" not in page and "ยังไม่มีข้อความของข้อการประเมิน (รอแหล่งอ้างอิง)" in page
    detail = client.get(reverse("assessments:framework_detail", args=[2568])).content.decode()
    assert "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน" in detail
    assert "ผ่านดีเยี่ยม" in detail
    assert client.get(reverse("assessments:framework_detail", args=[2400])).status_code == 404


def test_framework_page_runs_in_constant_queries(client, django_assert_max_num_queries):
    call_command("load_framework", stdout=io.StringIO())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("assessments:framework_detail", args=[2564])).status_code == 200


@pytest.mark.parametrize(
    ("persona", "marker", "text"),
    [
        ("staff", 'id="landing-staff"', "รอบการรายงานของปีนี้"),
        ("approver", 'id="landing-approver"', "ไม่มีบันทึกข้อความที่รอการพิจารณา"),
        ("org_admin", 'id="landing-org-admin"', "สมาชิกและส่วนราชการ"),
        ("central_admin", 'id="landing-oversight"', "เปิดแดชบอร์ดติดตามหน่วยงาน"),
    ],
)
def test_each_role_lands_on_its_page(request, login, org, persona, marker, text):
    client = login(request.getfixturevalue(persona))
    page = client.get(reverse("dashboard")).content.decode()
    assert marker in page
    assert text in page
    others = {'id="landing-staff"', 'id="landing-approver"', 'id="landing-org-admin"'} - {marker}
    assert not any(o in page for o in others)


def test_user_without_membership_is_told_what_to_do(login, db):
    from tests.factories import UserFactory

    page = login(UserFactory()).get(reverse("dashboard")).content.decode()
    assert "ยังไม่ได้สังกัดหน่วยงานใด" in page


def test_staff_sees_this_years_rounds_in_buddhist_era(login, staff, time_machine):
    time_machine.move_to("2025-05-01 10:00+07:00")
    page = login(staff).get(reverse("dashboard")).content.decode()
    assert "ปีงบประมาณ พ.ศ. 2568" in page
    assert "1 ตุลาคม 2567 – 31 มีนาคม 2568" in page


def test_central_admin_searches_and_pages_organisations(login, central_admin, org, other_org):
    client = login(central_admin)
    page = client.get(reverse("oversight:dashboard"), {"q": "มะค่า"}).content.decode()
    assert other_org.name in page and org.name not in page
    page = client.get(reverse("oversight:dashboard"), {"q": "ไม่มีแน่นอน"}).content.decode()
    assert "ไม่พบหน่วยงานที่ตรงกับตัวกรอง" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("staff", 200),
        ("approver", 200),
        ("org_admin", 200),
        ("central_admin", 200),
    ],
)
def test_organisation_page_access(request, login, org, persona, status):
    client = login(request.getfixturevalue(persona))
    response = client.get(reverse("organisations:organisation_detail", args=[org.code]))
    assert response.status_code == status
    if status == 404:
        assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()
        assert org.name not in response.content.decode()


def test_organisation_switcher(login, org, other_org, staff):
    MembershipFactory(user=staff, organisation=other_org, role=Role.APPROVER)
    client = login(staff)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="org-switcher"' in page
    response = client.post(
        reverse("organisations:switch"), {"organisation": other_org.pk, "next": "/dashboard/"}
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.session[SESSION_KEY] == other_org.pk
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="landing-approver"' in page


def test_switcher_refuses_organisation_of_which_user_is_not_member(login, org, other_org, staff):
    client = login(staff)
    response = client.post(
        reverse("organisations:switch"),
        {"organisation": other_org.pk, "next": "https://evil.example/"},
        follow=True,
    )
    assert "ท่านไม่ได้เป็นสมาชิกของหน่วยงานที่เลือก" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert response.redirect_chain[-1][0] == reverse("dashboard")


def test_switch_requires_post_and_login(client, login, staff):
    assert client.post(reverse("organisations:switch")).status_code == 302
    assert login(staff).get(reverse("organisations:switch")).status_code == 405


def test_login_page_is_thai_and_logs_in(client, staff):
    page = client.get(reverse("login")).content.decode()
    assert "เข้าสู่ระบบ" in page and 'lang="th"' in page
    bad = client.post(reverse("login"), {"username": "staff", "password": "wrong"})
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in bad.content.decode()
    good = client.post(reverse("login"), {"username": "staff", "password": "pass-ทดสอบ-1234"})
    assert good.status_code == 302 and good["Location"] == reverse("dashboard")


def test_assets_are_local_and_font_is_sarabun(client):
    page = client.get(reverse("home")).content.decode()
    assert "cdn" not in page.lower() and "https://" not in page
    from django.contrib.staticfiles import finders

    assert finders.find("bootstrap/css/bootstrap.min.css")
    assert finders.find("fonts/sarabun/Sarabun-Regular.ttf")
    css = Path(finders.find("css/portal.css")).read_text(encoding="utf-8")
    assert "Sarabun" in css


def test_admin_is_thai(login, db):
    from tests.factories import UserFactory

    client = login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:index")).content.decode()
    assert "กรอบการประเมิน" in page and "หน่วยงาน" in page
    assert "การจัดการระบบ" in page
