from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from zhitong.api.api import api
from zhitong.portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("accounts/login/", portal_views.ZhitongLoginView.as_view(), name="login"),
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
    path("notifications/", include("zhitong.notifications.urls")),
    path("audit/", include("zhitong.audit.urls")),
    path("projects/", include("zhitong.projects.urls")),
    path("public/", include("zhitong.public.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
