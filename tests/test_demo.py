"""The local demo: idempotent, one user per role, refuses to run in production."""

import io

import pytest
from django.core.management import CommandError, call_command

from organisations.access import is_central_admin
from organisations.models import Membership, Organisation, Role, Unit

pytestmark = pytest.mark.django_db


def test_load_demo_twice(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=io.StringIO())
    assert Organisation.objects.count() == 1
    org = Organisation.objects.get()
    assert org.name == "องค์การบริหารส่วนตำบลขามสมบูรณ์"
    assert Unit.objects.filter(organisation=org).count() == 4
    roles = sorted(Membership.objects.values_list("role", flat=True))
    assert roles == sorted(
        [Role.STAFF, Role.APPROVER, Role.APPROVER, Role.ORG_ADMIN]
    )  # ปลัด and นายก
    from django.contrib.auth import get_user_model

    assert is_central_admin(get_user_model().objects.get(username="central"))
    assert "staff" in out.getvalue() and "รหัสผ่าน" in out.getvalue()


def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="สำหรับเครื่องนักพัฒนาเท่านั้น"):
        call_command("load_demo", stdout=io.StringIO())
    assert Organisation.objects.count() == 0
