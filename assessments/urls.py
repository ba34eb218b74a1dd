from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.framework_index, name="framework_list"),
    path("<int:year>/", views.framework_year, name="framework_detail"),
]
