from django.urls import path

from . import promise_views, views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("windows/", views.windows, name="windows"),
    path("commitments/", views.catalog, name="catalog"),
    path("commitments/export/", views.catalog_export, name="catalog_export"),
    path("lookup/", views.lookup, name="lookup"),
    path("policies/", views.policies, name="policies"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("manage/commitments/", views.manage, name="manage"),
    path("manage/commitments/new/", views.manage_new, name="manage_new"),
    path("manage/commitments/export/", views.manage_export, name="manage_export"),
    path("manage/commitments/import/", views.manage_import, name="manage_import"),
    path("manage/commitments/<int:pk>/", views.manage_detail, name="manage_detail"),
    path("manage/commitments/<int:pk>/edit/", views.manage_edit, name="manage_edit"),
    path("manage/commitments/<int:pk>/move/<str:name>/", views.manage_move, name="manage_move"),
    path("manage/policies/", views.policy_manage, name="policy_manage"),
    path("manage/policies/new/", views.policy_edit, name="policy_new"),
    path("manage/policies/<int:pk>/", views.policy_edit, name="policy_edit"),
    path("my-policies/", views.my_policies, name="my_policies"),
    path("promises/", promise_views.promise_list, name="promises"),
    path("promises/new/", promise_views.promise_new, name="promise_new"),
    path("promises/<int:pk>/", promise_views.promise_detail, name="promise_detail"),
    path("promises/<int:pk>/move/<str:name>/", promise_views.promise_move, name="promise_move"),
]
