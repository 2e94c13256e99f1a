from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from zhitong.api.api import api
from zhitong.assessment import views as assessment_views
from zhitong.open311.api import open311_api
from zhitong.organizations import signin_steps
from zhitong.portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("accounts/login/", portal_views.ZhitongLoginView.as_view(), name="login"),
    path("accounts/login/code/", signin_steps.code_step, name="signin_code"),
    path("accounts/login/enrol/", signin_steps.enrol_step, name="signin_enrol"),
    path("accounts/login/password/", signin_steps.password_step, name="signin_password"),
    path("accounts/logout/", portal_views.logout_view, name="logout"),
    path("accounts/session/", portal_views.session_status, name="session_status"),
    path("accounts/session/keep-alive/", portal_views.session_keep_alive, name="session_keep_alive"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("organizations/", include("zhitong.organizations.urls")),
    path("enterprises/", include("zhitong.enterprises.urls")),
    path("workdays/", include("zhitong.workdays.urls")),
    path("appeals/", include("zhitong.appeals.urls")),
    path("coordination/", include("zhitong.coordination.urls")),
    path("supervision/", include("zhitong.supervision.urls")),
    path("notifications/", include("zhitong.notifications.urls")),
    path("audit/", include("zhitong.audit.urls")),
    path("projects/", include("zhitong.projects.urls")),
    path("assessment/", include("zhitong.assessment.urls")),
    # The public scorecard (晾晒成绩单): no sign-in, closed months only.
    path("public/scorecards/", assessment_views.public_scorecards, name="public_scorecards"),
    path(
        "public/scorecards/<str:month>/", assessment_views.public_scorecards, name="public_scorecards_month"
    ),
    path("webhooks/", include("zhitong.webhooks.urls")),
    path("tokens/", include("zhitong.api.urls")),
    path("open311/v2/", open311_api.urls),
    path("e/", include("zhitong.eportal.urls")),
    path("reports/", include("zhitong.reports.urls")),
    path("public/", include("zhitong.public.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# 503 for the database or the media disk unavailable, else Django's 500 (portal/errors.py).
handler500 = "zhitong.portal.errors.server_error"
