"""Pages of face-to-face events (面对面): the list, the event page through the eight steps
of seeds/001 四, picking appeals, the printable notice list, the generated document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhitong.appeals.choices import Channel
from zhitong.common.errors import ServiceError

from .. import permissions, selectors, services
from ..choices import EventStatus, Verification
from ..forms import EventForm, OpinionForm, RegisterProblemForm, RescheduleForm, VerifyForm
from ._common import get_or_404, invalid, perform, today


@login_required
def event_list(request):
    events = list(selectors.event_list_for_user(user=request.user)[:200])
    for event in events:
        event.my_action = selectors.event_action_for(event, request.user)
    return TemplateResponse(
        request,
        "coordination/event_list.html",
        {"events": events, "can_create": permissions.can_create_event(request.user)},
    )


@login_required
def event_create(request):
    if not permissions.can_create_event(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            event = services.event_create(
                actor=request.user,
                title=d["title"],
                kind=d["kind"],
                level=d["level"],
                scheduled_at=d["scheduled_at"],
                place=d["place"],
                chair=d["chair"],
                deputy=d["deputy"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "活动已创建，请收集企业问题")
            return redirect("coordination:event_detail", event.pk)
    return TemplateResponse(request, "coordination/event_form.html", {"form": form})


@login_required
def event_detail(request, pk):
    event = get_or_404(selectors.event_get_for_user, user=request.user, event_id=pk)
    user = request.user
    is_office = permissions.is_event_office(user, event)
    items = list(selectors.event_items(event))
    for item in items:
        item.verify_form = (
            VerifyForm(prefix=f"v{item.pk}", initial={"result": Verification.CONFIRMED})
            if event.status == EventStatus.VERIFYING and permissions.can_verify_item(user, item)
            else None
        )
        opinion_open = event.status in (EventStatus.HELD, EventStatus.DOCUMENT_DRAFTED) and item.in_final_list
        item.opinion_form = (
            OpinionForm(
                prefix=f"o{item.pk}",
                initial={
                    "opinion": item.opinion,
                    "lead_unit": item.lead_unit_id or item.unit_id,
                    "other_units": [u.pk for u in item.ordered_units()[1:]],
                    "due_workdays": item.due_workdays if item.due_date is None else None,
                    "due_date": item.due_date,
                },
            )
            if is_office and opinion_open
            else None
        )
        item.task_list = list(item.tasks.all())
        for task in item.task_list:
            task.light = selectors.task_light(task, today())
    context = {
        "event": event,
        "steps": selectors.event_steps(event),
        "items": items,
        "is_office": is_office,
        "is_deputy": permissions.is_event_deputy(user, event),
        "is_chair": permissions.is_event_chair(user, event),
        "warning": services.catalog_warning(event, today()),
        "force": selectors.task_force_for(event),
        "notices": list(event.notices.select_related("unit", "enterprise")),
        "satisfaction": selectors.event_satisfaction(event),
        "register_form": RegisterProblemForm(),
        "reschedule_form": RescheduleForm(initial={"scheduled_at": event.scheduled_at, "place": event.place}),
        "S": EventStatus,
        "today": today(),
    }
    return TemplateResponse(request, "coordination/event_detail.html", context)


def _back(event_id: int, anchor: str = "") -> str:
    return reverse("coordination:event_detail", args=[event_id]) + (f"#{anchor}" if anchor else "")


def _version(request):
    v = request.POST.get("version", "")
    return int(v) if v.isdigit() else None


SIMPLE_ACTIONS = {
    "start_verification": (services.event_start_verification, "已发送有关部门核实"),
    "submit_catalog": (services.event_submit_catalog, "企业问题目录已报市府办公室"),
    "notify": (services.event_notify, "活动通知已发出"),
    "hold": (services.event_hold, "已登记活动召开，请录入现场处理意见"),
    "generate_document": (services.event_generate_document, "《企业诉求事项处理意见》已生成，待审核"),
    "assign": (services.event_assign, "已交办有关单位并转督查室跟踪督办"),
    "close": (services.event_close, "活动已办结，已提醒企业进行满意度评价"),
}


@login_required
@require_POST
def event_action(request, pk, action):
    event = get_or_404(selectors.event_get_for_user, user=request.user, event_id=pk)
    back = _back(event.pk)
    version = _version(request)
    user = request.user
    if action in SIMPLE_ACTIONS:
        fn, ok = SIMPLE_ACTIONS[action]
        return perform(request, back, lambda: fn(actor=user, event_id=event.pk, version=version), ok)
    if action == "review":
        proposals = {
            int(k.split("-", 1)[1]): v
            for k, v in request.POST.items()
            if k.startswith("proposal-") and k[9:].isdigit()
        }
        return perform(
            request,
            back,
            lambda: services.event_review(
                actor=user,
                event_id=event.pk,
                proposals=proposals,
                note=request.POST.get("note", ""),
                version=version,
            ),
            "已提出处理意见建议，报市政府领导审定",
        )
    if action == "approve":
        ids = [int(x) for x in request.POST.getlist("item_ids") if x.isdigit()]
        return perform(
            request,
            back,
            lambda: services.event_approve(
                actor=user,
                event_id=event.pk,
                item_ids=ids,
                note=request.POST.get("note", ""),
                version=version,
            ),
            "现场研究问题清单已审定",
        )
    if action == "review_document":
        approve = request.POST.get("decision") == "approve"
        return perform(
            request,
            back,
            lambda: services.event_review_document(
                actor=user,
                event_id=event.pk,
                approve=approve,
                note=request.POST.get("note", ""),
                version=version,
            ),
            "已审核，呈市政府领导审定" if approve else "已退回专班办公室修改",
        )
    if action == "approve_document":
        return perform(
            request,
            back,
            lambda: services.event_approve_document(
                actor=user, event_id=event.pk, note=request.POST.get("note", ""), version=version
            ),
            "《企业诉求事项处理意见》已审定",
        )
    if action == "add_appeals":
        ids = [int(x) for x in request.POST.getlist("appeal_ids") if x.isdigit()]
        if not ids:
            messages.error(request, "请选择诉求")
            return redirect(reverse("coordination:event_pick", args=[event.pk]))
        return perform(
            request,
            _back(event.pk, "items"),
            lambda: services.event_add_appeals(actor=user, event_id=event.pk, appeal_ids=ids),
            f"已列入{len(ids)}个问题",
        )
    if action == "register_problem":
        form = RegisterProblemForm(request.POST)
        if not form.is_valid():
            return invalid(request, _back(event.pk, "register"), form)
        d = form.cleaned_data
        return perform(
            request,
            _back(event.pk, "items"),
            lambda: services.event_register_problem(
                actor=user,
                event_id=event.pk,
                enterprise=d["enterprise"],
                project=d["project"],
                title=d["title"],
                description=d["description"],
                category=d["category"],
                unit=d["unit"],
                contact_name=d["contact_name"],
                contact_phone=d["contact_phone"],
            ),
            "已登记企业问题（生成面对面渠道诉求）",
        )
    if action == "reschedule":
        form = RescheduleForm(request.POST)
        if not form.is_valid():
            return invalid(request, back, form)
        return perform(
            request,
            back,
            lambda: services.event_reschedule(
                actor=user,
                event_id=event.pk,
                scheduled_at=form.cleaned_data["scheduled_at"],
                place=form.cleaned_data["place"],
            ),
            "活动时间已调整，目录报送截止日已重新计算",
        )
    raise Http404


@login_required
@require_POST
def event_item_action(request, pk, action):
    item = get_or_404(selectors.event_item_get_for_user, user=request.user, item_id=pk)
    back = _back(item.event_id, f"item-{item.pk}")
    user = request.user
    if action == "verify":
        form = VerifyForm(request.POST, prefix=f"v{item.pk}")
        if not form.is_valid():
            return invalid(request, back, form)
        return perform(
            request,
            back,
            lambda: services.event_item_verify(
                actor=user,
                item_id=item.pk,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
            ),
            "核实情况已提交",
        )
    if action == "opinion":
        form = OpinionForm(request.POST, prefix=f"o{item.pk}")
        if not form.is_valid():
            return invalid(request, back, form)
        d = form.cleaned_data
        return perform(
            request,
            back,
            lambda: services.event_record_opinion(
                actor=user,
                item_id=item.pk,
                opinion=d["opinion"],
                unit_ids=form.unit_ids(),
                due_workdays=d["due_workdays"],
                due_date=d["due_date"],
            ),
            "现场处理意见已录入",
        )
    if action == "remove":
        return perform(
            request,
            _back(item.event_id, "items"),
            lambda: services.event_remove_item(actor=user, item_id=item.pk),
            "已移出目录",
        )
    if action == "set_unit":
        unit_id = request.POST.get("unit_id", "")
        if not unit_id.isdigit():
            messages.error(request, "请选择核实单位")
            return redirect(back)
        return perform(
            request,
            back,
            lambda: services.event_item_set_unit(actor=user, item_id=item.pk, unit_id=int(unit_id)),
            "核实单位已调整",
        )
    raise Http404


@login_required
def event_pick(request, pk):
    """(一) Candidate problems from the channels: open appeals to pick for the catalog."""
    event = get_or_404(selectors.event_get_for_user, user=request.user, event_id=pk)
    if not permissions.is_event_office(request.user, event):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    channel = request.GET.get("channel", "")
    appeals = selectors.open_appeals_for_event(event=event, q=q, channel=channel)[:100]
    return TemplateResponse(
        request,
        "coordination/event_pick.html",
        {"event": event, "appeals": appeals, "q": q, "channel": channel, "channels": Channel.choices},
    )


@login_required
def event_notices(request, pk):
    """(四) The printable notice list: department heads and enterprise principals."""
    event = get_or_404(selectors.event_get_for_user, user=request.user, event_id=pk)
    if not (permissions.is_event_office(request.user, event) or permissions.is_hub(request.user)):
        raise PermissionDenied
    notices = list(event.notices.select_related("unit", "enterprise"))
    return TemplateResponse(
        request,
        "coordination/event_notices.html",
        {
            "event": event,
            "departments": [n for n in notices if n.kind == "department"],
            "enterprises": [n for n in notices if n.kind == "enterprise"],
        },
    )


@login_required
def event_document(request, pk):
    event = get_or_404(selectors.event_get_for_user, user=request.user, event_id=pk)
    if not event.document:
        raise Http404
    return FileResponse(
        event.document.open("rb"),
        as_attachment=True,
        filename=f"企业诉求事项处理意见-{event.document_number or event.pk}.docx",
    )
