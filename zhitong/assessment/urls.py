from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/<str:month>/units/<int:unit_id>/", views.unit_scorecard, name="unit"),
    path("scorecards/<str:month>/units/<int:unit_id>/<slug:key>/", views.drill, name="drill"),
    path("schemes/", views.schemes, name="schemes"),
    path("months/", views.months, name="months"),
    path("months/<str:month>/close/", views.month_close, name="month_close"),
]
