"""Login and password-reset limits beyond django-axes (docs/security.md).

- django-axes locks a username **from one address** after five failures (its lockout parameters
  are the combination of the two): a typo-prone user does not lock their colleagues behind the
  office's one NAT address, and nobody can lock another user from somewhere else.
- An address that fails many logins, whatever the usernames (password spraying), is throttled here:
  `LOGIN_FAILURES_PER_ADDRESS` failures in `LOGIN_FAILURE_WINDOW` seconds, then the login page
  answers 429 with the lockout page until the window ends.
- Password-reset requests are limited per account and per address; over the limit no e-mail is
  sent, and the answer is the same page as always (it never says whether an account exists).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import render

from ita_portal import ratelimit
from ita_portal.client_ip import client_ip

logger = logging.getLogger(__name__)


def _address(request) -> str:
    return (client_ip(request) if request is not None else None) or "unknown"


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    ratelimit.hit(
        "login-failures",
        _address(request),
        limit=settings.LOGIN_FAILURES_PER_ADDRESS,
        window=settings.LOGIN_FAILURE_WINDOW,
    )


class LoginView(auth_views.LoginView):
    """Django's login, refused for an address over its failure limit."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        failures = ratelimit.count("login-failures", _address(request))
        if failures >= settings.LOGIN_FAILURES_PER_ADDRESS:
            logger.warning("login refused: an address over its failure limit")
            return render(
                request,
                "registration/lockout.html",
                {"address_limit": True},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        """Before the last tries, say how many are left (the lockout is not a surprise)."""
        left = self._tries_left(form.data.get("username", ""))
        response = super().form_invalid(form)
        if left is not None and 0 < left <= 2:
            response.context_data["tries_left"] = left
        return response

    def _tries_left(self, username: str) -> int | None:
        if not getattr(settings, "AXES_ENABLED", True) or not username:
            return None
        from axes.models import AccessAttempt

        failures = (
            AccessAttempt.objects.filter(
                username=username[:255], ip_address=client_ip(self.request)
            )
            .values_list("failures_since_start", flat=True)
            .first()
        )
        return None if failures is None else settings.AXES_FAILURE_LIMIT - failures


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per account and per address (same answer either way)."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        by_address = ratelimit.hit(
            "reset-address",
            _address(self.request),
            limit=settings.PASSWORD_RESETS_PER_ADDRESS,
            window=settings.PASSWORD_RESET_WINDOW,
        )
        by_account = ratelimit.hit(
            "reset-account",
            email,
            limit=settings.PASSWORD_RESETS_PER_ACCOUNT,
            window=settings.PASSWORD_RESET_WINDOW,
        )
        if by_address and by_account:
            return super().form_valid(form)
        logger.warning("password reset not sent: over the limit of its account or address")
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the e-mailed link lifts the account's login lockout: the
    lockout page tells a locked-out user to reset, and the done page says the new password
    works at once. (Whoever holds the link controls the account's e-mail, so the lockout, which
    guards against guessing, has nothing left to guard.)"""

    def form_valid(self, form):
        from axes.utils import reset

        response = super().form_valid(form)
        reset(username=form.user.get_username())
        return response
