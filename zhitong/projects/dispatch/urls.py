from django.urls import path

from . import views

app_name = "dispatch"
urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("new/", views.session_create, name="session_create"),
    path("<int:pk>/", views.session_detail, name="session"),
    path("<int:pk>/entries/", views.entry_save, name="entry_save"),
    path("<int:pk>/entries/<int:entry_id>/remove/", views.entry_remove, name="entry_remove"),
    path("coverage/", views.coverage, name="coverage"),
    path("consultation/<int:project_pk>/", views.consultation_record, name="consultation"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/items/<int:item_id>/", views.inspection_record, name="inspection_record"),
    path("digest/", views.digest, name="digest"),
    path("digest/docx/", views.digest_download, name="digest_docx"),
]
