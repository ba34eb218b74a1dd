from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("switch/", views.switch, name="switch"),
    path("<str:code>/", views.organisation_detail, name="organisation_detail"),
    path("<str:code>/members/", views.members, name="members"),
    path("<str:code>/members/<int:pk>/", views.member_edit, name="member_edit"),
    path("<str:code>/units/<int:pk>/", views.unit_edit, name="unit_edit"),
]
