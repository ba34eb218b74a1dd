"""The audit trail: bulk paths are recorded, central admins see everything, nobody edits it."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from assessments.imports import scores_import
from tests.assessments.test_imports import seed_rows, workbook
from tests.factories import UserFactory

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

    membership_set(user=UserFactory(username="newbie"), organisation=other_org, role="staff")
    client.force_login(central_admin)
    page = client.get(reverse("audit_trail_all")).content.decode()
    assert "ทุกหน่วยงาน" in page and "newbie" in page
    client.force_login(org_admin)
    assert client.get(reverse("audit_trail_all")).status_code == 403
    assert "newbie" not in client.get(reverse("audit_trail", args=[org.code])).content.decode()
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
