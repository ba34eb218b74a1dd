"""The portal's own pages, at the site root (names without a namespace: `dashboard`, `waiting`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("waiting/", views.waiting, name="waiting"),
    path("help/", views.help_page, name="help"),
    path("audit/", views.audit_trail_all, name="audit_trail_all"),
    path("o/<str:code>/audit/", views.audit_trail, name="audit_trail"),
    path(
        "o/<str:code>/notifications/", views.organisation_deliveries, name="organisation_deliveries"
    ),
    path("healthz", views.healthz, name="healthz"),
]
