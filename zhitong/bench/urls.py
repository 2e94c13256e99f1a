"""The bench server's URLs: the application's own, plus the bare one-query view the intake
is compared with. Served only by `zhitong bench intake` (settings module
zhitong.bench.settings); never part of the application's URLs."""

from django.http import JsonResponse
from django.urls import path

from zhitong.urls import urlpatterns as app_urlpatterns


def bare(request):
    """One query and a small JSON answer: the floor of a Django request on this stack."""
    from zhitong.appeals.models import Category

    row = Category.objects.values("id", "code").order_by("id").first()
    return JsonResponse({"ok": True, "category": row})


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]
