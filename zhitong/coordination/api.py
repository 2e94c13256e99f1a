"""/api/v1/coordination — the same operations as the pages, through the same selectors and
services. Token authentication (Authorization: Bearer …) comes from zhitong.api.

Monthly escalation batch (seeds/000 二, Annex 2)
- GET  /batches                         months with their cut-off and counts (hub)
- GET  /batches/{YYYY-MM}               one batch with its requests (hub)
- POST /batches/{YYYY-MM}/start-review  close the batch after its cut-off (hub)
- POST /batches/{YYYY-MM}/submit        report the accepted requests to their leaders (hub)
- POST /requests/{id}/accept            {leader_id?, note} (hub)
- POST /requests/{id}/return            {reason} (hub)
- GET  /my-batch                        the requests reported to the calling leader
Coordination meetings (协调会)
- GET/POST /meetings, GET /meetings/{id}, POST /meetings/{id}/items {appeal_ids, escalation_ids},
  POST /meetings/{id}/minutes (multipart `file`), POST /meeting-items/{id}/opinion
- GET /annex3?unit_id=&month=YYYY-MM (rows of Annex 3), GET /facts?month=YYYY-MM (counting facts)
Tasks
- GET /tasks?status=&light=&source=, GET /tasks/{id},
  POST /tasks/{id}/progress|done {note, version}, /confirm {note}, /reject {reason}
Face-to-face events (面对面, seeds/001)
- GET/POST /events, GET /events/{id}, POST /events/{id}/appeals {appeal_ids},
  POST /events/{id}/problems (a new problem → a face_to_face appeal),
  POST /event-items/{id}/verify {result, note}, POST /event-items/{id}/opinion,
  POST /events/{id}/actions/{action} — start_verification, submit_catalog, review, approve,
  notify, hold, generate_document, review_document, approve_document, assign, close
- POST /events/{id}/reschedule, POST /event-items/{id}/unit, DELETE /event-items/{id},
  DELETE /meeting-items/{id}
- GET /events/{id}/document → the .docx

Errors are JSON {"code", "message"} in Chinese: 400 bad data, 403 not yours to do, 404 missing
or out of scope, 409 wrong step or stale version.
"""

from __future__ import annotations

from datetime import datetime

from django.http import FileResponse
from django.utils import timezone
from ninja import File, Query, Router, Schema, UploadedFile

from zhitong.common.errors import AccessDenied, Forbidden, ServiceError
from zhitong.organizations.choices import Role
from zhitong.organizations.models import Unit, User
from zhitong.organizations.selectors import scope_root, user_sees_all

from . import permissions, selectors, services
from .schemas import (
    AcceptIn,
    BatchDetailOut,
    BatchOut,
    ErrorOut,
    EscalationOut,
    EventActionIn,
    EventIn,
    EventOut,
    FactOut,
    ItemsIn,
    MeetingIn,
    MeetingOut,
    NoteIn,
    OpinionIn,
    ProblemIn,
    ReasonIn,
    TaskOut,
    VerifyIn,
    batch_out,
    escalation_out,
    event_out,
    meeting_out,
    ref,
    task_out,
)

router = Router(tags=["coordination"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _month(value: str):
    from datetime import date

    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        raise ServiceError("月份格式应为 YYYY-MM", field="month")


def _hub(request) -> None:
    permissions.require_batch_reviewer(request.user)


def _leader(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ServiceError("所选人员不存在", field=field)
    return user


# -- the monthly batch --------------------------------------------------------------------------


@router.get("/batches", response={200: list[BatchOut], **ERRORS}, summary="提请市领导协调批次列表")
def batch_list(request):
    _hub(request)
    return [
        batch_out(r.batch, total=r.total, pending=r.pending)
        for r in selectors.batch_list(today=timezone.localdate())
    ]


def _batch_detail(month) -> dict:
    batch = selectors.batch_for_month(month)
    reqs = list(selectors.batch_requests(month=month))
    return batch_out(batch, total=len(reqs), requests=[escalation_out(r) for r in reqs])


@router.get("/batches/{month}", response={200: BatchDetailOut, **ERRORS}, summary="批次详情（含附件2各项）")
def batch_detail(request, month: str):
    _hub(request)
    return _batch_detail(_month(month))


@router.post(
    "/batches/{month}/start-review", response={200: BatchDetailOut, **ERRORS}, summary="截止后开始审核"
)
def batch_start_review(request, month: str):
    m = _month(month)
    services.batch_start_review(actor=request.user, month=m)
    return _batch_detail(m)


@router.post("/batches/{month}/submit", response={200: BatchDetailOut, **ERRORS}, summary="报送分管市领导")
def batch_submit(request, month: str):
    m = _month(month)
    services.batch_submit(actor=request.user, month=m)
    return _batch_detail(m)


@router.post("/requests/{request_id}/accept", response={200: EscalationOut, **ERRORS}, summary="审核通过")
def request_accept(request, request_id: int, body: AcceptIn):
    selectors.escalation_get_for_user(user=request.user, request_id=request_id)
    req = services.escalation_accept(
        actor=request.user, request_id=request_id, leader=_leader(body.leader_id, "leader_id"), note=body.note
    )
    return escalation_out(req)


@router.post(
    "/requests/{request_id}/return", response={200: EscalationOut, **ERRORS}, summary="退回（须说明理由）"
)
def request_return(request, request_id: int, body: ReasonIn):
    selectors.escalation_get_for_user(user=request.user, request_id=request_id)
    return escalation_out(
        services.escalation_return(actor=request.user, request_id=request_id, reason=body.reason)
    )


@router.get("/my-batch", response={200: list[EscalationOut], **ERRORS}, summary="报我协调的问题（市领导）")
def my_batch(request):
    if request.user.role != Role.LEADER:
        raise Forbidden("只有市领导可以查看报其协调的问题")
    return [escalation_out(r) for _, reqs in selectors.leader_batch(user=request.user) for r in reqs]


# -- meetings ---------------------------------------------------------------------------------


def _meeting(request, meeting_id: int) -> dict:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return meeting_out(meeting, items=list(selectors.meeting_items(meeting)))


@router.get("/meetings", response={200: list[MeetingOut], **ERRORS}, summary="协调会列表（按用户范围）")
def meeting_list(request):
    qs = (
        selectors.meeting_list_for_user(user=request.user)
        .prefetch_related("units_present")
        .order_by("-held_at")
    )
    return [meeting_out(m) for m in qs[:200]]


@router.post("/meetings", response={201: MeetingOut, **ERRORS}, summary="安排协调会")
def meeting_create(request, body: MeetingIn):
    convener = _leader(body.convener_id, "convener_id")
    meeting = services.meeting_create(
        actor=request.user,
        title=body.title,
        convener=convener,
        held_at=body.held_at,
        place=body.place,
        unit_ids=body.unit_ids,
        level=body.level,
    )
    return 201, _meeting(request, meeting.pk)


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS}, summary="协调会详情")
def meeting_detail(request, meeting_id: int):
    return _meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/items", response={200: MeetingOut, **ERRORS}, summary="列入议题")
def meeting_add_items(request, meeting_id: int, body: ItemsIn):
    selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    services.meeting_add_items(
        actor=request.user,
        meeting_id=meeting_id,
        appeal_ids=body.appeal_ids,
        escalation_ids=body.escalation_ids,
    )
    return _meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/minutes", response={200: MeetingOut, **ERRORS}, summary="上传会议纪要")
def meeting_minutes(request, meeting_id: int, file: File[UploadedFile]):
    selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    services.meeting_upload_minutes(actor=request.user, meeting_id=meeting_id, upload=file)
    return _meeting(request, meeting_id)


@router.post(
    "/meeting-items/{item_id}/opinion", response={200: MeetingOut, **ERRORS}, summary="录入协调意见并交办"
)
def meeting_opinion(request, item_id: int, body: OpinionIn):
    item = selectors.meeting_item_get_for_user(user=request.user, item_id=item_id)
    services.meeting_record_opinion(
        actor=request.user,
        item_id=item_id,
        opinion=body.opinion,
        unit_ids=body.unit_ids,
        due_workdays=body.due_workdays,
        due_date=body.due_date,
    )
    return _meeting(request, item.meeting_id)


@router.delete(
    "/meeting-items/{item_id}", response={200: MeetingOut, **ERRORS}, summary="移出议题（尚无协调意见）"
)
def meeting_remove_item(request, item_id: int):
    item = selectors.meeting_item_get_for_user(user=request.user, item_id=item_id)
    services.meeting_remove_item(actor=request.user, item_id=item_id)
    return _meeting(request, item.meeting_id)


class Annex3Query(Schema):
    unit_id: int | None = None
    month: str = ""


@router.get("/annex3", response={200: list[list], **ERRORS}, summary="附件3落实情况表（行）")
def annex3(request, q: Query[Annex3Query]):
    user = request.user
    if user_sees_all(user):
        unit = Unit.objects.filter(pk=q.unit_id).first() if q.unit_id else None
    elif user.role in (Role.HANDLER, Role.UNIT_HEAD, Role.CLERK) and user.unit_id:
        own = scope_root(user.unit)
        unit = own if q.unit_id in (None, own.pk) else None
    else:
        raise Forbidden("无权查看落实情况表")
    if unit is None:
        raise AccessDenied()
    month = _month(q.month) if q.month else timezone.localdate().replace(day=1)
    return selectors.annex3_rows(unit=unit, month=month)


@router.get("/facts", response={200: list[FactOut], **ERRORS}, summary="协调问题计数（五(二)2）")
def facts(request, month: str = ""):
    if not user_sees_all(request.user):
        raise Forbidden("无权查看协调计数")
    m = _month(month) if month else timezone.localdate().replace(day=1)
    return [
        {
            "id": f.pk,
            "meeting_id": f.meeting_id,
            "unit": ref(f.unit),
            "month": f.month,
            "counted_as": f.counted_as,
            "project": ref(f.project),
            "enterprise": ref(f.enterprise),
            "appeal_ids": f.appeal_ids,
            "evaluated_at": f.evaluated_at,
        }
        for f in selectors.facts_for(month=m)
    ]


# -- tasks -------------------------------------------------------------------------------------


class TaskQuery(Schema):
    status: str = "open"
    light: str = ""
    source: str = ""


def _task(request, task_id: int) -> dict:
    task = selectors.task_get_for_user(user=request.user, task_id=task_id)
    return task_out(task, light=selectors.task_light(task, timezone.localdate()))


@router.get("/tasks", response={200: list[TaskOut], **ERRORS}, summary="交办任务（按用户范围，含红黄灯）")
def task_list(request, q: Query[TaskQuery]):
    today = timezone.localdate()
    qs = selectors.task_filter(
        selectors.task_list_for_user(user=request.user),
        status=q.status,
        light=q.light,
        source=q.source,
        today=today,
    )
    return [task_out(t, light=selectors.task_light(t, today)) for t in qs[:500]]


@router.get("/tasks/{task_id}", response={200: TaskOut, **ERRORS}, summary="交办任务详情")
def task_detail(request, task_id: int):
    return _task(request, task_id)


@router.post("/tasks/{task_id}/progress", response={200: TaskOut, **ERRORS}, summary="填报进展（责任单位）")
def task_progress(request, task_id: int, body: NoteIn):
    selectors.task_get_for_user(user=request.user, task_id=task_id)
    services.task_report_progress(actor=request.user, task_id=task_id, note=body.note, version=body.version)
    return _task(request, task_id)


@router.post("/tasks/{task_id}/done", response={200: TaskOut, **ERRORS}, summary="报办结（责任单位）")
def task_done(request, task_id: int, body: NoteIn):
    selectors.task_get_for_user(user=request.user, task_id=task_id)
    services.task_report_done(actor=request.user, task_id=task_id, note=body.note, version=body.version)
    return _task(request, task_id)


@router.post(
    "/tasks/{task_id}/confirm", response={200: TaskOut, **ERRORS}, summary="确认办结（统筹协调专员/督查室）"
)
def task_confirm(request, task_id: int, body: NoteIn):
    selectors.task_get_for_user(user=request.user, task_id=task_id)
    services.task_confirm(actor=request.user, task_id=task_id, note=body.note, version=body.version)
    return _task(request, task_id)


@router.post("/tasks/{task_id}/reject", response={200: TaskOut, **ERRORS}, summary="退回继续办理")
def task_reject(request, task_id: int, body: ReasonIn):
    selectors.task_get_for_user(user=request.user, task_id=task_id)
    services.task_reject(actor=request.user, task_id=task_id, reason=body.reason)
    return _task(request, task_id)


# -- events ------------------------------------------------------------------------------------


def _event(request, event_id: int, *, with_items: bool = True) -> dict:
    event = selectors.event_get_for_user(user=request.user, event_id=event_id)
    step = next(
        s.number for s in selectors.event_steps(event) if s.state == "current" or event.status in s.statuses
    )
    return event_out(
        event,
        step=step,
        warning=services.catalog_warning(event, timezone.localdate()),
        force_label=selectors.task_force_for(event).label if with_items else "",
        items=list(selectors.event_items(event)) if with_items else None,
    )


@router.get("/events", response={200: list[EventOut], **ERRORS}, summary="面对面活动列表")
def event_list(request):
    return [
        _event(request, e.pk, with_items=False)
        for e in selectors.event_list_for_user(user=request.user)[:200]
    ]


@router.post("/events", response={201: EventOut, **ERRORS}, summary="新建面对面活动（专班办公室）")
def event_create(request, body: EventIn):
    event = services.event_create(
        actor=request.user,
        title=body.title,
        kind=body.kind,
        level=body.level,
        scheduled_at=body.scheduled_at,
        place=body.place,
        chair=_leader(body.chair_id, "chair_id"),
        deputy=_leader(body.deputy_id, "deputy_id"),
    )
    return 201, _event(request, event.pk)


@router.get("/events/{event_id}", response={200: EventOut, **ERRORS}, summary="面对面活动详情")
def event_detail(request, event_id: int):
    return _event(request, event_id)


class AppealIdsIn(Schema):
    appeal_ids: list[int]


@router.post("/events/{event_id}/appeals", response={200: EventOut, **ERRORS}, summary="从在办诉求选取问题")
def event_add_appeals(request, event_id: int, body: AppealIdsIn):
    selectors.event_get_for_user(user=request.user, event_id=event_id)
    services.event_add_appeals(actor=request.user, event_id=event_id, appeal_ids=body.appeal_ids)
    return _event(request, event_id)


@router.post(
    "/events/{event_id}/problems", response={201: EventOut, **ERRORS}, summary="登记企业新提出的问题"
)
def event_register_problem(request, event_id: int, body: ProblemIn):
    selectors.event_get_for_user(user=request.user, event_id=event_id)
    services.event_register_problem(
        actor=request.user,
        event_id=event_id,
        enterprise=body.enterprise_id,
        project=body.project_id,
        title=body.title,
        description=body.description,
        category=body.category_id,
        unit=body.unit_id,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
    )
    return 201, _event(request, event_id)


@router.post(
    "/event-items/{item_id}/verify", response={200: EventOut, **ERRORS}, summary="核实问题（有关部门）"
)
def event_item_verify(request, item_id: int, body: VerifyIn):
    item = selectors.event_item_get_for_user(user=request.user, item_id=item_id)
    services.event_item_verify(actor=request.user, item_id=item_id, result=body.result, note=body.note)
    return _event(request, item.event_id)


@router.post("/event-items/{item_id}/opinion", response={200: EventOut, **ERRORS}, summary="录入现场处理意见")
def event_item_opinion(request, item_id: int, body: OpinionIn):
    item = selectors.event_item_get_for_user(user=request.user, item_id=item_id)
    services.event_record_opinion(
        actor=request.user,
        item_id=item_id,
        opinion=body.opinion,
        unit_ids=body.unit_ids,
        due_workdays=body.due_workdays,
        due_date=body.due_date,
    )
    return _event(request, item.event_id)


class RescheduleIn(Schema):
    scheduled_at: datetime
    place: str = ""


@router.post(
    "/events/{event_id}/reschedule",
    response={200: EventOut, **ERRORS},
    summary="调整活动时间（目录截止日随之重算）",
)
def event_reschedule(request, event_id: int, body: RescheduleIn):
    selectors.event_get_for_user(user=request.user, event_id=event_id)
    services.event_reschedule(
        actor=request.user, event_id=event_id, scheduled_at=body.scheduled_at, place=body.place
    )
    return _event(request, event_id)


class UnitIn(Schema):
    unit_id: int


@router.post("/event-items/{item_id}/unit", response={200: EventOut, **ERRORS}, summary="调整核实单位")
def event_item_set_unit(request, item_id: int, body: UnitIn):
    item = selectors.event_item_get_for_user(user=request.user, item_id=item_id)
    services.event_item_set_unit(actor=request.user, item_id=item_id, unit_id=body.unit_id)
    return _event(request, item.event_id)


@router.delete("/event-items/{item_id}", response={200: EventOut, **ERRORS}, summary="移出问题目录")
def event_remove_item(request, item_id: int):
    item = selectors.event_item_get_for_user(user=request.user, item_id=item_id)
    services.event_remove_item(actor=request.user, item_id=item_id)
    return _event(request, item.event_id)


SIMPLE = {
    "start_verification": services.event_start_verification,
    "submit_catalog": services.event_submit_catalog,
    "notify": services.event_notify,
    "hold": services.event_hold,
    "generate_document": services.event_generate_document,
    "assign": services.event_assign,
    "close": services.event_close,
}


@router.post(
    "/events/{event_id}/actions/{action}", response={200: EventOut, **ERRORS}, summary="推进活动环节"
)
def event_action(request, event_id: int, action: str, body: EventActionIn):
    selectors.event_get_for_user(user=request.user, event_id=event_id)
    user, v = request.user, body.version
    if action in SIMPLE:
        SIMPLE[action](actor=user, event_id=event_id, version=v)
    elif action == "review":
        services.event_review(
            actor=user, event_id=event_id, proposals=body.proposals, note=body.note, version=v
        )
    elif action == "approve":
        services.event_approve(
            actor=user, event_id=event_id, item_ids=body.item_ids, note=body.note, version=v
        )
    elif action == "review_document":
        services.event_review_document(
            actor=user, event_id=event_id, approve=body.approve, note=body.note, version=v
        )
    elif action == "approve_document":
        services.event_approve_document(actor=user, event_id=event_id, note=body.note, version=v)
    else:
        raise AccessDenied(f"未知的环节操作：{action}")
    return _event(request, event_id)


@router.get(
    "/events/{event_id}/document", response={200: None, **ERRORS}, summary="下载《企业诉求事项处理意见》"
)
def event_document(request, event_id: int):
    event = selectors.event_get_for_user(user=request.user, event_id=event_id)
    if not event.document:
        raise AccessDenied("尚未生成《企业诉求事项处理意见》")
    return FileResponse(event.document.open("rb"), as_attachment=True, filename=f"opinions-{event.pk}.docx")
