from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("badge/", views.notification_badge, name="badge"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
    path("read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read, name="read_all"),
    path("digests/<int:digest_id>/", views.notification_digest, name="digest"),
    path("preferences/", views.notification_preferences, name="preferences"),
]
