"""Pages of face-to-face events (面对面): the list, the event page through the eight steps
of seeds/001 四 (its buttons are the moves of machines/events.py this user may make, all
posted to `event_move`), picking appeals, the printable notice list, the generated document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhitong.appeals.choices import Channel
from zhitong.common.forms import clean_filters, id_or_none, ids_from, refusal_message
from zhitong.common.transitions import state_changes
from zhitong.core.downloads import DOCX, file_download
from zhitong.core.errors import AccessDenied, ServiceError
from zhitong.organizations.access import government_page

from .. import permissions, selectors, services
from ..choices import EventStatus, Verification
from ..documents.opinions import opinions_file_name
from ..forms import (
    EventForm,
    EventPickForm,
    OpinionForm,
    RegisterProblemForm,
    VerifyForm,
    event_move_form,
)
from ..machines.events import COLLECTING_STATES, EVENT, blocked_moves
from ._common import create_view, first_error, get_or_404, invalid, perform, today

# The pick page lists at most PICK_LIST appeals; one post adds at most PICK_MAX (more is a
# hand-made request, refused in words rather than cut short).
PICK_LIST = 100
PICK_MAX = 200


@government_page
def event_list(request):
    events = list(selectors.event_list_for_user(user=request.user)[:200])
    now_day = today()
    for event in events:
        event.my_action = selectors.event_action_for(event, request.user)
        # seeds/001 四(二): a catalog reported late (or still unreported past its due day)
        # is marked where the catalogs are listed.
        event.catalog_label, event.catalog_overdue = services.catalog_state(event, now_day)
    return TemplateResponse(
        request,
        "coordination/event_list.html",
        {"events": events, "can_create": permissions.can_create_event(request.user)},
    )


@login_required
def event_create(request):
    if not permissions.can_create_event(request.user):
        raise PermissionDenied
    return create_view(
        request,
        EventForm(request.POST or None),
        create=lambda d: services.event_create(
            actor=request.user,
            title=d["title"],
            kind=d["kind"],
            level=d["level"],
            scheduled_at=d["scheduled_at"],
            place=d["place"],
            chair=d["chair"],
            deputy=d["deputy"],
        ),
        template="coordination/event_form.html",
        detail="coordination:event_detail",
        success=_("活动已创建，请收集企业问题"),
    )


# What each state waits for (the page's lead line; who may act is read from the table).
STATE_HELP = {
    EventStatus.COLLECTING: gettext_lazy(
        "收集企业困难问题：从各渠道在办诉求中选取，或登记企业新提出的问题；收集完毕后发有关部门核实。"
    ),
    EventStatus.VERIFYING: gettext_lazy(
        "有关部门逐项核实企业反映的问题（见下方各问题），核实完毕后由专班办公室形成问题目录报市府办公室。"
    ),
    EventStatus.CATALOG_SUBMITTED: gettext_lazy(
        "问题目录已报市府办公室，待专班副组长召集相关职能部门逐项提出处理意见建议。"
    ),
    EventStatus.REVIEWED: gettext_lazy("待市政府领导审定活动日现场研究解决的问题目录清单。"),
    EventStatus.APPROVED: gettext_lazy(
        "问题清单已审定。印发活动通知：通知有关部门负责人和企业主要负责人参加活动。"
    ),
    EventStatus.NOTIFIED: gettext_lazy("活动通知已发出。活动举行后登记召开，录入现场处理意见。"),
    EventStatus.HELD: gettext_lazy(
        "整理活动日市政府领导对企业诉求的处理意见（见下方各问题），全部录入后生成《企业诉求事项处理意见》。"
    ),
    EventStatus.DOCUMENT_DRAFTED: gettext_lazy("《企业诉求事项处理意见》已生成，待专班副组长审核。"),
    EventStatus.DOCUMENT_REVIEWED: gettext_lazy("《企业诉求事项处理意见》已审核，待市政府领导审定。"),
    EventStatus.DOCUMENT_APPROVED: gettext_lazy(
        "《企业诉求事项处理意见》已审定：交办有关县(区)和市有关部门依职能办理并回复企业，同时转市政府督查室跟踪督办。"
    ),
    EventStatus.ASSIGNED: gettext_lazy(
        "已交办，督查室跟踪督办；交办任务全部办结、每个问题的诉求已办结或已逐项转入常态化办理后办结活动。"
    ),
    EventStatus.CLOSED: gettext_lazy("活动已办结，企业对办理情况进行满意度评价。"),
}


def _waiting_for(event) -> str:
    """Who the next status move belongs to, from the table (e.g. "专班副组长")."""
    labels = []
    for m in EVENT.moves.values():
        if event.status in m.sources and m.target is not None:
            labels += [EVENT.relation_labels.get(a, a) for a in sorted(m.actors) if a not in labels]
    return _("、").join(str(label) for label in dict.fromkeys(labels))


def _history(event) -> list:
    """The event's history rows (who, when, from → to, which move, note)."""
    rows = list(state_changes(event))
    for row in rows:
        row.from_label = EVENT.status_label(row.from_status) if row.from_status else ""
        row.to_label = EVENT.status_label(row.to_status)
        move = EVENT.moves.get(row.action)
        row.label = move.label if move else (_("创建活动") if row.action == "create" else row.action)
    return rows


def _detail_context(request, event, *, failed=None) -> dict:
    """`failed`: (move name, bound form, message) of a refused move, re-shown as typed."""
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
    # The buttons: the moves of the table this user may make now, each with its form.
    move_forms = []
    for move in sorted(EVENT.available(user, event, today=today()), key=lambda m: m.style != "primary"):
        if failed is not None and failed[0] == move.name:
            move_forms.append((move, failed[1], failed[2]))
        else:
            move_forms.append((move, event_move_form(move, event=event, items=items), ""))
    return {
        "event": event,
        "steps": selectors.event_steps(event),
        "items": items,
        "move_forms": move_forms,
        "blocked": blocked_moves(user, event, today=today()),
        "failed_message": failed[2]
        if failed is not None and failed[0] not in [m.name for m, *_ in move_forms]
        else "",
        "state_help": STATE_HELP.get(event.status, ""),
        "waiting_for": _waiting_for(event),
        "history": _history(event),
        "can_collect": is_office and event.status in COLLECTING_STATES,
        "warning": services.catalog_warning(event, today()),
        "force": selectors.task_force_for(event),
        "notices": list(event.notices.select_related("unit", "enterprise")),
        "satisfaction": selectors.event_satisfaction(event),
        "register_form": RegisterProblemForm(),
        "S": EventStatus,
        "today": today(),
    }


@login_required
def event_detail(request, pk):
    event = get_or_404(selectors.event_get_for_user, user=request.user, event_id=pk)
    return TemplateResponse(request, "coordination/event_detail.html", _detail_context(request, event))


def _back(event_id: int, anchor: str = "") -> str:
    return reverse("coordination:event_detail", args=[event_id]) + (f"#{anchor}" if anchor else "")


@login_required
@require_POST
def event_move(request, pk, name):
    """POST one move of the event's table (EVENT.dispatch). A refusal re-renders the event
    page with the reason in Chinese, what the user typed, and the error's HTTP status
    (400 bad data, 403 not this user's move, 409 stale or not possible now)."""
    user = request.user
    event = get_or_404(selectors.event_get_for_user, user=user, event_id=pk)
    move = EVENT.moves.get(name)
    if move is None:
        raise Http404(_("未知的操作"))
    form = event_move_form(move, event=event, items=list(selectors.event_items(event)), data=request.POST)
    try:
        if not form.is_valid():
            EVENT.check(user, event, name, today=today())  # a refusal says more than empty fields
            failed = (name, form, first_error(form))
            return TemplateResponse(
                request,
                "coordination/event_detail.html",
                _detail_context(request, event, failed=failed),
                status=400,
            )
        services.event_move(
            event_id=event.pk,
            move=name,
            actor=user,
            expected_version=form.cleaned_data.get("version"),
            **form.service_data(),
        )
    except AccessDenied:
        raise Http404(_("对象不存在或您无权访问"))
    except ServiceError as exc:
        fresh = get_or_404(selectors.event_get_for_user, user=user, event_id=pk)
        message = refusal_message(form, exc, fresh.version, version_field="version")
        context = _detail_context(request, fresh, failed=(name, form, message))
        return TemplateResponse(request, "coordination/event_detail.html", context, status=exc.status)
    messages.success(request, _("已完成“%(move)s”。") % {"move": move.label})
    return redirect(_back(event.pk))


@login_required
@require_POST
def event_action(request, pk, action):
    """Catalog work that is not a move of the event: pick appeals, register a problem."""
    event = get_or_404(selectors.event_get_for_user, user=request.user, event_id=pk)
    user = request.user
    if action == "add_appeals":
        ids = ids_from(request.POST.getlist("appeal_ids"))
        if not ids or len(ids) > PICK_MAX:  # more than the page offers: said, not cut
            messages.error(
                request,
                _("请选择诉求")
                if not ids
                else _("一次最多选择%(max)s个诉求，当前选了%(n)s个") % {"max": PICK_MAX, "n": len(ids)},
            )
            return redirect(reverse("coordination:event_pick", args=[event.pk]))
        return perform(
            request,
            _back(event.pk, "items"),
            lambda: services.event_add_appeals(actor=user, event_id=event.pk, appeal_ids=ids),
            _("已列入%(n)s个问题") % {"n": len(ids)},
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
            _("已登记企业问题（生成面对面渠道诉求）"),
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
            _("核实情况已提交"),
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
            _("现场处理意见已录入"),
        )
    if action == "remove":
        return perform(
            request,
            _back(item.event_id, "items"),
            lambda: services.event_remove_item(actor=user, item_id=item.pk),
            _("已移出目录"),
        )
    if action == "set_unit":
        unit_id = id_or_none(request.POST.get("unit_id", ""))
        if unit_id is None:
            messages.error(request, _("请选择核实单位"))
            return redirect(back)
        return perform(
            request,
            back,
            lambda: services.event_item_set_unit(actor=user, item_id=item.pk, unit_id=unit_id),
            _("核实单位已调整"),
        )
    raise Http404


@login_required
def event_pick(request, pk):
    """(一) Candidate problems from the channels: open appeals to pick for the catalog."""
    event = get_or_404(selectors.event_get_for_user, user=request.user, event_id=pk)
    if not permissions.is_event_office(request.user, event):
        raise PermissionDenied
    f = clean_filters(EventPickForm(request.GET))
    q, channel = f.get("q") or "", f.get("channel") or ""
    appeals = selectors.open_appeals_for_event(user=request.user, event=event, q=q, channel=channel)[
        :PICK_LIST
    ]
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
    name, fallback = opinions_file_name(event)
    return file_download(event.document.open("rb"), name=name, fallback=fallback, content_type=DOCX)
