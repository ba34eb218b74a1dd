"""Top-level URLs. Each app owns its namespace."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from ita_portal import converters
from organisations import login_limits

converters.register()  # before the includes below: their patterns use <fiscal_year:year>


def favicon(request):
    """The icon's hashed static name is looked up per request, not at import (the manifest
    exists only after collectstatic)."""
    return redirect(static("img/favicon.svg"))


urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (PDFs, the admin).
    path("favicon.ico", favicon, name="favicon"),
    path("", include("portal.urls")),
    path("p/", include("public.urls")),
    path("accounts/login/", login_limits.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        login_limits.PasswordResetView.as_view(
            # Links are built on SITE_URL, never on the request's Host header.
            extra_email_context={
                "site_url": settings.SITE_URL,
                "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            },
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        login_limits.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password-change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/two-factor/", include("organisations.two_factor_urls")),
    path("", include("notify.urls")),
    path("organisations/", include("organisations.urls")),
    path("o/<str:code>/", include("measures.urls")),
    path("o/<str:code>/", include("documents.urls")),
    path("o/<str:code>/", include("approvals.urls")),
    path("o/<str:code>/", include("publication.urls")),
    path("o/<str:code>/", include("assessments.score_urls")),
    path("o/<str:code>/", include("assessments.survey_urls")),
    path("o/<str:code>/", include("oit.urls")),
    path("frameworks/", include("assessments.urls")),
    path("oversight/", include("oversight.urls")),
    path("admin/", admin.site.urls),
]
