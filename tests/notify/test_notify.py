"""notify_user: channels per preference, once per key, the message's shape (title, organisation,
link; no content), the retry set-up, and the user's page (their own data only)."""

import io

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from approvals import services as memos
from approvals.models import Decision
from notify import messages, services
from notify.channels import TransportError
from notify.models import Channel, ChannelPreference, Delivery, DeliveryStatus, Event, LineLink
from notify.sending import MAX_ATTEMPTS, delivery_send
from notify.tasks import send_delivery
from tests.factories import UserFactory
from tests.memo_helpers import act, new_memo, setup_chain
from tests.notify.conftest import LINE_USER

pytestmark = pytest.mark.django_db

ORG = "องค์การบริหารส่วนตำบลขามสมบูรณ์"
LINK = "http://127.0.0.1:8000/o/6301401/memos/7/"

#: every event's title, filled as the portal fills it
EXAMPLES = {
    Event.MEMO_WAITING: {"acting": ""},
    Event.MEMO_WAITING_LONG: {"days": 4, "acting": " (ในฐานะผู้ปฏิบัติหน้าที่แทน นาย ก)"},
    Event.MEMO_RETURNED: {},
    Event.MEMO_PUBLISHED: {},
    Event.MEMO_PUBLICATION_FAILED: {},
    Event.ROUND_DEADLINE: {
        "round": "รอบ 6 เดือน",
        "year": 2570,
        "deadline": "31 มีนาคม 2570",
        "days": 14,
        "count": 3,
    },
    Event.OIT_WINDOW_OPENING: {
        "year": 2570,
        "opens": "1 มกราคม 2570",
        "deadline": "30 เมษายน 2570",
    },
    Event.OIT_WINDOW_CLOSING: {"year": 2570, "deadline": "30 เมษายน 2570", "days": 7},
    Event.OIT_BROKEN_LINK: {"year": 2570, "count": 2},
    Event.DELEGATION_STARTED: {
        "kind": "รักษาราชการแทน",
        "delegator": "นาย ก",
        "starts": "1 ธันวาคม 2569",
        "ends": "5 ธันวาคม 2569",
        "order": "คำสั่งที่ 45/2569",
    },
    Event.SURVEY_CLOSING: {
        "tool": "EIT",
        "year": 2570,
        "closes": "31 พฤษภาคม 2570",
        "days": 3,
        "count": 120,
        "minimum": 200,
    },
}


def test_every_event_has_a_title_and_an_example():
    assert set(messages.TITLES) == set(Event.values) == set(EXAMPLES)


@pytest.mark.parametrize("event", list(Event))
def test_every_events_message_is_title_organisation_and_link(
    event, staff, fake_line, django_capture_on_commit_callbacks
):
    LineLink.objects.create(user=staff, line_user_id=LINE_USER)
    title = messages.title_for(event, **EXAMPLES[event])
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_user(
            user=staff,
            event=event,
            title=title,
            organisation_name=ORG,
            link=LINK,
            dedupe_key=f"example:{event}",
        )
    expected = f"{title}\nหน่วยงาน: {ORG}\n{LINK}"
    (push,) = fake_line.pushes()
    assert push.body["messages"][0]["text"] == expected
    (email,) = mail.outbox
    assert email.subject == "[ITA Portal] " + title
    assert email.body.startswith(expected + "\n\n--\n")
    # Nothing but the title, the organisation, the link and the fixed footer.
    footer = email.body.split("\n--\n", 1)[1]
    assert footer.startswith("ข้อความนี้ส่งจากระบบ ITA Portal") and "\n" not in footer.strip()


def test_memo_notices_carry_no_subject_or_comment(
    org, staff, org_admin, approver, django_capture_on_commit_callbacks
):
    """The memo's subject and the returning comment stay behind the sign-in (PDPA)."""
    unit, rounds, measure, template, mayor = setup_chain(org, staff, org_admin, approver)
    memo = new_memo(org, staff, unit, rounds)
    with django_capture_on_commit_callbacks(execute=True):
        memos.memo_submit(memo=memo, user=staff, template=template)
    act(memo, org_admin, Decision.RETURNED, comment="แก้ตัวเลขหน้า 3")
    assert {m.subject for m in mail.outbox} == {
        "[ITA Portal] มีบันทึกข้อความรอท่านพิจารณา",
        "[ITA Portal] บันทึกข้อความถูกส่งกลับแก้ไข",
    }
    for message in mail.outbox:
        assert memo.subject not in message.body and "แก้ตัวเลข" not in message.body
        assert org.name in message.body and f"/memos/{memo.pk}/" in message.body
    assert set(Delivery.objects.values_list("event", flat=True)) == {
        Event.MEMO_WAITING,
        Event.MEMO_RETURNED,
    }


def test_the_default_is_email_and_line_when_linked(staff, fake_line):
    assert (
        services.notify_user(
            user=staff,
            event=Event.MEMO_RETURNED,
            title="t",
            organisation_name=ORG,
            link=LINK,
            dedupe_key="a",
        )[0].channel
        == Channel.EMAIL
    )
    LineLink.objects.create(user=staff, line_user_id=LINE_USER)
    created = services.notify_user(
        user=staff,
        event=Event.MEMO_RETURNED,
        title="t",
        organisation_name=ORG,
        link=LINK,
        dedupe_key="b",
    )
    assert sorted(d.channel for d in created) == [Channel.EMAIL, Channel.LINE]


def test_preferences_are_respected(staff, fake_line, django_capture_on_commit_callbacks):
    LineLink.objects.create(user=staff, line_user_id=LINE_USER)
    services.channel_preferences_set(
        user=staff,
        wanted={Event.MEMO_RETURNED: {Channel.LINE}, Event.OIT_BROKEN_LINK: set()},
    )
    with django_capture_on_commit_callbacks(execute=True):
        for event in (Event.MEMO_RETURNED, Event.OIT_BROKEN_LINK, Event.MEMO_PUBLISHED):
            services.notify_user(
                user=staff,
                event=event,
                title="t",
                organisation_name=ORG,
                link=LINK,
                dedupe_key=str(event),
            )
    assert sorted(Delivery.objects.values_list("event", "channel")) == [
        (Event.MEMO_PUBLISHED, Channel.EMAIL),
        (Event.MEMO_PUBLISHED, Channel.LINE),
        (Event.MEMO_RETURNED, Channel.LINE),
    ]
    assert len(fake_line.pushes()) == 2 and len(mail.outbox) == 1


def test_line_is_not_used_while_it_is_off_and_no_address_means_no_email(staff):
    LineLink.objects.create(user=staff, line_user_id=LINE_USER)
    staff.email = ""
    staff.save()
    assert (
        services.notify_user(
            user=staff,
            event=Event.MEMO_RETURNED,
            title="t",
            organisation_name=ORG,
            link=LINK,
            dedupe_key="a",
        )
        == []
    )


def test_the_same_key_sends_once(staff, django_capture_on_commit_callbacks):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.notify_user(
                user=staff,
                event=Event.MEMO_RETURNED,
                title="t",
                organisation_name=ORG,
                link=LINK,
                dedupe_key="returned:1",
            )
    assert Delivery.objects.count() == 1 and len(mail.outbox) == 1


def test_the_task_retries_transport_errors_with_back_off_five_tries_at_most():
    assert send_delivery.autoretry_for == (TransportError,)
    assert send_delivery.max_retries == MAX_ATTEMPTS - 1 == 4
    assert send_delivery.retry_backoff and send_delivery.acks_late


def test_a_transport_error_raises_until_the_last_try(staff, fake_line):
    LineLink.objects.create(user=staff, line_user_id=LINE_USER)
    staff.email = ""
    staff.save()
    (delivery,) = services.notify_user(
        user=staff,
        event=Event.MEMO_RETURNED,
        title="t",
        organisation_name=ORG,
        link=LINK,
        dedupe_key="a",
    )
    fake_line.fail_with = [502, 502]
    with pytest.raises(TransportError):
        delivery_send(delivery_pk=delivery.pk, final=False)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery_send(delivery_pk=delivery.pk, final=True) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2


def test_preference_changes_are_audited(staff, client):
    client.force_login(staff)
    response = client.post(
        reverse("notify:preferences"),
        {f"{Event.MEMO_RETURNED}__email": "on", "unknown__field": "x" * 5000},
        follow=True,
    )
    assert "บันทึกช่องทางการแจ้งเตือนแล้ว" in response.content.decode()
    pref = ChannelPreference.objects.get(user=staff, event=Event.MEMO_RETURNED)
    assert pref.email and not pref.line
    # Every other event was unticked too (the form is the whole table).
    assert ChannelPreference.objects.filter(user=staff).count() == len(Event)
    assert LogEntry.objects.get_for_model(ChannelPreference).filter(actor=staff).exists()
    page = response.content.decode()
    # The events left with no channel are named; the one still sent by e-mail is not.
    assert "ท่านจะไม่ได้รับการแจ้งเตือนเรื่องต่อไปนี้ทางใดเลย" in page
    assert Event.MEMO_WAITING.label in page.split("ทางใดเลย")[1]
    assert Event.MEMO_RETURNED.label not in page.split("ทางใดเลย")[1].split("</div>")[0]


def _only_line_for_memo_returned(client) -> str:
    data = {f"{event}__email": "on" for event in Event if event != Event.MEMO_RETURNED}
    data[f"{Event.MEMO_RETURNED}__line"] = "on"
    response = client.post(reverse("notify:preferences"), data, follow=True)
    page = response.content.decode()
    return page.split("ทางใดเลย")[1].split("</div>")[0] if "ทางใดเลย" in page else ""


def test_an_event_left_to_line_while_line_is_off_is_named(staff, client):
    client.force_login(staff)
    warning = _only_line_for_memo_returned(client)
    assert Event.MEMO_RETURNED.label in warning and "ระบบยังไม่ได้เปิดใช้ LINE" in warning
    assert Event.MEMO_WAITING.label not in warning


def test_an_event_left_to_line_before_linking_is_named_then_not(staff, client, fake_line):
    client.force_login(staff)
    warning = _only_line_for_memo_returned(client)
    assert Event.MEMO_RETURNED.label in warning and "ท่านยังไม่ได้เชื่อมต่อ LINE" in warning
    LineLink.objects.create(user=staff, line_user_id="U" + "1" * 32)
    assert _only_line_for_memo_returned(client) == ""


def test_every_event_with_a_channel_gives_no_warning(staff, client):
    client.force_login(staff)
    data = {f"{event}__email": "on" for event in Event}
    response = client.post(reverse("notify:preferences"), data, follow=True)
    assert "ทางใดเลย" not in response.content.decode()


# ---------------------------------------------------------------- the page's access


@pytest.mark.parametrize("name", ["notify:preferences", "notify:line_code", "notify:line_unlink"])
def test_anonymous_is_sent_to_the_login(client, name):
    response = client.post(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_sees_only_their_own_deliveries(staff, org_admin, client):
    for user, title in ((staff, "ของเจ้าหน้าที่"), (org_admin, "ของผู้ดูแล")):
        services.notify_user(
            user=user,
            event=Event.MEMO_RETURNED,
            title=title,
            organisation_name=ORG,
            link=LINK,
            dedupe_key="x",
        )
    client.force_login(staff)
    page = client.get(reverse("notify:preferences")).content.decode()
    assert "การแจ้งเตือนที่ส่งถึงฉัน" in page and "ของเจ้าหน้าที่" in page
    assert "ของผู้ดูแล" not in page


def test_unlinking_touches_only_ones_own_link(staff, org_admin, client):
    LineLink.objects.create(user=org_admin, line_user_id=LINE_USER)
    client.force_login(staff)
    response = client.post(reverse("notify:line_unlink"), follow=True)
    assert "ไม่ได้เชื่อมต่อ LINE" in response.content.decode()
    assert LineLink.objects.filter(user=org_admin).exists()


def test_the_user_menu_links_the_page(staff, client):
    client.force_login(staff)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("notify:preferences")}"' in page


def test_the_org_admin_page_lists_the_organisations_deliveries_only(
    org, other_org, staff, org_admin, outsider, client
):
    for user, organisation, title in (
        (staff, org, "ของหน่วยงานนี้"),
        (outsider, other_org, "ของหน่วยงานอื่น"),
    ):
        services.notify_user(
            user=user,
            event=Event.MEMO_RETURNED,
            title=title,
            organisation_name=organisation.name,
            organisation_id=organisation.pk,
            link=LINK,
            dedupe_key="x",
        )
    url = reverse("organisation_deliveries", args=[org.code])
    client.force_login(org_admin)
    page = client.get(url).content.decode()
    assert "ของหน่วยงานนี้" in page and "ของหน่วยงานอื่น" not in page
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_central_admins_read_the_log_in_the_django_admin_read_only(staff, client):
    UserFactory(username="central-user")
    call_command("grant_central_admin", "central-user", stdout=io.StringIO())
    (delivery,) = services.notify_user(
        user=staff,
        event=Event.MEMO_RETURNED,
        title="ส่งกลับ",
        organisation_name=ORG,
        link=LINK,
        dedupe_key="x",
    )
    client.force_login(type(staff).objects.get(username="central-user"))
    assert "ส่งกลับ" in client.get("/admin/notify/delivery/").content.decode()
    change = client.get(f"/admin/notify/delivery/{delivery.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.get("/admin/notify/delivery/add/").status_code == 403
    assert client.post(f"/admin/notify/delivery/{delivery.pk}/delete/").status_code == 403
