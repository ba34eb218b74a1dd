"""URLs of the optional two-factor sign-in, mounted at /accounts/two-factor/."""

from django.urls import path

from . import two_factor

app_name = "two_factor"
urlpatterns = [
    path("", two_factor.setup, name="setup"),
    path("verify/", two_factor.verify, name="verify"),
    path("disable/", two_factor.disable, name="disable"),
]
