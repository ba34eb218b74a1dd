"""Organisation-scoped publication actions (mounted under /o/<code>/)."""

from django.urls import path

from . import views

app_name = "publication"
urlpatterns = [
    path(
        "publications/<int:pk>/withdraw/",
        views.publication_withdraw,
        name="publication_withdraw",
    ),
]
