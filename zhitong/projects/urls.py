from django.urls import include, path

from . import team_views, views
from .roadmap import views as roadmap

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("export/", views.project_export, name="export"),
    path("new/", views.project_create, name="create"),
    path("import/", views.project_import, name="import"),
    path("import/template/", views.project_import_template, name="import_template"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/move/<slug:name>/", views.project_move, name="move"),
    # The lead unit (seeds/003 二) and the team (seeds/002, seeds/003 一, seeds/004 枣阳).
    path("<int:pk>/lead/override/", team_views.lead_override, name="lead_override"),
    path("<int:pk>/lead/clear/", team_views.lead_clear, name="lead_clear"),
    path("<int:pk>/lead/apply/", team_views.lead_apply, name="lead_apply"),
    path("<int:pk>/lead/escalate/", team_views.lead_escalate, name="lead_escalate"),
    path("<int:pk>/lead/escalation/end/", team_views.lead_escalation_end, name="lead_escalation_end"),
    path("<int:pk>/team/assign/<slug:role>/", team_views.team_assign, name="team_assign"),
    path("<int:pk>/team/<int:member_id>/replace/", team_views.team_replace, name="team_replace"),
    path("<int:pk>/team/<int:member_id>/end/", team_views.team_end, name="team_end"),
    # Butler coverage (seeds/002 项目管家全覆盖) and an enterprise's butler.
    path("butlers/", team_views.butler_coverage, name="butlers"),
    path("butlers/export/", team_views.butler_coverage_export, name="butlers_export"),
    path("butlers/enterprises/<int:enterprise_id>/", team_views.enterprise_butler, name="enterprise_butler"),
    # The roadmap (推进路径图): planning, one milestone, its moves.
    path("<int:pk>/roadmap/plan/", roadmap.roadmap_plan, name="roadmap_plan"),
    path("<int:pk>/milestones/<int:mid>/", roadmap.milestone_detail, name="milestone"),
    path("<int:pk>/milestones/<int:mid>/move/<slug:name>/", roadmap.milestone_move, name="milestone_move"),
    # Progress: monthly and daily reports, commitments, the briefing and the public board.
    path("", include("zhitong.projects.progress.urls")),
    # Dispatch sessions, the admission consultation, the quarterly inspection, the leaders' digest.
    path("dispatch/", include("zhitong.projects.dispatch.urls")),
]
