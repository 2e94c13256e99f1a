from django.urls import include, path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/move/<slug:name>/", views.project_move, name="move"),
    # Dispatch sessions, the admission consultation, the quarterly inspection, the leaders' digest.
    path("dispatch/", include("zhitong.projects.dispatch.urls")),
]
