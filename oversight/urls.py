from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.export, name="export"),
    path("survey-counts/", views.survey_counts, name="survey_counts"),
    path("survey-counts/template.xlsx", views.survey_counts_template, name="survey_template"),
]
