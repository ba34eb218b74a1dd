"""Organisation-scoped analysis pages (mounted under /o/<code>/)."""

app_name = "analysis"
urlpatterns: list = []
