from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    # The supervisor's and the People's Congress's homes link to "月度台账" (portal/selectors.py).
    path("", views.annex1_month, name="ledger"),
    path("annex1/", views.annex1_ledger, name="annex1"),
    path("annex1/month/", views.annex1_month, name="annex1_month"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("mailbox/", views.mailbox_page, name="mailbox"),
    path("briefing/", views.briefing_download, name="briefing"),
]
