"""我的消息: the signed-in user's in-app notifications (reads in selectors, the
mark-as-read writes in services)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .selectors import notification_unread_count, notifications_for
from .services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 30


@login_required
def notification_list(request):
    only_unread = request.GET.get("unread") == "1"
    qs = notifications_for(user=request.user, only_unread=only_unread)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "only_unread": only_unread,
        "unread_count": notification_unread_count(user=request.user),
    }
    return TemplateResponse(request, "notifications/list.html", context)


@login_required
def notification_badge(request):
    """The unread count for the header link, fetched by htmx after the page loads so that
    no page pays for it in its own queries."""
    count = notification_unread_count(user=request.user)
    return TemplateResponse(request, "notifications/_badge.html", {"unread_count": count})


@login_required
@require_POST
def notification_open(request, notification_id: int):
    """Marks one of my messages read and follows its link (a POST, because it changes state)."""
    n = notification_mark_read(user=request.user, notification_id=notification_id)
    if n is None:
        return redirect("notifications:list")
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}):
        return redirect(n.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    notifications_mark_all_read(user=request.user)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect("notifications:list")
