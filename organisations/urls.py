from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("switch/", views.switch, name="switch"),
    path("<str:code>/", views.organisation_detail, name="organisation_detail"),
]
