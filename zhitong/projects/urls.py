from django.urls import include, path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/move/<slug:name>/", views.project_move, name="move"),
    # Progress: monthly and daily reports, commitments, the briefing and the public board.
    path("", include("zhitong.projects.progress.urls")),
]
