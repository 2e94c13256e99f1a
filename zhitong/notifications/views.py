"""我的消息: the signed-in user's in-app notifications.

Reads and the mark-as-read write are one-line queries on the user's own rows (the
recipient filter is the whole access rule), so they live here rather than in a service
layer of their own.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification

PAGE_SIZE = 30


def _mine(request):
    return Notification.objects.filter(recipient=request.user)


@login_required
def notification_list(request):
    only_unread = request.GET.get("unread") == "1"
    qs = _mine(request)
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "only_unread": only_unread,
        "unread_count": _mine(request).filter(read_at__isnull=True).count(),
    }
    return TemplateResponse(request, "notifications/list.html", context)


@login_required
def notification_badge(request):
    """The unread count for the header link, fetched by htmx after the page loads so that
    no page pays for it in its own queries."""
    count = _mine(request).filter(read_at__isnull=True).count()
    return TemplateResponse(request, "notifications/_badge.html", {"unread_count": count})


@login_required
@require_POST
def notification_open(request, notification_id: int):
    """Marks one of my messages read and follows its link (a POST, because it changes state)."""
    n = _mine(request).filter(pk=notification_id).first()
    if n is None:
        return redirect("notifications:list")
    if n.read_at is None:
        _mine(request).filter(pk=n.pk, read_at__isnull=True).update(read_at=timezone.now())
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}):
        return redirect(n.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    _mine(request).filter(read_at__isnull=True).update(read_at=timezone.now())
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect("notifications:list")
