"""Signing in: lockout after failures, Argon2, sessions, password reset and change by e-mail, and the
optional TOTP second step for approvers and admins."""

import base64
import re
from binascii import unhexlify
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ita_portal.settings import base
from organisations.two_factor import SETUP_KEY_SESSION
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-ทดสอบ-1234"  # tests.factories.UserFactory's
LOCKED = "เข้าสู่ระบบผิดหลายครั้ง บัญชีนี้ถูกระงับการเข้าสู่ระบบจากเครื่องนี้ชั่วคราว 30 นาที"
LOGIN_FAILED = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
WRONG_CODE = "รหัสยืนยันไม่ถูกต้องหรือหมดอายุแล้ว"


def _login(client, username, password, *, ip="192.0.2.10", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def _signed_in(client) -> bool:
    return client.get(reverse("dashboard")).status_code == 200


# ---------------------------------------------------------------- lockout (django-axes)


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True


def test_five_failures_lock_the_user_from_that_address(client, axes_on, approver):
    """The combination: five failures lock this user from this address, even with the right
    password, and nobody else."""
    for attempt in range(1, 5):
        response = _login(client, "approver", "wrong", ip="192.0.2.1")
        assert response.status_code == 200
        assert LOGIN_FAILED in response.content.decode()
        # The last two tries are announced (a trial found the lockout a surprise).
        warning = f"ถ้ากรอกผิดอีก {5 - attempt} ครั้ง บัญชีนี้จะถูกระงับ"
        assert (warning in response.content.decode()) == (attempt >= 3), attempt
    fifth = _login(client, "approver", "wrong", ip="192.0.2.1")
    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    sixth = _login(client, "approver", PASSWORD, ip="192.0.2.1")
    assert sixth.status_code == 429
    assert "ลืมรหัสผ่าน?" in sixth.content.decode()
    assert not _signed_in(client)
    # The same user from another address (home, a phone) is not locked.
    assert _login(client, "approver", PASSWORD, ip="192.0.2.99").status_code == 302


def test_one_users_typos_do_not_lock_the_office(client, axes_on, approver, staff):
    """An office behind one NAT address: one user's five typos lock that user there, not the
    colleague at the next desk."""
    for _ in range(5):
        _login(client, "approver", "wrong", ip="198.51.100.7")
    assert _login(client, "approver", PASSWORD, ip="198.51.100.7").status_code == 429
    assert _login(client, "staff", PASSWORD, ip="198.51.100.7").status_code == 302


def test_nobody_locks_another_user_from_elsewhere(client, axes_on, approver):
    for n in range(5):
        _login(client, "approver", "wrong", ip=f"203.0.113.{n + 1}")
    assert _login(client, "approver", PASSWORD, ip="198.51.100.20").status_code == 302


def test_an_address_failing_many_usernames_is_throttled(client, axes_on, approver, settings):
    """Password spraying (one address, many usernames) stops at the address's failure limit."""
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    for n in range(8):
        assert _login(client, f"guess{n}", "wrong", ip="198.51.100.30").status_code == 200
    refused = _login(client, "approver", PASSWORD, ip="198.51.100.30")
    assert refused.status_code == 429
    assert "ระงับการเข้าสู่ระบบจากเครือข่ายนี้ชั่วคราว" in refused.content.decode()
    assert not _signed_in(client)
    # Another address is not affected.
    assert _login(client, "approver", PASSWORD, ip="198.51.100.31").status_code == 302


def test_behind_the_proxy_the_lock_follows_the_client_not_a_forged_header(
    client, axes_on, settings, approver
):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        # The attacker rotates what it claims in X-Forwarded-For; the proxy appends the real address.
        _login(
            client,
            "approver",
            "wrong",
            ip="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.9",
        )
    locked = _login(
        client, "approver", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.9"
    )
    assert locked.status_code == 429
    other_client = _login(
        client, "approver", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10"
    )
    assert other_client.status_code == 302


def test_login_works_again_after_the_cool_off(client, axes_on, approver, time_machine):
    time_machine.move_to("2025-05-01 09:00+07:00", tick=False)
    for _ in range(5):
        _login(client, "approver", "wrong")
    time_machine.move_to("2025-05-01 09:29+07:00", tick=False)
    assert _login(client, "approver", PASSWORD).status_code == 429

    time_machine.move_to("2025-05-01 09:31+07:00", tick=False)
    assert _login(client, "approver", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_lockout_is_configured_as_the_policy_says():
    assert base.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert base.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert base.AXES_FAILURE_LIMIT == 5
    assert base.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert base.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert base.LOGIN_FAILURES_PER_ADDRESS >= 20  # an office's worth of typos


# ---------------------------------------------------------------- hashing and sessions


def test_base_settings_hash_passwords_with_argon2_first(settings):
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    encoded = make_password("รหัสผ่าน-ที่-ยาวพอ-2568")
    assert encoded.startswith("argon2")
    assert check_password("รหัสผ่าน-ที่-ยาวพอ-2568", encoded)
    # Django's four validators are kept.
    assert len(base.AUTH_PASSWORD_VALIDATORS) == 4


def test_session_lasts_a_working_day_and_ends_with_the_browser(client, staff):
    assert base.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert base.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert base.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert base.SESSION_SAVE_EVERY_REQUEST is False
    response = _login(client, "staff", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"]
    assert client.session.get_expiry_age() == 8 * 60 * 60


# ---------------------------------------------------------------- password reset and change


def _reset_link(message) -> str:
    match = re.search(r"(https?://\S+/accounts/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_by_email(client, staff, mailoutbox, settings):
    login_page = client.get(reverse("login")).content.decode()
    assert "ลืมรหัสผ่าน?" in login_page and reverse("password_reset") in login_page

    response = client.post(reverse("password_reset"), {"email": "staff@example.invalid"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "ตั้งรหัสผ่านใหม่ ITA Portal"
    assert message.to == ["staff@example.invalid"]
    assert "ใช้ได้ครั้งเดียว" in message.body
    link = _reset_link(message)
    assert link.startswith(settings.SITE_URL + "/accounts/reset/")

    # The token moves out of the URL into the session, then the form shows.
    set_password_url = client.get(urlsplit(link).path)["Location"]
    page = client.get(set_password_url).content.decode()
    assert "ตั้งรหัสผ่านใหม่" in page

    weak = client.post(set_password_url, {"new_password1": "12345678", "new_password2": "12345678"})
    weak_page = weak.content.decode()
    assert weak.status_code == 200
    assert "รหัสผ่านต้องไม่เป็นตัวเลขทั้งหมด" in weak_page
    assert "รหัสผ่านนี้ใช้กันทั่วไปและเดาง่าย" in weak_page
    assert "entirely numeric" not in weak_page
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)

    done = client.post(
        set_password_url,
        {"new_password1": "ขามสมบูรณ์-โปร่งใส-2568", "new_password2": "ขามสมบูรณ์-โปร่งใส-2568"},
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert "ตั้งรหัสผ่านใหม่เรียบร้อยแล้ว" in client.get(done["Location"]).content.decode()
    staff.refresh_from_db()
    assert staff.check_password("ขามสมบูรณ์-โปร่งใส-2568")

    # The link worked once; now it is spent.
    again = client.get(urlsplit(link).path, follow=True).content.decode()
    assert "ลิงก์ไม่ถูกต้องหรือหมดอายุแล้ว" in again
    assert _login(client, "staff", "ขามสมบูรณ์-โปร่งใส-2568").status_code == 302


def test_password_reset_does_not_reveal_whether_an_account_exists(client, staff, mailoutbox):
    known = client.post(reverse("password_reset"), {"email": "staff@example.invalid"}, follow=True)
    unknown = client.post(
        reverse("password_reset"), {"email": "nobody@example.invalid"}, follow=True
    )
    assert len(mailoutbox) == 1
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert known.content == unknown.content
    assert "ตรวจสอบอีเมลของท่าน" in unknown.content.decode()


def test_password_reset_is_rate_limited_with_the_same_answer(client, staff, mailoutbox, settings):
    """Eleven requests for one account in a moment sent eleven e-mails; now three an hour per
    account and ten per address, and the page says the same whether one was sent or not."""
    answers = [
        client.post(reverse("password_reset"), {"email": "staff@example.invalid"}, follow=True)
        for _ in range(11)
    ]
    assert len(mailoutbox) == settings.PASSWORD_RESETS_PER_ACCOUNT == 3
    assert {a.content for a in answers} == {answers[0].content}
    assert all(a.redirect_chain == [(reverse("password_reset_done"), 302)] for a in answers)


def test_password_reset_is_rate_limited_per_address(client, staff, mailoutbox, settings):
    for n in range(settings.PASSWORD_RESETS_PER_ADDRESS):
        client.post(
            reverse("password_reset"),
            {"email": f"user{n}@example.invalid"},
            REMOTE_ADDR="198.51.100.40",
        )
    over = client.post(
        reverse("password_reset"), {"email": "staff@example.invalid"}, REMOTE_ADDR="198.51.100.40"
    )
    assert over["Location"] == reverse("password_reset_done") and len(mailoutbox) == 0
    client.post(
        reverse("password_reset"), {"email": "staff@example.invalid"}, REMOTE_ADDR="198.51.100.41"
    )
    assert len(mailoutbox) == 1


def test_password_reset_link_ignores_the_host_header(client, staff, mailoutbox, settings):
    settings.ALLOWED_HOSTS = ["*"]
    client.post(
        reverse("password_reset"), {"email": "staff@example.invalid"}, HTTP_HOST="evil.example"
    )
    assert "evil.example" not in mailoutbox[0].body
    assert _reset_link(mailoutbox[0]).startswith(settings.SITE_URL)


def test_password_change_requires_login(client):
    for name in ("password_change", "password_change_done"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_password_change(login, staff):
    client = login(staff)
    url = reverse("password_change")
    assert "รหัสผ่านปัจจุบัน" in client.get(url).content.decode()
    wrong = client.post(
        url,
        {
            "old_password": "wrong",
            "new_password1": "ขามสมบูรณ์-โปร่งใส-2568",
            "new_password2": "ขามสมบูรณ์-โปร่งใส-2568",
        },
    )
    assert "ใส่รหัสผ่านเก่าผิด" in wrong.content.decode()
    short = client.post(
        url, {"old_password": PASSWORD, "new_password1": "ab1", "new_password2": "ab1"}
    )
    assert "รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย 8 ตัวอักษร" in short.content.decode()
    mismatch = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "ขามสมบูรณ์-โปร่งใส-2568",
            "new_password2": "ขามสมบูรณ์-โปร่งใส-2569",
        },
    )
    assert "รหัสผ่านทั้งสองช่องไม่ตรงกัน" in mismatch.content.decode()
    assert "didn" not in mismatch.content.decode()
    done = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "ขามสมบูรณ์-โปร่งใส-2568",
            "new_password2": "ขามสมบูรณ์-โปร่งใส-2568",
        },
    )
    assert done["Location"] == reverse("password_change_done")
    assert "เปลี่ยนรหัสผ่านเรียบร้อยแล้ว" in client.get(done["Location"]).content.decode()
    assert _signed_in(client)  # the session that changed it stays signed in
    staff.refresh_from_db()
    assert staff.check_password("ขามสมบูรณ์-โปร่งใส-2568")


# ---------------------------------------------------------------- two-factor (TOTP)

SETUP = "/accounts/two-factor/"
VERIFY = "/accounts/two-factor/verify/"


def _code(key_hex: str) -> str:
    return f"{TOTP(unhexlify(key_hex)).token():06d}"


def _device_code(user) -> str:
    return _code(TOTPDevice.objects.get(user=user, confirmed=True).key)


def _other(code: str) -> str:
    """A well-formed code that is not `code` (time is frozen, so it is wrong)."""
    return f"{(int(code) + 500000) % 1000000:06d}"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to("2025-05-01 09:00:00+07:00", tick=False)
    return time_machine


def _enable(client, user) -> None:
    page = client.get(SETUP)
    assert page.status_code == 200
    key = client.session[SETUP_KEY_SESSION]
    response = client.post(SETUP, {"token": _code(key)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_two_factor_urls_are_named():
    assert reverse("two_factor:setup") == SETUP
    assert reverse("two_factor:verify") == VERIFY
    assert reverse("two_factor:disable") == "/accounts/two-factor/disable/"


def test_anonymous_is_sent_to_login(client):
    for url in (SETUP, VERIFY):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.post("/accounts/two-factor/disable/").status_code == 302


def test_staff_cannot_turn_on_two_factor(login, staff):
    assert login(staff).get(SETUP).status_code == 403


@pytest.mark.parametrize("persona", ["approver", "org_admin", "central_admin"])
def test_approvers_and_admins_are_offered_two_factor(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(SETUP).status_code == 200


def test_django_staff_is_offered_two_factor(client):
    client.force_login(UserFactory(username="superuser-ish", is_staff=True))
    assert client.get(SETUP).status_code == 200


def test_approver_turns_on_two_factor_and_then_needs_the_code(client, approver, frozen):
    _login(client, "approver", PASSWORD)
    page = client.get(SETUP).content.decode()
    key = client.session[SETUP_KEY_SESSION]
    assert "otpauth://totp/ITA%20Portal%3Aapprover?secret=" in page
    secret = base64.b32encode(unhexlify(key)).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, drawn on the server

    wrong = client.post(SETUP, {"token": _other(_code(key))})
    assert WRONG_CODE in wrong.content.decode()
    assert not TOTPDevice.objects.exists()
    for malformed in ("12ab", "²²²²²²", "1234567"):
        refused = client.post(SETUP, {"token": malformed})
        assert "รหัสยืนยันต้องเป็นตัวเลข 6 หลัก" in refused.content.decode()

    enabling_code = _code(key)
    done = client.post(SETUP, {"token": enabling_code}, follow=True)
    assert "เปิดใช้การยืนยันตัวตนสองขั้นตอนแล้ว" in done.content.decode()
    assert "เปิดใช้งานอยู่" in done.content.decode()
    assert _signed_in(client)  # this session already gave a code

    client.post(reverse("logout"))
    signed_in = _login(client, "approver", PASSWORD)
    assert signed_in.status_code == 302
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"] == f"{VERIFY}?next=/dashboard/"
    for url in (
        reverse("organisations:organisation_detail", args=["6301401"]),
        reverse("waiting"),
        SETUP,
        reverse("password_change"),
        "/admin/",
    ):
        assert client.get(url)["Location"].startswith(VERIFY), url
    assert "ยืนยันตัวตนขั้นที่สอง" in client.get(dashboard["Location"]).content.decode()

    # The code used to turn it on cannot be used again.
    replay = client.post(VERIFY, {"token": enabling_code, "next": "/dashboard/"})
    assert WRONG_CODE in replay.content.decode()

    frozen.move_to("2025-05-01 09:01:00+07:00", tick=False)
    bad = client.post(VERIFY, {"token": _other(_device_code(approver))})
    assert WRONG_CODE in bad.content.decode()
    # Straight after a wrong code, even the right one waits (throttling).
    throttled = client.post(VERIFY, {"token": _device_code(approver), "next": "/dashboard/"})
    assert "ใส่รหัสยืนยันผิดหลายครั้ง กรุณารอสักครู่" in throttled.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302

    frozen.move_to("2025-05-01 09:01:10+07:00", tick=False)
    thai_digits = _device_code(approver).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    ok = client.post(VERIFY, {"token": thai_digits, "next": "/dashboard/"})
    assert ok.status_code == 302 and ok["Location"] == "/dashboard/"
    assert _signed_in(client)


def test_verify_ignores_an_outside_next(client, approver, frozen):
    TOTPDevice.objects.create(user=approver, name="แอป", confirmed=True)
    client.force_login(approver)
    response = client.post(
        VERIFY, {"token": _device_code(approver), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("dashboard")


def test_logout_works_before_the_code(client, approver):
    TOTPDevice.objects.create(user=approver, name="แอป", confirmed=True)
    client.force_login(approver)
    assert client.post(reverse("logout"))["Location"] == reverse("home")
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("login"))


def test_users_without_a_device_are_not_asked(login, staff, approver):
    assert _signed_in(login(staff))
    assert _signed_in(login(approver))
    assert login(approver).get(VERIFY)["Location"] == reverse("dashboard")


def test_turning_two_factor_off_needs_a_code(client, approver, frozen):
    _login(client, "approver", PASSWORD)
    _enable(client, approver)
    disable = reverse("two_factor:disable")

    frozen.move_to("2025-05-01 09:01:00+07:00", tick=False)
    wrong = client.post(disable, {"token": _other(_device_code(approver))})
    assert WRONG_CODE in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=approver).exists()

    frozen.move_to("2025-05-01 09:02:00+07:00", tick=False)
    off = client.post(disable, {"token": _device_code(approver)}, follow=True)
    assert "ปิดการยืนยันตัวตนสองขั้นตอนแล้ว" in off.content.decode()
    assert not TOTPDevice.objects.filter(user=approver).exists()

    client.post(reverse("logout"))
    _login(client, "approver", PASSWORD)
    assert _signed_in(client)  # the password alone is enough again


def test_staff_with_a_device_from_an_admin_must_still_give_the_code(client, staff, frozen):
    TOTPDevice.objects.create(user=staff, name="แอป", confirmed=True)
    _login(client, "staff", PASSWORD)
    assert client.get(reverse("dashboard"))["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"token": _device_code(staff)}).status_code == 302
    assert _signed_in(client)


def test_enabling_is_audited_without_the_secret(client, approver, frozen):
    from auditlog.models import LogEntry

    _login(client, "approver", PASSWORD)
    _enable(client, approver)
    device = TOTPDevice.objects.get(user=approver)
    entry = LogEntry.objects.get(object_pk=str(device.pk), content_type__model="totpdevice")
    assert entry.actor == approver
    assert device.key not in str(entry.changes) + str(entry.serialized_data)


def test_admins_can_reset_a_device_or_a_lockout_in_the_admin(client, approver):
    TOTPDevice.objects.create(user=approver, name="แอป", confirmed=True)
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    for url in ("/admin/otp_totp/totpdevice/", "/admin/axes/accessattempt/"):
        assert client.get(url).status_code == 200, url
    device = TOTPDevice.objects.get(user=approver)
    change = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in change  # OTP_ADMIN_HIDE_SENSITIVE_DATA


def test_a_new_password_by_the_emailed_link_lifts_the_lockout(client, axes_on, staff, mailoutbox):
    """The lockout page sends a locked-out user to reset their password; the new one works at
    once, as the done page says (a trial found it still locked for 30 minutes)."""
    for _ in range(5):
        _login(client, "staff", "wrong")
    assert _login(client, "staff", PASSWORD).status_code == 429
    client.post(reverse("password_reset"), {"email": "staff@example.invalid"})
    set_password_url = client.get(urlsplit(_reset_link(mailoutbox[-1])).path)["Location"]
    new = "ขามสมบูรณ์-โปร่งใส-2569"
    client.post(set_password_url, {"new_password1": new, "new_password2": new})
    assert _login(client, "staff", new).status_code == 302 and _signed_in(client)
    # A wrong guess after that counts again from zero.
    client.logout()
    assert _login(client, "staff", "wrong").status_code == 200
