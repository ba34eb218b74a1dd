"""Top-level URLs. Each app owns its namespace."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reports import memo_views, public_views
from reports import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("dashboard/", portal_views.dashboard, name="dashboard"),
    path("waiting/", memo_views.waiting, name="waiting"),
    path("healthz", public_views.healthz, name="healthz"),
    path("p/", include("reports.public_urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisations/", include("organisations.urls")),
    path("o/<str:code>/", include("measures.urls")),
    path("o/<str:code>/", include("reports.org_urls")),
    path("o/<str:code>/", include("assessments.score_urls")),
    path("o/<str:code>/", include("reports.analysis_urls")),
    path("frameworks/", include("assessments.urls")),
    path("admin/", admin.site.urls),
]
