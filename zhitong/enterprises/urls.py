from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("<int:enterprise_id>/", views.enterprise_detail, name="detail"),
    path("review/", views.review_queue, name="review"),
    path("<int:enterprise_id>/move/<slug:name>/", views.enterprise_move, name="move"),
    path("contacts/<int:contact_id>/phone/", views.contact_reveal_phone, name="reveal_phone"),
    path("import/", views.import_page, name="import"),
    path("import/template/<slug:kind>/", views.import_template, name="import_template"),
]
