"""The org admin manages the organisation's people and units in the portal (issue 16: the
dashboard promised it and nothing did it)."""

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from organisations.models import Membership, Role, Unit
from tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(org):
    return UnitFactory(organisation=org, name="กองคลัง")


def _add(client, org, **data):
    fields = {"role": Role.STAFF, "position_title": "", "unit": "", **data}
    return client.post(
        reverse("organisations:members", args=[org.code]),
        {"action": "member", **{f"add-{k}": v for k, v in fields.items()}},
    )


def test_the_dashboard_and_organisation_page_lead_to_the_members_page(login, org, org_admin):
    client = login(org_admin)
    url = reverse("organisations:members", args=[org.code])
    assert f'href="{url}"' in client.get(reverse("dashboard")).content.decode()
    detail = client.get(reverse("organisations:organisation_detail", args=[org.code]))
    assert f'href="{url}"' in detail.content.decode()
    page = client.get(url).content.decode()
    assert "เพิ่มสมาชิก" in page and "ผู้ดูแลหน่วยงาน" in page


def test_staff_see_no_door_to_it(login, org, staff):
    page = login(staff).get(reverse("organisations:organisation_detail", args=[org.code]))
    assert reverse("organisations:members", args=[org.code]) not in page.content.decode()


def test_adding_a_new_person_sends_them_a_link_to_set_a_password(
    login, org, org_admin, unit, mailoutbox
):
    client = login(org_admin)
    response = _add(
        client,
        org,
        username="somchai",
        first_name="สมชาย",
        last_name="ใจดี",
        email="somchai@example.go.th",
        position_title="นักจัดการงานทั่วไป",
        unit=unit.pk,
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="somchai")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user, organisation=org)
    assert (membership.role, membership.unit, membership.position_title) == (
        Role.STAFF,
        unit,
        "นักจัดการงานทั่วไป",
    )
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["somchai@example.go.th"]
    assert "ตั้งรหัสผ่าน" in mailoutbox[0].subject and "somchai" in mailoutbox[0].body
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    client.logout()
    assert client.get(link, follow=True).status_code == 200
    assert LogEntry.objects.get_for_object(membership).exists()  # in the audit trail


def test_an_existing_account_is_added_by_username_and_its_own_email(
    login, org, org_admin, other_org
):
    person = MembershipFactory(
        organisation=other_org, user__username="malee", user__email="malee@example.go.th"
    ).user
    client = login(org_admin)
    # A username alone does not add someone else's account.
    refused = _add(client, org, username="malee", role=Role.APPROVER)
    assert "ต้องกรอกอีเมลของบัญชีนั้นให้ตรงกัน" in refused.content.decode()
    wrong = _add(client, org, username="malee", email="x@example.go.th", role=Role.APPROVER)
    assert wrong.status_code == 200
    assert not Membership.objects.filter(user=person, organisation=org).exists()
    response = _add(client, org, username="MALEE", email="Malee@example.go.th", role=Role.APPROVER)
    assert response.status_code == 302
    assert Membership.objects.get(user=person, organisation=org).role == Role.APPROVER


def test_a_mistyped_invitation_is_corrected_and_sent_again(login, org, org_admin, mailoutbox):
    client = login(org_admin)
    _add(client, org, username="somsak", first_name="สมศักดิ์", last_name="ดี", email="typo@x.go.th")
    membership = Membership.objects.get(user__username="somsak")
    url = reverse("organisations:member_edit", args=[org.code, membership.pk])
    page = client.get(url).content.decode()
    assert 'id="invite"' in page
    response = client.post(url, {"action": "invite", "email": "somsak@example.go.th"})
    assert response.status_code == 302
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["somsak@example.go.th"]
    body = mailoutbox[1].body
    assert org.name in body and "ภายใน 1 ชั่วโมง" in body
    membership.user.refresh_from_db()
    assert membership.user.email == "somsak@example.go.th"
    # Once the person has set a password, the address is theirs to change.
    membership.user.set_password("x-ยาวพอ-1234")
    membership.user.save()
    assert 'id="invite"' not in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "nobody"}, "username", "หากเป็นผู้ใช้ใหม่ กรุณากรอกชื่อ นามสกุล และอีเมล"),
        ({"username": "staff"}, "username", "เป็นสมาชิกของหน่วยงานนี้อยู่แล้ว"),
        ({"username": "a b"}, "username", ""),
        ({"username": "x", "role": "owner"}, "role", ""),
        (
            {"username": "x", "first_name": "ก", "last_name": "ข", "email": "taken@example.go.th"},
            "email",
            "อีเมล taken@example.go.th มีผู้ใช้อื่นใช้อยู่แล้ว",
        ),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(
    login, org, org_admin, staff, data, field, message
):
    UserFactory(username="taken", email="taken@example.go.th")
    users, memberships = get_user_model().objects.count(), Membership.objects.count()
    response = _add(login(org_admin), org, **data)
    assert response.status_code == 200
    errors = response.context["add_form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert get_user_model().objects.count() == users
    assert Membership.objects.count() == memberships


def test_a_unit_of_another_organisation_is_refused(login, org, org_admin, other_org):
    foreign = UnitFactory(organisation=other_org, name="สำนักปลัด")
    response = _add(
        login(org_admin),
        org,
        username="x",
        first_name="ก",
        last_name="ข",
        email="x@example.go.th",
        unit=foreign.pk,
    )
    assert "unit" in response.context["add_form"].errors
    assert not get_user_model().objects.filter(username="x").exists()


def test_changing_and_suspending_a_member(login, org, org_admin, staff, unit):
    membership = staff.memberships.get(organisation=org)
    url = reverse("organisations:member_edit", args=[org.code, membership.pk])
    client = login(org_admin)
    response = client.post(
        url, {"role": Role.APPROVER, "position_title": "ปลัด", "unit": unit.pk, "is_active": ""}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.position_title, membership.unit, membership.is_active) == (
        Role.APPROVER,
        "ปลัด",
        unit,
        False,
    )
    page = client.get(reverse("organisations:members", args=[org.code])).content.decode()
    assert "ระงับ" in page
    # A suspended member no longer opens the organisation's pages.
    client.force_login(staff)
    assert (
        client.get(reverse("organisations:organisation_detail", args=[org.code])).status_code == 404
    )


def test_the_last_org_admin_cannot_step_down(login, org, org_admin):
    membership = org_admin.memberships.get(organisation=org)
    url = reverse("organisations:member_edit", args=[org.code, membership.pk])
    response = login(org_admin).post(url, {"role": Role.STAFF, "is_active": "on"})
    assert response.status_code == 200
    assert "ต้องมีผู้ดูแลหน่วยงานที่ใช้งานอยู่อย่างน้อย 1 คน" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ORG_ADMIN
    MembershipFactory(organisation=org, role=Role.ORG_ADMIN)
    assert login(org_admin).post(url, {"role": Role.STAFF, "is_active": "on"}).status_code == 302


def test_another_organisations_member_is_not_found(login, org, org_admin, outsider, other_org):
    foreign = outsider.memberships.get(organisation=other_org)
    url = reverse("organisations:member_edit", args=[org.code, foreign.pk])
    assert login(org_admin).get(url).status_code == 404


def test_units_are_added_and_renamed_with_unique_names(login, org, org_admin, unit):
    client = login(org_admin)
    url = reverse("organisations:members", args=[org.code])
    added = client.post(url, {"action": "unit", "unit-name": "  กองช่าง ", "unit-phone": "044"})
    assert (
        added.status_code == 302 and Unit.objects.filter(organisation=org, name="กองช่าง").exists()
    )
    clash = client.post(url, {"action": "unit", "unit-name": "กองคลัง"})
    assert "มีส่วนราชการชื่อ “กองคลัง” อยู่แล้ว" in clash.content.decode()
    edit = reverse("organisations:unit_edit", args=[org.code, unit.pk])
    assert client.post(edit, {"name": "กองคลังและพัสดุ", "phone": ""}).status_code == 302
    unit.refresh_from_db()
    assert unit.name == "กองคลังและพัสดุ"
