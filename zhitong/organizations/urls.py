from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("units/", views.unit_tree, name="units"),
]
