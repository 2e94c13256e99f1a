from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    # The monthly escalation batch (seeds/000 二, Annex 2)
    path("batches/", views.batch_list, name="batches"),
    path("batches/<str:month>/", views.batch_detail, name="batch_detail"),
    path("batches/<str:month>/move/<slug:name>/", views.batch_move, name="batch_move"),
    path("batches/<str:month>/annex2.xlsx", views.batch_annex2, name="batch_annex2"),
    path("requests/<int:pk>/move/<slug:name>/", views.request_move, name="request_move"),
    path("my-batch/", views.my_batch, name="my_batch"),
    # Coordination meetings (协调会) and Annex 3
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/items/", views.meeting_add_items, name="meeting_add_items"),
    path("meetings/<int:pk>/move/<slug:name>/", views.meeting_move, name="meeting_move"),
    path("meetings/<int:pk>/minutes/file/", views.meeting_minutes_file, name="meeting_minutes_file"),
    path("meeting-items/<int:pk>/remove/", views.meeting_remove_item, name="meeting_remove_item"),
    path("annex3/", views.annex3, name="annex3"),
    path("facts/", views.facts, name="facts"),
    path("certifications/<int:pk>/move/<slug:name>/", views.certification_move, name="certification_move"),
    # Tasks
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/move/<slug:name>/", views.task_move, name="task_move"),
    # Face-to-face events (面对面, seeds/001)
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/pick/", views.event_pick, name="event_pick"),
    path("events/<int:pk>/notices/", views.event_notices, name="event_notices"),
    path("events/<int:pk>/document.docx", views.event_document, name="event_document"),
    path("events/<int:pk>/move/<slug:name>/", views.event_move, name="event_move"),
    # Catalog work that is not a move of the event (pick appeals, register a problem)
    path("events/<int:pk>/<slug:action>/", views.event_action, name="event_action"),
    path("event-items/<int:pk>/<slug:action>/", views.event_item_action, name="event_item_action"),
]
