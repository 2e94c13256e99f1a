from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("day/", views.day_edit, name="day_edit"),
    path("import/", views.import_csv, name="import"),
]
