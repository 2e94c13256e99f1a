from django.urls import path

from . import views

app_name = "eportal"
urlpatterns = [
    path("", views.status, name="status"),
    path("signup/", views.signup, name="signup"),
    path("signup/verify/", views.signup_verify, name="signup_verify"),
    path("signup/resend/", views.signup_resend, name="signup_resend"),
    path("appeals/new/", views.submit, name="submit"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/<int:access_id>/move/<slug:name>/", views.contact_move, name="contact_move"),
    path("hub/contacts/", views.hub_contacts, name="hub_contacts"),
    path("hub/withdrawals/", views.hub_withdrawals, name="hub_withdrawals"),
]
