"""Organisation-scoped score pages (mounted under /o/<code>/)."""

app_name = "scores"
urlpatterns: list = []
