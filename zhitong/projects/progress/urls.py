"""The progress pages, included by projects/urls.py (names in the `projects` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("board/", views.board, name="board"),
    path("reports/late/", views.late_reports, name="late_reports"),
    path("briefing/", views.briefing, name="briefing"),
    path("briefing/xlsx/", views.briefing_xlsx, name="briefing_xlsx"),
    path("commitments/overdue/", views.overdue_commitments, name="overdue_commitments"),
    path("<int:pk>/reports/new/", views.report_new, name="report_new"),
    path("<int:pk>/reports/photos/<int:photo_id>/", views.report_photo, name="report_photo"),
    path("<int:pk>/reports/<str:month>/", views.report_detail, name="report_detail"),
    path("<int:pk>/reports/<str:month>/edit/", views.report_edit, name="report_edit"),
    path("<int:pk>/daily/", views.daily_list, name="daily_list"),
    path("<int:pk>/daily/new/", views.daily_new, name="daily_new"),
    path("<int:pk>/daily/<int:report_id>/edit/", views.daily_edit, name="daily_edit"),
    path("<int:pk>/commitments/new/", views.commitment_new, name="commitment_new"),
    path("<int:pk>/commitments/<int:commitment_id>/edit/", views.commitment_edit, name="commitment_edit"),
    path("commitments/<int:commitment_id>/move/<slug:name>/", views.commitment_move, name="commitment_move"),
]
