"""An organisation's IIT/EIT survey drive (mounted under /o/<code>/)."""

from django.urls import path

from . import survey_views

app_name = "survey"
urlpatterns = [
    path("<fiscal_year:year>/survey/", survey_views.drive, name="drive"),
    path("<fiscal_year:year>/survey/links/", survey_views.links, name="links"),
    path("<fiscal_year:year>/survey/counts/", survey_views.counts, name="counts"),
]
