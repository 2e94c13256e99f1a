"""事件推送: an API client's webhook subscriptions (the administrator: everyone's), each with
its delivery log and replay. Scope is the selectors'; a subscription out of scope is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhitong.core.errors import AccessDenied, ServiceError
from zhitong.organizations.capabilities import can_subscribe_webhooks, manages_all_webhooks

from .events import event_label, events
from .forms import SubscriptionEditForm, SubscriptionForm
from .selectors import deliveries_for, subscription_get_for_user, subscriptions_for
from .services import subscription_create, subscription_delete, subscription_update, webhook_replay

PAGE_SIZE = 30


def _may_use(user) -> None:
    if not (can_subscribe_webhooks(user) or manages_all_webhooks(user)):
        raise PermissionDenied


def _get(user, subscription_id):
    try:
        return subscription_get_for_user(user=user, subscription_id=subscription_id)
    except AccessDenied:
        raise Http404("没有这个订阅") from None


@login_required
def webhook_list(request):
    """My subscriptions (the administrator: all), and a form to add one."""
    user = request.user
    _may_use(user)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            sub = subscription_create(actor=user, name=d["name"], url=d["url"], events=d["events"])
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("订阅已创建，请将签名密钥配置到接收方"))
            return redirect("webhooks:detail", subscription_id=sub.pk)
    subs = list(subscriptions_for(user=user))
    context = {
        "form": form,
        "subscriptions": subs,
        "total": len(subs),
        "sees_all": manages_all_webhooks(user),
    }
    return TemplateResponse(request, "webhooks/list.html", context)


@login_required
def webhook_detail(request, subscription_id: int):
    """One subscription: its secret, its settings and its delivery log (replay per row)."""
    user = request.user
    _may_use(user)
    sub = _get(user, subscription_id)
    initial = {"name": sub.name, "url": sub.url, "events": sub.events, "active": sub.active}
    form = SubscriptionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            subscription_update(
                actor=user,
                subscription_id=sub.pk,
                name=d["name"],
                url=d["url"],
                events=d["events"],
                active=d["active"],
                rotate_secret=d["rotate_secret"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("订阅已保存"))
            return redirect("webhooks:detail", subscription_id=sub.pk)
    page = Paginator(deliveries_for(subscription=sub), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(d, event_label(d.event)) for d in page.object_list]
    context = {
        "sub": sub,
        "form": form,
        "page_obj": page,
        "rows": rows,
        "event_labels": [events().get(e, e) for e in sub.events],
    }
    return TemplateResponse(request, "webhooks/detail.html", context)


@login_required
@require_POST
def webhook_replay_view(request, subscription_id: int, delivery_id: int):
    """Send a logged delivery again (a new delivery and outbox row)."""
    user = request.user
    _may_use(user)
    try:
        webhook_replay(actor=user, subscription_id=subscription_id, delivery_id=delivery_id)
    except AccessDenied:
        raise Http404("没有这条推送记录") from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重新排队发送"))
    return redirect("webhooks:detail", subscription_id=subscription_id)


@login_required
@require_POST
def webhook_delete(request, subscription_id: int):
    user = request.user
    _may_use(user)
    try:
        subscription_delete(actor=user, subscription_id=subscription_id)
    except AccessDenied:
        raise Http404("没有这个订阅") from None
    messages.success(request, _("订阅已删除"))
    return redirect("webhooks:list")
