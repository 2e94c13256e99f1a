from django.urls import path

from . import views
from .roadmap import views as roadmap

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/move/<slug:name>/", views.project_move, name="move"),
    # The roadmap (推进路径图): planning, one milestone, its moves.
    path("<int:pk>/roadmap/plan/", roadmap.roadmap_plan, name="roadmap_plan"),
    path("<int:pk>/milestones/<int:mid>/", roadmap.milestone_detail, name="milestone"),
    path("<int:pk>/milestones/<int:mid>/move/<slug:name>/", roadmap.milestone_move, name="milestone_move"),
]
