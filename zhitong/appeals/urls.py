from django.urls import path

from . import views

app_name = "appeals"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("intake/", views.intake, name="intake"),
    path("intake/enterprises/", views.intake_enterprises, name="intake_enterprises"),
    path("intake/enterprise/", views.intake_enterprise, name="intake_enterprise"),
    path("intake/enterprise/add/", views.intake_enterprise_add, name="intake_enterprise_add"),
    path("intake/duplicates/", views.intake_duplicates, name="intake_duplicates"),
    path("intake/materials/", views.intake_materials, name="intake_materials"),
    path("triage/", views.triage, name="triage"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("<int:appeal_id>/", views.appeal_detail, name="detail"),
    path("<int:appeal_id>/move/<slug:name>/", views.appeal_move_view, name="move"),
    path("<int:appeal_id>/contact-phone/", views.appeal_reveal_contact_phone, name="reveal_contact_phone"),
]
