"""The local demo: idempotent, one user per role, refuses to run in production."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from approvals.models import Delegation
from organisations.access import is_central_admin
from organisations.models import Membership, Organisation, Role, Unit

pytestmark = pytest.mark.django_db


def test_load_demo_twice(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=io.StringIO())
    # The demo agency and its two neighbours in another district of the province.
    assert Organisation.objects.count() == 3
    org = Organisation.objects.get(code="6301401")
    assert org.name == "องค์การบริหารส่วนตำบลขามสมบูรณ์"
    neighbours = Organisation.objects.exclude(pk=org.pk)
    assert {o.province for o in neighbours} == {org.province}
    assert {o.district for o in neighbours} == {"ด่านขุนทด"} != {org.district}
    assert Unit.objects.filter(organisation=org).count() == 4
    roles = sorted(Membership.objects.values_list("role", flat=True))
    assert roles == sorted(
        [Role.STAFF, Role.APPROVER, Role.APPROVER, Role.APPROVER, Role.ORG_ADMIN]
    )  # ปลัด, นายก and รองนายก
    # The รองนายก stands in for the นายก under one recorded order (not duplicated on a re-run).
    delegation = Delegation.objects.get()
    assert (delegation.delegator.username, delegation.delegate.username) == ("mayor", "deputy")
    assert delegation.order_number.startswith("215/")
    from django.contrib.auth import get_user_model

    assert is_central_admin(get_user_model().objects.get(username="central"))
    # The provincial user oversees the three agencies (one scope, not duplicated by a re-run).
    province = get_user_model().objects.get(username="province")
    assert [s.label for s in province.oversight_scopes.all()] == ["จังหวัดนครราชสีมา"]
    assert not province.memberships.exists() and not is_central_admin(province)
    # Every agency has its row of this fiscal year for the oversight dashboard.
    from oversight.models import AgencyStatus

    assert AgencyStatus.objects.filter(year=2570).count() == 3
    assert "staff" in out.getvalue() and "รหัสผ่าน" in out.getvalue()


def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="สำหรับเครื่องนักพัฒนาเท่านั้น"):
        call_command("load_demo", stdout=io.StringIO())
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(
    ("clock", "quarters", "reported"),
    [
        ("2026-12-06 09:00+07:00", [2, 3], 0),  # 6 December 2569: fiscal year 2570 begins
        ("2027-05-15 09:00+07:00", [3, 4], 2),  # 15 May 2570: the 6-month round is over
    ],
)
def test_the_demo_lives_in_todays_year(settings, client, time_machine, clock, quarters, reported):
    """Every demo user lands on this year with something in it, whatever the date."""
    from django.urls import reverse

    from measures.models import Measure, ProgressEntry

    settings.DEBUG = True
    time_machine.move_to(clock, tick=False)
    call_command("load_framework", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # still idempotent
    org = Organisation.objects.get(code="6301401")
    planned = Measure.objects.filter(organisation=org, fiscal_year__year=2570)
    assert planned.count() == 3
    assert all(m.quarters == quarters for m in planned)
    # Two carry their 2568 items through lineage; one lists the items nothing continues yet.
    assert sum(m.items.exists() for m in planned) == 2
    assert sum(bool(m.unlinked_items) for m in planned) == 1
    # Their steps cite 2568's codes, which 2570 renumbers: the year is named.
    steps = [s.text for m in planned for s in m.steps.all()]
    assert steps and all("(รหัสข้อตามกรอบการประเมินปี 2568)" in text for text in steps)
    assert ProgressEntry.objects.filter(measure__in=planned).count() == reported

    def landing(username):
        client.logout()
        client.force_login(get_user_model().objects.get(username=username))
        return client.get(reverse("dashboard")).content.decode()

    staff = landing("staff")
    assert reverse("measures:measure_list", args=[org.code, 2570]) in staff
    assert 'id="oit-window"' in staff and "ITAS ปี 2570" in staff
    assert 'id="returned-memos"' in staff and "การวิเคราะห์ผลการประเมิน" in staff
    assert "ยังไม่ประกาศ</span>" in staff  # 2570 runs on a provisional framework
    approver = landing("approver")
    assert 'id="waiting-list"' in approver
    assert "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. 2570" in approver
    for username in ("orgadmin", "mayor"):
        page = landing(username)
        assert 'id="oit-window"' in page and "2570" in page
    central = landing("central")
    assert 'id="landing-oversight"' in central and "ทั้งประเทศ" in central
    assert 'id="framework-missing-alert"' not in central


def test_load_demo_quietly_prints_the_logins_only(settings, mailoutbox):
    """`make run` runs it with -v0: its output is the demo logins, nothing else."""
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", verbosity=0, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("ผู้ใช้สำหรับทดลอง")
    assert len(lines) == 1 + 7  # the heading and one line per demo user
    assert "deputy" in lines[-3] and "บทบาท: ผู้บริหาร (ผู้อนุมัติ)" in lines[-3]
    assert "central" in lines[-2] and "บทบาท" not in lines[-2]
    assert "province" in lines[-1] and "ผู้กำกับดูแลจังหวัดนครราชสีมา" in lines[-1]


def test_serve_demo_says_where_it_serves_in_thai_only():
    """`make run` ends with the demo logins and this one line: no English banner, no reloader."""
    from portal.management.commands.serve_demo import Command

    out = io.StringIO()
    command = Command(stdout=out)
    parser = command.create_parser("manage.py", "serve_demo")
    options = parser.parse_args(["127.0.0.1:8790"])
    assert options.use_reloader is False and options.skip_checks is True
    command.addr, command._raw_ipv6, command.protocol = "127.0.0.1", False, "http"
    command.on_bind(8790)
    assert out.getvalue().strip() == (
        "ITA Portal พร้อมใช้งานที่ http://127.0.0.1:8790/ "
        "(เครื่องทดลอง ไม่ใช่การใช้งานจริง · กด Ctrl+C เพื่อหยุด)"
    )
