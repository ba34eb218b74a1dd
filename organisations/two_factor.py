"""Optional two-factor sign-in (TOTP, django-otp) for approvers, org admins and central admins.

- A user who may use it turns it on at `two_factor:setup`: the page shows the otpauth:// URI,
  the secret as text and a QR code (SVG, drawn here); a correct 6-digit code confirms it.
  The secret stays in the (database) session until then, so no half-made device is stored.
- With a confirmed device, the password alone is no longer enough: `TwoFactorMiddleware` sends
  the signed-in but unverified user to `two_factor:verify` from every page but that one, logout
  and static files.
- Turning it off needs a current code. Wrong codes slow down exponentially (django-otp's
  throttling, shared across sessions). A lost phone is reset by an admin, who deletes the device
  under "OTP_TOTP" in the Django admin.
"""

from __future__ import annotations

import base64
import io
import logging
from binascii import unhexlify

import django_otp
import qrcode
from auditlog.models import LogEntry
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from qrcode.image.svg import SvgPathImage

from .access import is_oversight
from .models import Membership, Role

logger = logging.getLogger(__name__)

SETUP_KEY_SESSION = "two_factor_setup_key"
DEVICE_NAME = "แอปยืนยันตัวตน"
ELIGIBLE_ROLES = (Role.APPROVER, Role.ORG_ADMIN)
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

NOT_ELIGIBLE = "การยืนยันตัวตนสองขั้นตอนเปิดให้เฉพาะผู้บริหาร (ผู้อนุมัติ) ผู้ดูแลหน่วยงาน และผู้ดูแลระบบ"
WRONG_CODE = "รหัสยืนยันไม่ถูกต้องหรือหมดอายุแล้ว กรุณาใช้รหัสล่าสุดจากแอปแล้วลองใหม่"
THROTTLED = "ใส่รหัสยืนยันผิดหลายครั้ง กรุณารอสักครู่แล้วลองใหม่"


def two_factor_eligible(user, memberships=None) -> bool:
    """May `user` turn on two-factor sign-in? Approvers and org admins somewhere, central admins
    and oversight users, and Django staff (the admin site). Pass the user's active memberships when already loaded."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or is_oversight(user):
        return True
    if memberships is not None:
        return any(m.role in ELIGIBLE_ROLES for m in memberships)
    return Membership.objects.filter(
        user=user, is_active=True, organisation__is_active=True, role__in=ELIGIBLE_ROLES
    ).exists()


def confirmed_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def needs_verification(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return confirmed_devices(user).exists()


class TwoFactorMiddleware:
    """Redirect signed-in users who have a confirmed device but have not yet given a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._exempt(request.path_info) and needs_verification(request):
            return redirect_to_login(
                request.get_full_path(), login_url=reverse("two_factor:verify")
            )
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        if path.startswith(settings.STATIC_URL):
            return True
        return path in {reverse("two_factor:verify"), reverse("logout")}


class TokenForm(forms.Form):
    token = forms.CharField(
        label="รหัสยืนยัน 6 หลัก",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
        error_messages={"required": "กรุณากรอกรหัสยืนยัน 6 หลักจากแอป"},
    )

    def clean_token(self) -> str:
        # Thai digits from a Thai keyboard are accepted; any other non-ASCII digit is not.
        token = self.cleaned_data["token"].replace(" ", "").translate(THAI_DIGITS)
        if len(token) != 6 or not (token.isascii() and token.isdigit()):
            raise forms.ValidationError("รหัสยืนยันต้องเป็นตัวเลข 6 หลัก")
        return token


def _check_device_token(user, token: str, form: TokenForm) -> TOTPDevice | None:
    """The user's confirmed device that accepts `token`, or None with the Thai error on `form`."""
    devices = list(confirmed_devices(user))
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        form.add_error("token", THROTTLED)
        return None
    for device in devices:
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    logger.warning("Two-factor code refused for user %s", user.pk)
    form.add_error("token", WRONG_CODE)
    return None


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: a bare word would be taken for a URL name by redirect().
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _audit(device: TOTPDevice, user, *, enabled: bool) -> None:
    LogEntry.objects.log_create(
        device,
        force_log=True,
        action=LogEntry.Action.CREATE if enabled else LogEntry.Action.DELETE,
        changes={"confirmed": ["None", "True"] if enabled else ["True", "None"]},
        actor=user,
    )


def _qr_data_uri(uri: str) -> str:
    out = io.BytesIO()
    qrcode.make(uri, image_factory=SvgPathImage, box_size=10, border=2).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _setup_context(request, form: TokenForm) -> dict:
    key = request.session.get(SETUP_KEY_SESSION)
    if not key:
        key = random_hex(20)
        request.session[SETUP_KEY_SESSION] = key
    device = TOTPDevice(user=request.user, key=key, name=DEVICE_NAME)
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return {
        "form": form,
        "config_url": device.config_url,
        "secret": secret,
        "secret_grouped": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_data_uri": _qr_data_uri(device.config_url),
    }


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Turn two-factor sign-in on (or see that it is on and turn it off)."""
    devices = list(confirmed_devices(request.user))
    if devices:
        return render(
            request,
            "organisations/two_factor_setup.html",
            {"enabled": True, "device": devices[0], "form": TokenForm()},
        )
    if not two_factor_eligible(request.user):
        raise PermissionDenied(NOT_ELIGIBLE)

    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and request.session.get(SETUP_KEY_SESSION):
        key = request.session[SETUP_KEY_SESSION]
        totp = TOTP(unhexlify(key))
        if totp.verify(int(form.cleaned_data["token"]), tolerance=1):
            with transaction.atomic():
                device = TOTPDevice.objects.create(
                    user=request.user,
                    name=DEVICE_NAME,
                    key=key,
                    confirmed=True,
                    drift=totp.drift,
                    # The code just used may not sign in again.
                    last_t=totp.t(),
                )
                _audit(device, request.user, enabled=True)
            del request.session[SETUP_KEY_SESSION]
            django_otp.login(request, device)
            messages.success(
                request,
                "เปิดใช้การยืนยันตัวตนสองขั้นตอนแล้ว ครั้งต่อไปที่เข้าสู่ระบบ ระบบจะขอรหัสจากแอปหลังรหัสผ่าน",
            )
            return redirect("two_factor:setup")
        form.add_error("token", WRONG_CODE)
    return render(
        request,
        "organisations/two_factor_setup.html",
        {"enabled": False, **_setup_context(request, form)},
    )


@login_required
@require_POST
def disable(request):
    """Turn two-factor sign-in off; needs a current code."""
    devices = list(confirmed_devices(request.user))
    if not devices:
        return redirect("two_factor:setup")
    form = TokenForm(request.POST)
    if form.is_valid() and _check_device_token(request.user, form.cleaned_data["token"], form):
        with transaction.atomic():
            for device in TOTPDevice.objects.filter(user=request.user):
                _audit(device, request.user, enabled=False)
                device.delete()
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
        messages.success(request, "ปิดการยืนยันตัวตนสองขั้นตอนแล้ว")
        return redirect("two_factor:setup")
    return render(
        request,
        "organisations/two_factor_setup.html",
        {"enabled": True, "device": devices[0], "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in: the code from the user's app."""
    if not needs_verification(request):
        return redirect(_safe_next(request))
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = _check_device_token(request.user, form.cleaned_data["token"], form)
        if device is not None:
            # A new session key for the now fully signed-in session.
            request.session.cycle_key()
            django_otp.login(request, device)
            return redirect(_safe_next(request))
    return render(
        request,
        "organisations/two_factor_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )
