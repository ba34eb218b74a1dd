"""Document and publication URLs arrive with the document-engine and memo issues."""

app_name = "reports"
urlpatterns: list = []
