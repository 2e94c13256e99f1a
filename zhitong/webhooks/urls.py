from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("<int:subscription_id>/", views.webhook_detail, name="detail"),
    path("<int:subscription_id>/delete/", views.webhook_delete, name="delete"),
    path(
        "<int:subscription_id>/deliveries/<int:delivery_id>/replay/",
        views.webhook_replay_view,
        name="replay",
    ),
]
