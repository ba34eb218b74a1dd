"""The audit trail: bulk paths are recorded, central admins see everything, nobody edits it."""

import io
from datetime import date

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from approvals import services as memos
from assessments.imports import scores_import
from tests.assessments.test_imports import seed_rows, workbook
from tests.factories import UserFactory
from tests.memo_helpers import setup_chain

pytestmark = pytest.mark.django_db


def test_score_import_is_recorded_per_assessment(org, central_admin):
    call_command("load_framework", stdout=io.StringIO())
    scores_import(
        content=workbook(seed_rows(code=org.code)),
        file_name="คะแนน.xlsx",
        actor=central_admin,
        import_id="abc",
    )
    entry = LogEntry.objects.get(additional_data__score_import="abc")
    assert entry.actor == central_admin and entry.additional_data["organisation_id"] == org.pk
    assert "คะแนน.xlsx" in str(entry.changes_dict)
    scores_import(
        content=workbook(seed_rows(code=org.code)),
        file_name="again.xlsx",
        actor=central_admin,
        import_id="def",
    )
    assert not LogEntry.objects.filter(
        additional_data__score_import="def"
    ).exists()  # nothing changed


def test_central_admin_sees_every_organisation(
    client, org, other_org, central_admin, org_admin, outsider
):
    from organisations.services import membership_set

    newbie = UserFactory(username="newbie", first_name="สมหญิง", last_name="มาใหม่")
    membership_set(user=newbie, organisation=other_org, role="staff")
    client.force_login(central_admin)
    page = client.get(reverse("audit_trail_all")).content.decode()
    assert "ทุกหน่วยงาน" in page and "สมหญิง มาใหม่" in page  # people by name, not login
    client.force_login(org_admin)
    assert client.get(reverse("audit_trail_all")).status_code == 403
    assert "สมหญิง" not in client.get(reverse("audit_trail", args=[org.code])).content.decode()
    client.logout()
    assert client.get(reverse("audit_trail_all")).status_code == 302


def test_trail_cannot_be_changed_or_deleted_in_the_admin(client, org):
    from organisations.services import membership_set

    membership_set(user=UserFactory(username="someone"), organisation=org, role="staff")
    entry = LogEntry.objects.first()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    change_url = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    assert client.get(change_url).status_code == 200  # view only
    client.post(change_url, {"action": 2, "object_repr": "แก้แล้ว"})
    entry.refresh_from_db()
    assert entry.object_repr != "แก้แล้ว"
    assert (
        client.post(
            reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    changelist = reverse("admin:auditlog_logentry_changelist")
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_a_clerk_can_read_the_trail(client, org, staff, org_admin, approver, time_machine):
    """Thai labels, people and objects by name, choices in Thai, พ.ศ. dates in local time,
    a created object without "None →", ids left out, a link to the object and its history."""
    time_machine.move_to("2026-12-06 09:00+07:00", tick=False)
    with set_actor(org_admin):
        unit, rounds, measure, template, mayor = setup_chain(org, staff, org_admin, approver)
        memos.delegation_create(
            organisation=org,
            user=org_admin,
            delegator=mayor,
            delegate=approver,
            kind="on_behalf",
            starts_on=date(2026, 12, 7),
            ends_on=date(2026, 12, 20),
            order_number="45/2569",
            order_date=date(2026, 12, 5),
        )
    client.force_login(org_admin)
    page = client.get(reverse("audit_trail", args=[org.code])).content.decode()
    row = page[page.index("การมอบหมายให้ปฏิบัติหน้าที่แทน: ") :]
    row = row[: row.index("</tr>")]
    assert "ปฏิบัติราชการแทน" in row and "on_behalf" not in row  # the choice's Thai name
    # values are data (translate="no": in the author's language), labels are the portal's
    assert f'<strong>ผู้ปฏิบัติหน้าที่แทน</strong>: <span translate="no">{approver.get_full_name()}' in row
    assert '<strong>ตั้งแต่วันที่</strong>: <span translate="no">7 ธันวาคม 2569' in row  # not 2026-12-07
    assert "None" not in row and "→" not in row  # created: values only
    assert "<strong>ID</strong>" not in page and "None →" not in page
    assert f'href="/o/{org.code}/delegations/"' in row  # the object's page
    # A measure's whole history, from its own link.
    measure_ct = LogEntry.objects.get_for_object(measure).first().content_type_id
    one = client.get(
        reverse("audit_trail", args=[org.code]), {"model": measure_ct, "object": measure.pk}
    ).content.decode()
    assert "แสดงประวัติของรายการเดียว" in one and measure.title in one
    assert "การมอบหมายให้ปฏิบัติหน้าที่แทน:" not in one
    assert f'href="/o/{org.code}/measures/{measure.pk}/"' in one


def test_codes_and_empty_sizes_are_not_shown(org, staff, org_admin, approver):
    """A link's "ขนาด (ไบต์): 0" and a publication's "round-6" (its Thai name is shown) say
    nothing to a clerk."""
    from measures import services as measure_services
    from portal.selectors import change_rows

    with set_actor(staff):
        unit, rounds, measure, template, mayor = setup_chain(org, staff, org_admin, approver)
        entry = measure.progress.get(round=rounds[0])
        link = measure_services.evidence_add_link(
            entry=entry, url="https://www.example.go.th/news/1", user=staff, title="ข่าว"
        )
    rows = change_rows(LogEntry.objects.get_for_object(link).get())
    labels = [label for label, _, _ in rows]
    assert "ขนาด (ไบต์)" not in labels and any("ข่าว" in after for _, _, after in rows)
    publication_entry = LogEntry(
        content_type=ContentType.objects.get(app_label="publication", model="publication"),
        action=LogEntry.Action.CREATE,
        changes={"variant": ["None", "round-6"], "variant_label": ["None", "รอบ 6 เดือน"]},
    )
    rows = change_rows(publication_entry)
    assert [after for _, _, after in rows] == ["รอบ 6 เดือน"]


def test_a_suspension_reads_as_one(org, org_admin, staff):
    from organisations.services import membership_update
    from portal.selectors import change_rows

    membership = staff.memberships.get(organisation=org)
    with set_actor(org_admin):
        membership_update(
            membership=membership,
            role=membership.role,
            position_title=membership.position_title,
            unit=None,
            is_active=False,
        )
    entry = LogEntry.objects.get_for_object(membership).order_by("-timestamp").first()
    assert ("ใช้งาน", "ใช้งาน", "ระงับสิทธิ์") in change_rows(entry)


def test_rights_are_in_the_trail_with_before_and_after(org, central_admin, staff):
    """Granting central-admin rights, a permission given to one account, a group's permissions
    and an account switched off: each is in the trail, with who did it, and the password never."""
    from django.contrib.auth.models import Group, Permission

    from organisations.roles import CENTRAL_ADMIN_GROUP, central_admin_grant
    from portal.selectors import change_rows

    someone = UserFactory(username="someone")
    with set_actor(central_admin):
        central_admin_grant(someone)
        someone.user_permissions.add(Permission.objects.get(codename="act_as_central_admin"))
        someone.is_active = False
        someone.set_password("ไม่ควรอยู่ในบันทึก-2569")
        someone.save()
        group = Group.objects.get(name=CENTRAL_ADMIN_GROUP)
        group.permissions.remove(Permission.objects.get(codename="act_as_central_admin"))
    entries = [
        e
        for e in LogEntry.objects.get_for_object(someone).order_by("timestamp")
        if e.actor_id  # the account itself was made (by the factory) before the changes
    ]
    assert entries and all(e.actor == central_admin for e in entries)
    text = " ".join(str(e.changes) for e in entries)
    assert CENTRAL_ADMIN_GROUP in text  # the group granted
    assert "เป็นผู้ดูแลส่วนกลาง" in text  # the permission given to the account, by its Thai name
    assert "is_active" in text and "ไม่ควรอยู่ในบันทึก" not in text
    everything = " ".join(str(e.changes) for e in LogEntry.objects.get_for_object(someone))
    assert "password" not in everything and someone.password[-20:] not in everything
    staff_flags = [e for e in entries if "is_staff" in (e.changes or {})]
    assert staff_flags and staff_flags[0].changes["is_staff"] == ["False", "True"]
    group_entries = LogEntry.objects.get_for_object(group)
    assert any("permissions" in (e.changes or {}) for e in group_entries)
    # A clerk reads them as rows (label, before, after)
    assert all(change_rows(e) is not None for e in entries)
