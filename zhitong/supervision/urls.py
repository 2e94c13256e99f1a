from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="list"),
    path("lists/<str:key>/", views.supervision_list, name="items"),
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/move/<str:name>/", views.order_move, name="order_move"),
    path("orders/<int:pk>/evidence/", views.order_evidence, name="order_evidence"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/new/", views.finding_new, name="finding_new"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("congress/", views.congress, name="congress"),
]
