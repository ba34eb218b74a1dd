"""The user's notification page (under /accounts/) and LINE's webhook."""

from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("accounts/notifications/", views.preferences, name="preferences"),
    path("accounts/notifications/line/code/", views.line_code, name="line_code"),
    path("accounts/notifications/line/unlink/", views.line_unlink, name="line_unlink"),
    path("line/webhook", views.line_webhook, name="line_webhook"),
]
