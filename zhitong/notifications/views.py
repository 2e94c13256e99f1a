"""我的消息: the signed-in user's in-app notifications, grouped by kind and object, their
daily digests and their preferences (reads in selectors, writes in services). Every page
is the user's own: there is no other user's id to ask for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhitong.common.forms import clean_filters
from zhitong.core.errors import ServiceError
from zhitong.delivery.selectors import channel_preferences_for
from zhitong.delivery.services import channel_preferences_update

from .forms import HubFilterForm, MarkReadForm, PreferencesForm, channels_field_name, mode_field_name
from .kinds import DIGEST, kind_label
from .selectors import (
    State,
    digest_items,
    digest_waiting_count,
    notification_digest_get_for_user,
    notification_group_rows,
    notification_groups,
    notification_kind_choices,
    notification_kind_counts,
    notification_preferences_for,
    notification_unread_count,
    notifications_for,
)
from .services import (
    digest_groups,
    notification_mark_read,
    notification_preferences_update,
    notifications_mark_read,
)

PAGE_SIZE = 30


@login_required
def notification_list(request):
    """The hub. Rows are groups (one kind, one object: the count, the latest time, the
    latest few messages when expanded); the kind filters say how many messages each holds,
    and `?subject=` lists one group's messages one by one. Unread is the default view: the
    header badge's count is its length."""
    f = clean_filters(HubFilterForm(request.GET))
    state = f.get("state") or State.UNREAD
    kind = f.get("kind") or ""
    user = request.user
    kinds = notification_kind_counts(user=user, state=state)
    context = {
        "state": state,
        "states": State.CHOICES,
        "kind": kind,
        "kind_label": kind_label(kind) if kind else "",
        "kinds": kinds,
        "total": sum(k["count"] for k in kinds),
        "unread_count": notification_unread_count(user=user),
        "waiting": digest_waiting_count(user=user),
        "list_url": request.get_full_path(),
    }
    if kind and "subject" in request.GET and "subject" in f:
        # One group, message by message (the row's "共 N 条" link).
        qs = notifications_for(user=user, state=state, kind=kind, subject=f["subject"])
        context |= {
            "subject": f["subject"],
            "page_obj": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        }
        return TemplateResponse(request, "notifications/group.html", context)
    page = Paginator(notification_groups(user=user, state=state, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context |= {
        "page_obj": page,
        "groups": notification_group_rows(user=user, state=state, groups=page.object_list),
        "shown": next((k["count"] for k in kinds if k["kind"] == kind), 0) if kind else context["total"],
    }
    return TemplateResponse(request, "notifications/list.html", context)


@login_required
def notification_badge(request):
    """The unread count for the header link, fetched by htmx after the page loads so that
    no page pays for it in its own queries."""
    count = notification_unread_count(user=request.user)
    return TemplateResponse(request, "notifications/_badge.html", {"unread_count": count})


def _back(request):
    """Where a marking form returns: the hub page it was posted from, else the hub."""
    hub = reverse("notifications:list")
    nxt = request.POST.get("next", "")
    if nxt.startswith(hub) and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect(hub)


@login_required
@require_POST
def notification_open(request, notification_id: int):
    """Marks one of my messages read — with `group`, every message of its row — and
    follows its link (a POST, because it changes state)."""
    group = request.POST.get("group") == "1"
    n = notification_mark_read(user=request.user, notification_id=notification_id, group=group)
    if n is None:
        return redirect("notifications:list")
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}):
        return redirect(n.url)
    return _back(request)


@login_required
@require_POST
def notification_read(request):
    """Mark read: all my unread messages, those of one kind (the kind filter's button) or
    one row (kind and object)."""
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("标记已读的范围不正确，请刷新页面后重试"))
        return _back(request)
    d = form.cleaned_data
    kind = d["kind"] or None
    subject = d["subject"] if kind and d["group"] else None
    notifications_mark_read(user=request.user, kind=kind, subject=subject)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return _back(request)


@login_required
def notification_digest(request, digest_id: int):
    """One of my daily digests: the held notices by kind and object, each linking to its
    object's page."""
    digest = notification_digest_get_for_user(user=request.user, digest_id=digest_id)
    if digest is None:
        raise Http404("没有这条汇总")
    groups = digest_groups(digest_items(digest=digest))
    return TemplateResponse(request, "notifications/digest.html", {"digest": digest, "groups": groups})


@login_required
def notification_preferences(request):
    """消息设置: how each kind reaches me, and the window within which a repeat goes to the
    digest. Only my own settings: the service is given request.user, whatever is posted."""
    user = request.user
    prefs = notification_preferences_for(user=user)
    choices = notification_kind_choices(user=user, prefs=prefs)
    initial = {"digest_window_hours": prefs.digest_window_hours}
    initial |= {mode_field_name(r.kind.code): r.mode for _s, rows in choices for r in rows if not r.mandatory}
    channel_prefs = channel_preferences_for(user=user)
    initial |= {"quiet_start": channel_prefs.quiet_start, "quiet_end": channel_prefs.quiet_end}
    initial |= {channels_field_name(code): picked for code, picked in channel_prefs.channels.items()}
    form = PreferencesForm(request.POST or None, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                notification_preferences_update(
                    user=user,
                    modes=form.modes(),
                    digest_window_hours=form.cleaned_data["digest_window_hours"],
                )
                channel_preferences_update(
                    user=user,
                    channels=form.channels(),
                    quiet_start=form.cleaned_data.get("quiet_start"),
                    quiet_end=form.cleaned_data.get("quiet_end"),
                )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("消息设置已保存"))
            return redirect("notifications:preferences")
    rows = [
        (
            section,
            [
                (
                    r,
                    form[mode_field_name(r.kind.code)] if not r.mandatory else None,
                    form[channels_field_name(r.kind.code)],
                )
                for r in rs
            ],
        )
        for section, rs in choices
    ]
    context = {
        "form": form,
        "sections": rows,
        "digest_channels": form[channels_field_name(DIGEST)],
        "has_email": bool(user.email),
        "has_phone": bool(getattr(user, "phone", "")),
    }
    return TemplateResponse(request, "notifications/preferences.html", context)
