"""LINE: the webhook's signature check and replay guard, linking by one-time code (expired,
reused, wrong, too many tries), unlinking, and pushes checked by a local fake Messaging API."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notify import services
from notify.management.commands.line_test_server import signed_webhook_body
from notify.models import Delivery, DeliveryStatus, Event, LineLink, LinkCode
from tests.notify.conftest import LINE_USER, SECRET, TOKEN, sign, text_event, webhook_body

pytestmark = pytest.mark.django_db


def _link(staff):
    return LineLink.objects.create(user=staff, line_user_id=LINE_USER)


# ---------------------------------------------------------------- the webhook


def test_a_valid_code_links_the_account_and_the_reply_confirms_in_thai(
    fake_line, staff, post_webhook, django_capture_on_commit_callbacks
):
    code = services.line_link_code_create(user=staff)
    body = webhook_body(text_event(f"รหัส {code.lower()}"))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(body)
    assert response.status_code == 200
    assert LineLink.objects.get(user=staff).line_user_id == LINE_USER
    reply = [c for c in fake_line.calls if c.path == "/v2/bot/message/reply"]
    assert len(reply) == 1 and reply[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert "เชื่อมต่อบัญชี LINE กับ ITA Portal" in reply[0].body["messages"][0]["text"]
    # The link is on the audit trail, acted by the user, with the LINE id masked.
    entry = LogEntry.objects.get_for_model(LineLink).get()
    assert entry.actor == staff and LINE_USER not in str(entry.changes)


def test_an_invalid_signature_is_refused(fake_line, staff, post_webhook):
    code = services.line_link_code_create(user=staff)
    body = webhook_body(text_event(code))
    assert post_webhook(body, signature=sign(body, "wrong-secret")).status_code == 403
    assert post_webhook(body, signature=False).status_code == 400
    assert post_webhook(body + b" ", signature=sign(body)).status_code == 403
    assert not LineLink.objects.exists()


def test_a_replayed_event_is_ignored(fake_line, staff, org_admin, post_webhook):
    code = services.line_link_code_create(user=staff)
    event = text_event(code, event_id="01HREPLAYREPLAYREPLAY00001")
    assert post_webhook(webhook_body(event)).status_code == 200
    LineLink.objects.all().delete()
    # The same webhookEventId again (a replay of a captured call, signature and all).
    other_code = services.line_link_code_create(user=org_admin)
    event["message"]["text"] = other_code
    assert post_webhook(webhook_body(event)).status_code == 200
    assert not LineLink.objects.exists()


def test_an_old_event_is_ignored(fake_line, staff, post_webhook):
    code = services.line_link_code_create(user=staff)
    body = webhook_body(text_event(code, age_seconds=3600, redelivery=True))
    assert post_webhook(body).status_code == 200
    assert not LineLink.objects.exists()


def test_malformed_and_oversize_bodies_are_400_or_413(fake_line, post_webhook, settings):
    for body in (b"not json", b"{}", b'{"events": [{"type": "message"}]}', b"\xff\xfe"):
        assert post_webhook(body).status_code == 400, body
    settings.LINE_WEBHOOK_MAX_BYTES = 100
    big = webhook_body(text_event("x" * 200))
    assert post_webhook(big).status_code == 413


def test_the_console_verification_call_with_no_events_is_ok(fake_line, post_webhook):
    assert post_webhook(webhook_body()).status_code == 200


def test_with_no_line_configured_the_webhook_answers_503_in_thai(post_webhook):
    response = post_webhook(webhook_body(text_event("ABCD-2345")))
    assert response.status_code == 503
    assert "ยังไม่ได้เปิดใช้การแจ้งเตือนทาง LINE" in response.content.decode()


# ---------------------------------------------------------------- codes


def test_an_expired_code_does_not_link(fake_line, staff):
    code = services.line_link_code_create(user=staff)
    LinkCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    outcome = services.line_link_bind(line_user_id=LINE_USER, text=code)
    assert outcome.result == "bad_code" and "หมดอายุ" in outcome.reply
    assert not LineLink.objects.exists()


def test_a_code_works_once(fake_line, staff):
    code = services.line_link_code_create(user=staff)
    assert services.line_link_bind(line_user_id=LINE_USER, text=code).result == "linked"
    other = "U" + "b" * 32
    assert services.line_link_bind(line_user_id=other, text=code).result == "bad_code"
    assert LineLink.objects.get(user=staff).line_user_id == LINE_USER


def test_a_new_code_replaces_the_old_one_and_only_its_hash_is_kept(fake_line, staff):
    first = services.line_link_code_create(user=staff)
    second = services.line_link_code_create(user=staff)
    assert not services.line_link_code_valid(user=staff, code=first)
    assert services.line_link_code_valid(user=staff, code=second)
    stored = LinkCode.objects.get()
    assert second.replace("-", "") not in stored.code_hash and len(stored.code_hash) == 64


def test_wrong_codes_are_bounded_per_line_account(fake_line, staff):
    for _ in range(services.LINK_ATTEMPTS):
        assert services.line_link_bind(line_user_id=LINE_USER, text="ZZZZ-ZZZZ").result == (
            "bad_code"
        )
    # Even the right code is refused now, from that LINE account.
    code = services.line_link_code_create(user=staff)
    outcome = services.line_link_bind(line_user_id=LINE_USER, text=code)
    assert outcome.result == "too_many" and "รอ 1 ชั่วโมง" in outcome.reply
    assert not LineLink.objects.exists()


def test_a_message_without_a_code_gets_the_instructions(fake_line):
    outcome = services.line_link_bind(line_user_id=LINE_USER, text="สวัสดี")
    assert outcome.result == "help" and "รหัสเชื่อมต่อ" in outcome.reply


def test_a_line_account_linked_to_someone_else_is_not_taken_over(fake_line, staff, org_admin):
    _link(org_admin)
    code = services.line_link_code_create(user=staff)
    assert services.line_link_bind(line_user_id=LINE_USER, text=code).result == "taken"
    assert LineLink.objects.get().user == org_admin


def test_blocking_the_official_account_unlinks(fake_line, staff, post_webhook):
    _link(staff)
    event = text_event("")
    event.update(type="unfollow")
    del event["message"], event["replyToken"]
    assert post_webhook(webhook_body(event)).status_code == 200
    assert not LineLink.objects.exists()


# ---------------------------------------------------------------- the page


def test_the_page_makes_a_code_with_a_qr_then_shows_the_link_and_unlinks(fake_line, staff, client):
    client.force_login(staff)
    page = client.get(reverse("notify:preferences")).content.decode()
    assert "สร้างรหัสเชื่อมต่อ LINE" in page
    client.post(reverse("notify:line_code"))
    page = client.get(reverse("notify:preferences")).content.decode()
    code = client.session["notify_line_code"]
    assert code in page and "data:image/svg+xml;base64," in page
    assert "https://line.me/R/oaMessage/%40itaportal/?" + code in page
    services.line_link_bind(line_user_id=LINE_USER, text=code)
    page = client.get(reverse("notify:preferences")).content.decode()
    assert "เชื่อมต่อบัญชี LINE แล้ว" in page and code not in page
    response = client.post(reverse("notify:line_unlink"), follow=True)
    assert "ยกเลิกการเชื่อมต่อ LINE แล้ว" in response.content.decode()
    assert not LineLink.objects.exists()
    actions = list(LogEntry.objects.get_for_model(LineLink).values_list("action", flat=True))
    assert sorted(actions) == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]


def test_with_line_off_the_page_says_so_and_no_code_is_made(staff, client):
    client.force_login(staff)
    page = client.get(reverse("notify:preferences")).content.decode()
    assert 'id="line-off"' in page and "ยังไม่ได้เปิดใช้การแจ้งเตือนทาง LINE" in page
    client.post(reverse("notify:line_code"))
    assert not LinkCode.objects.exists()


# ---------------------------------------------------------------- pushes


def _notify(user, key="k1"):
    return services.notify_user(
        user=user,
        event=Event.MEMO_WAITING,
        title="มีบันทึกข้อความรอท่านพิจารณา",
        organisation_name="องค์การบริหารส่วนตำบลขามสมบูรณ์",
        link="http://127.0.0.1:8000/o/6301401/memos/1/",
        dedupe_key=key,
    )


def test_a_push_reaches_the_messaging_api_with_the_token_and_body(
    fake_line, staff, django_capture_on_commit_callbacks
):
    _link(staff)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(staff)
    (push,) = fake_line.pushes()
    assert push.path == "/v2/bot/message/push"
    assert push.headers["Authorization"] == f"Bearer {TOKEN}"
    assert push.body["to"] == LINE_USER
    assert push.body["messages"] == [
        {
            "type": "text",
            "text": "มีบันทึกข้อความรอท่านพิจารณา\nหน่วยงาน: องค์การบริหารส่วนตำบลขามสมบูรณ์\n"
            "http://127.0.0.1:8000/o/6301401/memos/1/",
        }
    ]
    line = Delivery.objects.get(channel="line")
    assert line.status == DeliveryStatus.SENT and line.attempts == 1
    assert push.headers["X-Line-Retry-Key"] == str(line.retry_key)
    # The e-mail went too (the default: e-mail and LINE when linked).
    assert Delivery.objects.get(channel="email").status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_a_500_is_retried_with_the_same_retry_key_until_it_goes(
    fake_line, staff, django_capture_on_commit_callbacks
):
    _link(staff)
    fake_line.fail_with = [500, 500]
    with django_capture_on_commit_callbacks(execute=True):
        _notify(staff)
    pushes = fake_line.pushes()
    assert len(pushes) == 3
    assert len({p.headers["X-Line-Retry-Key"] for p in pushes}) == 1
    delivery = Delivery.objects.get(channel="line")
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 3


def test_a_push_that_keeps_failing_is_logged_failed_after_five_tries(
    fake_line, staff, django_capture_on_commit_callbacks
):
    _link(staff)
    fake_line.fail_with = [503] * 10
    with django_capture_on_commit_callbacks(execute=True):
        _notify(staff)  # the caller is never hurt by a failed send
    assert len(fake_line.pushes()) == 5
    delivery = Delivery.objects.get(channel="line")
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 5
    assert "503" in delivery.last_error


def test_a_refusal_is_not_retried(fake_line, staff, django_capture_on_commit_callbacks):
    _link(staff)
    fake_line.fail_with = [400]
    with django_capture_on_commit_callbacks(execute=True):
        _notify(staff)
    assert len(fake_line.pushes()) == 1
    assert Delivery.objects.get(channel="line").status == DeliveryStatus.FAILED


def test_an_unreachable_server_is_a_transport_error_retried(
    fake_line, staff, settings, django_capture_on_commit_callbacks
):
    _link(staff)
    fake_line.stop()
    settings.LINE_TIMEOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        _notify(staff)
    delivery = Delivery.objects.get(channel="line")
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 5
    assert "ติดต่อ LINE ไม่ได้" in delivery.last_error


def test_the_local_trial_command_sends_a_call_the_webhook_accepts(fake_line, staff, post_webhook):
    """`manage.py line_test_server --send-code` plays the LINE user (docs/deploy.md)."""
    code = services.line_link_code_create(user=staff)
    body, signature = signed_webhook_body(text=code, secret=SECRET, user_id=LINE_USER)
    assert post_webhook(body, signature=signature).status_code == 200
    assert LineLink.objects.get(user=staff).line_user_id == LINE_USER
