"""The daily reminders (portal.reminders): each event due on a date, to the right people, once
(time travel by passing dates: a re-run, or a later day in the same notice, sends nothing)."""

import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command

from approvals import services as memos
from assessments.models import Framework
from measures import services as measure_services
from notify.models import Delivery, Event
from oit import selectors as oit_selectors
from oit import services as oit
from oit.models import LinkStatus, OitEvidence
from portal.reminders import reminders_due, reminders_send
from portal.tasks import send_daily_reminders
from tests.factories import MembershipFactory
from tests.memo_helpers import YEAR, new_memo, setup_chain

pytestmark = pytest.mark.django_db

SIX_MONTHS_END = date(2025, 3, 31)


@pytest.fixture
def world(org, staff, org_admin, approver):
    unit, rounds, measure, template, mayor = setup_chain(org, staff, org_admin, approver)
    # A second measure with nothing reported: the 6-month round has 1 unreported.
    measure_services.measure_create(
        organisation=org,
        year=YEAR,
        user=staff,
        title="อบรมจริยธรรม",
        responsible_units=[unit],
        steps=["อบรม"],
        timeframe_kind="quarters",
        quarters=[3],
    )
    Framework.objects.update(oit_opens_on=None, oit_deadline=None)
    return unit, rounds, template, mayor


def _sent(**filters):
    return sorted(
        Delivery.objects.filter(**filters).values_list("user__username", "event", "dedupe_key")
    )


def test_round_deadline_14_then_3_days_to_editors_once_each(world, org, staff, org_admin):
    rnd = world[1][0]
    assert reminders_send(today=SIX_MONTHS_END - timedelta(days=14))[Event.ROUND_DEADLINE] == 2
    key14 = f"round-deadline:{rnd.pk}:14"
    assert _sent() == [
        ("orgadmin", Event.ROUND_DEADLINE, key14),
        ("staff", Event.ROUND_DEADLINE, key14),
    ]  # staff and org admins (who may report); not approvers
    title = Delivery.objects.filter(user=staff).get().title
    assert title == (
        "รอบ 6 เดือน ปีงบประมาณ 2568 ครบกำหนดวันที่ 31 มีนาคม 2568 (อีก 14 วัน) ยังไม่ได้รายงานผล 1 มาตรการ"
    )
    link = Delivery.objects.filter(user=staff).get().link
    assert link == f"{settings.SITE_URL}/o/{org.code}/{YEAR}/progress/"
    # The same day again, and the next days of the same notice: nothing new.
    for days in (14, 13, 4):
        assert sum(reminders_send(today=SIX_MONTHS_END - timedelta(days=days)).values()) == 0
    assert reminders_send(today=SIX_MONTHS_END - timedelta(days=3))[Event.ROUND_DEADLINE] == 2
    assert reminders_send(today=SIX_MONTHS_END)[Event.ROUND_DEADLINE] == 0
    assert reminders_send(today=SIX_MONTHS_END + timedelta(days=1))[Event.ROUND_DEADLINE] == 0
    assert Delivery.objects.count() == 4


def test_a_round_with_everything_reported_reminds_nobody(world, org, staff):
    rnd = world[1][0]
    for measure in org.measures.filter(progress__isnull=True):
        measure_services.progress_entry_record(
            measure=measure,
            round=rnd,
            user=staff,
            status="in_progress",
            output="กำลังดำเนินการ",
            reported_on=date(2025, 3, 1),
        )
    assert not reminders_due(today=SIX_MONTHS_END - timedelta(days=3))


def test_a_step_waiting_n_days_reminds_its_signer_once(world, org, staff, org_admin, settings):
    unit, rounds, template, _ = world
    memo = new_memo(org, staff, unit, rounds)
    memos.memo_submit(memo=memo, user=staff, template=template)
    memo.refresh_from_db()
    settings.REMINDER_WAITING_DAYS = 3
    assert reminders_send(today=memo.date + timedelta(days=2))[Event.MEMO_WAITING_LONG] == 0
    assert reminders_send(today=memo.date + timedelta(days=3))[Event.MEMO_WAITING_LONG] == 1
    delivery = Delivery.objects.get(event=Event.MEMO_WAITING_LONG)
    assert delivery.user == org_admin  # หัวหน้าสำนักปลัด, the first signer
    assert delivery.title == "บันทึกข้อความรอท่านพิจารณามาแล้ว 3 วัน"
    assert delivery.link.endswith(f"/o/{org.code}/memos/{memo.pk}/")
    assert memo.subject not in delivery.title
    for days in (3, 4, 10):
        assert reminders_send(today=memo.date + timedelta(days=days))[Event.MEMO_WAITING_LONG] == 0


def test_oit_window_opening_and_closing(world, org, staff, org_admin):
    framework = Framework.objects.get(fiscal_year__year=YEAR, variant="อปท.")
    Framework.objects.filter(pk=framework.pk).update(
        oit_opens_on=date(2025, 1, 6), oit_deadline=date(2025, 4, 30)
    )
    assert reminders_send(today=date(2025, 1, 5))[Event.OIT_WINDOW_OPENING] == 0
    assert reminders_send(today=date(2025, 1, 6))[Event.OIT_WINDOW_OPENING] == 2
    assert reminders_send(today=date(2025, 1, 7))[Event.OIT_WINDOW_OPENING] == 0
    opening = Delivery.objects.get(user=staff, event=Event.OIT_WINDOW_OPENING)
    assert opening.title == (
        "เปิดช่วงเผยแพร่ข้อมูล OIT ปีงบประมาณ 2568 แล้ว ตั้งแต่วันที่ 6 มกราคม 2568 ถึงวันที่ 30 เมษายน 2568"
    )
    assert opening.link.endswith(f"/o/{org.code}/{YEAR}/oit/")
    assert reminders_send(today=date(2025, 4, 22))[Event.OIT_WINDOW_CLOSING] == 0
    assert reminders_send(today=date(2025, 4, 23))[Event.OIT_WINDOW_CLOSING] == 2
    assert reminders_send(today=date(2025, 4, 25))[Event.OIT_WINDOW_CLOSING] == 0
    assert reminders_send(today=date(2025, 4, 29))[Event.OIT_WINDOW_CLOSING] == 2
    assert reminders_send(today=date(2025, 4, 30))[Event.OIT_WINDOW_CLOSING] == 0
    assert reminders_send(today=date(2025, 5, 1))[Event.OIT_WINDOW_CLOSING] == 0
    titles = set(
        Delivery.objects.filter(event=Event.OIT_WINDOW_CLOSING).values_list("title", flat=True)
    )
    assert titles == {
        "ช่วงเผยแพร่ข้อมูล OIT ปีงบประมาณ 2568 จะปิดวันที่ 30 เมษายน 2568 (อีก 7 วัน)",
        "ช่วงเผยแพร่ข้อมูล OIT ปีงบประมาณ 2568 จะปิดวันที่ 30 เมษายน 2568 (อีก 1 วัน)",
    }


def test_survey_closing_with_counts_short_of_a_known_minimum(world, org, staff, org_admin):
    from assessments.models import SurveySettings
    from assessments.services import survey_counts_record

    framework = Framework.objects.get(fiscal_year__year=YEAR, variant="อปท.")
    settings_row = SurveySettings.objects.get(framework=framework)
    settings_row.opens_on, settings_row.closes_on = date(2025, 5, 1), date(2025, 6, 30)
    settings_row.save()
    # No minimum known: nobody is told their count is short (the portal never guesses one).
    assert reminders_send(today=date(2025, 6, 23))[Event.SURVEY_CLOSING] == 0
    SurveySettings.objects.filter(pk=settings_row.pk).update(
        iit_min_respondents=30, eit_min_respondents=100
    )
    survey_counts_record(
        user=staff,
        organisation=org,
        year=YEAR,
        iit_responses=31,
        eit_responses=42,
        as_of=date(2025, 6, 1),
    )
    assert reminders_send(today=date(2025, 6, 22))[Event.SURVEY_CLOSING] == 0  # 8 days left
    # 7 days left: EIT only (IIT reached its minimum), to both editors; once.
    assert reminders_send(today=date(2025, 6, 23))[Event.SURVEY_CLOSING] == 2
    assert reminders_send(today=date(2025, 6, 24))[Event.SURVEY_CLOSING] == 0
    delivery = Delivery.objects.get(user=staff, event=Event.SURVEY_CLOSING)
    assert delivery.title == (
        "แบบสำรวจ EIT ปีงบประมาณ 2568 จะปิดวันที่ 30 มิถุนายน 2568 (อีก 7 วัน) มีผู้ตอบ 42 คน ยังไม่ถึงขั้นต่ำ 100 คน"
    )
    assert delivery.link.endswith(f"/o/{org.code}/{YEAR}/survey/")
    assert {d.user for d in Delivery.objects.filter(event=Event.SURVEY_CLOSING)} == {
        staff,
        org_admin,
    }
    # The last day's notice, then nothing after the window.
    assert reminders_send(today=date(2025, 6, 29))[Event.SURVEY_CLOSING] == 2
    assert reminders_send(today=date(2025, 7, 1))[Event.SURVEY_CLOSING] == 0


def test_broken_oit_links_once_a_week_while_broken(world, org, staff):
    framework = Framework.objects.get(fiscal_year__year=YEAR, variant="อปท.")
    item = {i.code: i for i in oit_selectors.oit_items(framework)}["o1"]
    entry = oit.entry_for(organisation=org, item=item, year=YEAR)
    evidence = oit.evidence_add_url(entry=entry, user=staff, url="https://example.invalid/o1")
    OitEvidence.objects.filter(pk=evidence.pk).update(link_status=LinkStatus.BROKEN)
    monday = date(2025, 6, 2)
    assert reminders_send(today=monday)[Event.OIT_BROKEN_LINK] == 2
    assert reminders_send(today=monday + timedelta(days=6))[Event.OIT_BROKEN_LINK] == 0
    assert reminders_send(today=monday + timedelta(days=7))[Event.OIT_BROKEN_LINK] == 2
    OitEvidence.objects.filter(pk=evidence.pk).update(link_status=LinkStatus.OK)
    assert reminders_send(today=monday + timedelta(days=14))[Event.OIT_BROKEN_LINK] == 0
    title = Delivery.objects.filter(event=Event.OIT_BROKEN_LINK).first().title
    assert title == "ลิงก์หลักฐาน OIT ปีงบประมาณ 2568 ใช้งานไม่ได้ 1 ลิงก์"


def test_a_delegation_starting_is_told_by_the_daily_job_once(
    world, org, org_admin, approver, django_capture_on_commit_callbacks
):
    deputy = MembershipFactory(organisation=org, role="approver", user__username="deputy").user
    starts = date.today() + timedelta(days=5)
    memos.delegation_create(
        organisation=org,
        user=org_admin,
        delegator=approver,
        delegate=deputy,
        kind="acting",
        starts_on=starts,
        ends_on=starts + timedelta(days=3),
        order_number="45/2569",
        order_date=starts - timedelta(days=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=starts - timedelta(days=1))[Event.DELEGATION_STARTED] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=starts)[Event.DELEGATION_STARTED] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=starts)[Event.DELEGATION_STARTED] == 0
    (delivery,) = Delivery.objects.filter(user=deputy, event=Event.DELEGATION_STARTED)
    assert "รักษาราชการแทน" in delivery.title and "45/2569" in delivery.title


def test_everything_due_is_sent_once_by_mail_and_a_rerun_sends_nothing(
    world, org, staff, org_admin, django_capture_on_commit_callbacks
):
    Framework.objects.filter(fiscal_year__year=YEAR, variant="อปท.").update(
        oit_opens_on=SIX_MONTHS_END - timedelta(days=3), oit_deadline=date(2025, 4, 30)
    )
    today = SIX_MONTHS_END - timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send(today=today)
    assert first[Event.ROUND_DEADLINE] == 2 and first[Event.OIT_WINDOW_OPENING] == 2
    sent = len(mail.outbox)
    assert sent == 4 and Delivery.objects.filter(status="sent").count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        again = reminders_send(today=today)
    assert sum(again.values()) == 0 and len(mail.outbox) == sent


def test_the_command_and_the_task_run_the_same(world, staff):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2025-03-17", stdout=out)
    assert "ส่งใหม่ 2 รายการ" in out.getvalue()
    out = io.StringIO()
    call_command("send_reminders", "--date", "2025-03-17", stdout=out)
    assert "ส่งใหม่ 0 รายการ" in out.getvalue()
    with pytest.raises(CommandError, match="วันที่ไม่ถูกต้อง"):
        call_command("send_reminders", "--date", "17/03/2568")
    assert isinstance(send_daily_reminders(), dict)


def test_the_beat_runs_the_reminders_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["send-daily-reminders"]
    assert entry["task"] == "portal.send_daily_reminders"
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {0}
