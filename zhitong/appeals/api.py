"""/api/v1/appeals — the same operations as the pages, through the same selectors and
services. Token authentication (Authorization: Bearer …) comes from zhitong.api.

- GET    /appeals                      scoped list, paginated, filters incl. light
- POST   /appeals                      intake; idempotent per client by `Idempotency-Key`
                                       header or source_system + source_id (201 created,
                                       200 replay with `Idempotent-Replayed: true`, 422
                                       the key re-used for a different payload)
- GET    /appeals/{id}                 detail with timeline and the caller's available moves
- POST   /appeals/{id}/moves/{move}    any move of the state machine: {"expected_version", "data"}
- POST   /appeals/{id}/evidence        the `add_evidence` move with its files as multipart
- POST   /appeals/{id}/exemption       the `request_exemption` move with its formal document
                                       (正式行文, seeds/000 五(二)3) as multipart
- GET    /appeals/moves                the state machine table
- POST   /appeals/duplicates           possible duplicates of the appeal being typed (GET with
                                       the text in the URL is deprecated: 414 behind proxies)
- GET    /appeals/categories, /appeals/triage

An enterprise user calling the same operations gets its own shapes (`audience:
"enterprise"`: the public stage, deadline and timeline of appeals/enterprise_selectors.py),
never the staff's internal record; the staff-only filters (status, light, is_problem) and
the duplicate lookup are refused to it.

Errors are JSON {"code", "message"} with a Chinese message (zhitong/api/contract.py):
400 bad data, 403 not your move, 404 missing or out of scope, 409 illegal or stale move (or
"conflict": another request held the rows — nothing was saved, retry), 422 a parameter of
the wrong type or outside its bounds (core/fields.py), a move without `expected_version`,
or an idempotency key re-used for a different payload.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict

from zhitong.core.errors import ErrorOut, Forbidden, ServiceError
from zhitong.core.fields import LONG_TEXT_MAX, QUERY_TEXT_MAX, Id, PageNumber, PageSize, Text, Version
from zhitong.core.scope import filter_given
from zhitong.organizations.access import require_government
from zhitong.organizations.capabilities import can_register_appeals, is_enterprise_user

from . import counters, selectors, services
from . import enterprise_selectors as ent
from .choices import Light
from .machine import APPEAL, MOVES, available_moves
from .models import Category
from .schemas import (
    APPEAL_EXAMPLE,
    AppealDetail,
    AppealOut,
    AppealPage,
    CategoryOut,
    EvidenceOut,
    IntakeIn,
    MoveIn,
    MoveSpecOut,
    appeal_detail_out,
    appeal_out,
    enterprise_appeal_detail_out,
    enterprise_appeal_out,
    evidence_out,
    move_out,
)

router = Router(tags=["appeals"])

# The refusals an endpoint may answer besides the errors every operation documents
# (400/404/405/413/422/500, and 401 — added centrally by zhitong.api.contract).
ERRORS = {403: ErrorOut, 409: ErrorOut}
MAX_PAGE_SIZE = 100


class ListFilters(Schema):
    q: Text(QUERY_TEXT_MAX) = ""
    status: Text(QUERY_TEXT_MAX) = ""  # one or several, comma-separated
    light: Text(10) = ""
    lead_unit_id: Id | None = None
    category_id: Id | None = None
    channel: Text(20) = ""
    enterprise_id: Id | None = None
    is_problem: bool | None = None
    open_only: bool = False
    # The public stages (enterprise_selectors.Stage, or "open"): the enterprise's filter.
    stage: Text(20) = ""
    order: Text(20) = "received"
    page: PageNumber = 1
    page_size: PageSize(MAX_PAGE_SIZE) = 20
    # false: leave `count` out (null) — a client that walks the pages by `has_next` needs none.
    with_count: bool = True


def _detail(request, appeal_id: int) -> dict:
    appeal = selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)
    moves = available_moves(request.user, appeal)
    if is_enterprise_user(request.user):
        return enterprise_appeal_detail_out(appeal, moves=moves)
    return appeal_detail_out(appeal, moves=moves, timeline=selectors.appeal_timeline(appeal))


# Filters that read the staff's internal record (states, lights, problem flags): refused to
# enterprise users, whose list is by public stage (issue 9).
STAFF_FILTERS = ("status", "light", "is_problem")


def _enterprise_list(request, filters: ListFilters) -> dict:
    for name in STAFF_FILTERS:
        if getattr(filters, name) not in ("", None):
            raise ServiceError(f"企业用户不能按 {name} 筛选，请按办理阶段 stage 筛选", field=name)
    stage = ent.OPEN if filters.open_only and not filters.stage else filters.stage
    qs = ent.enterprise_appeals(user=request.user, stage=stage, q=filters.q)
    qs = filter_given(
        qs, lead_unit_id=filters.lead_unit_id, category_id=filters.category_id, channel=filters.channel
    )
    page_size, page = filters.page_size, filters.page
    count = qs.count()
    items = list(qs[(page - 1) * page_size : page * page_size])
    return {
        "count": count,
        "has_next": page * page_size < count,
        "page": page,
        "page_size": page_size,
        "items": [enterprise_appeal_out(a) for a in items],
    }


@router.get("", response={200: AppealPage, **ERRORS}, summary="诉求列表（按用户范围）")
def appeal_list(request, filters: Query[ListFilters]):
    """Staff: the scoped list (`audience: "staff"` items). Enterprise users: their own
    appeals by public stage (`audience: "enterprise"` items; `stage` = materials, accepted,
    handling, answered, closed, merged or open; all but merged duplicates by default, open
    ones first); `status`, `light` and `is_problem` are refused to them (400)."""
    if filters.stage and filters.stage not in ent.LIST_FILTERS:
        raise ServiceError("办理阶段须为 " + "、".join(v for v in ent.LIST_FILTERS if v), field="stage")
    if is_enterprise_user(request.user):
        return _enterprise_list(request, filters)
    if filters.light and filters.light not in Light.values:
        raise ServiceError("灯号须为 green、yellow、red 或 none", field="light")
    page_size, page = filters.page_size, filters.page
    today = timezone.localdate()
    qs = selectors.appeal_list_for_user(
        user=request.user,
        q=filters.q,
        status=[s for s in filters.status.split(",") if s] or None,
        light=filters.light or None,
        lead_unit_id=filters.lead_unit_id,
        category_id=filters.category_id,
        channel=filters.channel or None,
        enterprise_id=filters.enterprise_id,
        is_problem=filters.is_problem,
        open_only=filters.open_only,
        order=filters.order,
        today=today,
    )
    if filters.stage:
        qs = qs.filter(status__in=ent.statuses_of(filters.stage))
    # Two queries (issue 14): a page of ids (page_size + 1, for `has_next`), then their rows.
    # `count` comes from the cached counts (appeals/counters.py), or is left out (null) when
    # the caller sends `with_count=false`.
    listed = selectors.appeal_page(qs, page=page, page_size=page_size)
    count = None
    if filters.with_count:
        key = filters.dict(exclude={"page", "page_size", "order", "with_count"})
        count = counters.cached_count(
            request.user, "api_list", key, lambda: qs.order_by().count(), today=today
        )
    return {
        "count": count,
        "has_next": listed.has_next,
        "page": page,
        "page_size": page_size,
        "items": [appeal_out(a) for a in listed.rows],
    }


# The intake's idempotency header and the replay's answer header, in the OpenAPI document: the
# view reads the header itself (its length is checked there), so ninja does not declare it,
# and a generated client (docs/api.md) would otherwise have no argument to send it.
INTAKE_DOC = {
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": "重试安全的幂等键（至多100个字符）：同一键的重复请求不再登记，返回首次登记的诉求（200）",
            "schema": {"type": "string", "maxLength": 100},
            "example": "hotline-20250901-0001",
        }
    ],
    # Integer keys: ninja's own responses are keyed by int, and the extra is merged into them.
    "responses": {
        200: {
            "description": "重放：同一幂等键已登记过，返回首次登记的诉求",
            "headers": {
                "Idempotent-Replayed": {
                    "description": "重放时为 `true`",
                    "schema": {"type": "string", "enum": ["true"]},
                }
            },
        },
        201: {"description": "已登记"},
    },
}


@router.post(
    "",
    response={200: AppealDetail, 201: AppealDetail, **ERRORS},
    summary="登记诉求（幂等）",
    openapi_extra=INTAKE_DOC,
)
def appeal_create(request, payload: IntakeIn, response: HttpResponse):
    """Register an appeal. Idempotent: send an `Idempotency-Key` header (at most 100
    characters), or `source_system` + `source_id`.

    - The first request creates the appeal: **201**.
    - The same request sent again with the same key (a retry, e.g. after a lost response
      or a crash while the answer was built) creates nothing: **200** with the appeal
      registered the first time and the header `Idempotent-Replayed: true`.
    - The same key with a different payload: **422** `{"code": "idempotency_mismatch"}` —
      a key stands for one request; use a new key for a new appeal.
    - Keys belong to the client that sent them (the token's account): another client's
      key is a different key, and no answer tells whether it exists.
    - `duplicate_of_id` links the new appeal to an open appeal of the same enterprise that
      the caller may see; one out of sight is 404 and nothing is registered."""
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key and len(key) > 100:
        raise ServiceError("Idempotency-Key 不能超过100个字符", field="Idempotency-Key")
    appeal, created = services.appeal_intake(actor=request.user, idempotency_key=key, **payload.dict())
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    if created and getattr(appeal, "intake_timeline", None) is not None and not payload.duplicate_of_id:
        return Status(201, _intake_detail(request, appeal))
    return Status(201 if created else 200, _detail(request, appeal.pk))


def _intake_detail(request, appeal) -> dict:
    """The new appeal's detail from what the intake service returned (issue 14): its
    enterprise, category and actor are the objects it checked, its timeline the rows it
    wrote; nothing else exists yet (no cooperation, no evidence, no handler, no lead unit).
    The registrar sees what they registered (received_by is in every scope), so the
    scoped re-read through the list query that this replaces only cost time."""
    from .deadlines import light_of
    from .selectors import TimelineEntry, action_label, note_text

    user = request.user
    if appeal.received_unit_id == getattr(user, "unit_id", None):
        appeal.received_unit = user.unit  # the token's user comes with its unit
    appeal._prefetched_objects_cache = {"cooperations": appeal.cooperations.none()}
    appeal.light = light_of(appeal)
    timeline = [
        TimelineEntry(
            at=t.at,
            action=t.action,
            label=action_label(t.action, t.data),
            actor=user,
            actor_unit=user.unit if t.actor_unit_id else None,
            from_status=t.from_status,
            to_status=t.to_status,
            note=note_text(t.note, t.data),
            data=t.data or {},
            evidence=[],
        )
        for t in appeal.intake_timeline
    ]
    return appeal_detail_out(appeal, moves=available_moves(user, appeal), timeline=timeline)


@router.get(
    "/moves", response={200: list[MoveSpecOut], 403: ErrorOut}, summary="状态机：全部操作及可执行角色"
)
def move_table(request):
    require_government(request.user)
    return [
        move_out(m)
        | {
            "sources": sorted(m.sources),
            "actors": sorted(m.actors),
            "alt_target": m.alt_target,
            "description": str(m.description),
        }
        for m in MOVES.values()
    ]


@router.get("/categories", response={200: list[CategoryOut], 403: ErrorOut}, summary="诉求类别")
def category_list(request):
    require_government(request.user)
    return list(Category.objects.filter(is_active=True))


@router.get(
    "/triage",
    response={200: list[AppealOut], **ERRORS},
    summary="统筹协调待办（待分办、待改派、待核验、问题诉求）",
)
def triage(request):
    return [appeal_out(a) for a in selectors.triage_queue(user=request.user)[:200]]


class DuplicateOut(AppealOut):
    model_config = ConfigDict(json_schema_extra={"examples": [APPEAL_EXAMPLE | {"similarity": 0.82}]})

    similarity: float


class DuplicateCheckIn(Schema):
    """The appeal being registered, as far as it is typed: the description as long as
    intake takes it (5,000 characters)."""

    enterprise_id: Id
    title: Text(200)
    description: Text(LONG_TEXT_MAX) = ""


def _duplicates(request, enterprise_id: int, title: str, description: str) -> list[dict]:
    """Only appeals the caller may see (the selector is scoped, like the intake page's panel).
    The check serves registration (it lists similar open appeals of the enterprise named), so
    only those who register appeals ask it (capabilities.can_register_appeals, the intake
    page's gate too): staff, answered in the staff's shape; never an enterprise's account,
    which does not register appeals here."""
    if not can_register_appeals(request.user):
        raise Forbidden("仅登记诉求的人员可以使用登记查重")
    found = selectors.appeal_possible_duplicates(
        user=request.user, enterprise_id=enterprise_id, title=title, description=description
    )
    today = timezone.localdate()
    return [
        appeal_out(a, light=selectors.appeal_light(a, today)) | {"similarity": a.similarity} for a in found
    ]


@router.post(
    "/duplicates", response={200: list[DuplicateOut], 403: ErrorOut}, summary="登记时提示可能重复的诉求"
)
def duplicates_check(request, payload: DuplicateCheckIn):
    """Open appeals of the same enterprise that look like this one, most similar first.
    The text goes in the body: a description of a few hundred Chinese characters is more
    than a URL carries through the proxies (414)."""
    return _duplicates(request, payload.enterprise_id, payload.title, payload.description)


@router.get(
    "/duplicates",
    response={200: list[DuplicateOut], 403: ErrorOut},
    summary="登记时提示可能重复的诉求（旧接口，请改用 POST）",
    deprecated=True,
)
def duplicates(request, enterprise_id: Id, title: Text(200), description: Text(QUERY_TEXT_MAX * 10) = ""):
    """Deprecated: the text in the URL. A long description fails behind the proxies with
    414 (request line over 4 KB); use POST /appeals/duplicates with the same fields."""
    return _duplicates(request, enterprise_id, title, description)


@router.get(
    "/{appeal_id}", response={200: AppealDetail, **ERRORS}, summary="诉求详情（含全过程记录和可执行操作）"
)
def appeal_detail(request, appeal_id: Id):
    """Staff: the whole record and timeline. Enterprise users: their own appeal as they may
    read it (`audience: "enterprise"`: public stage, deadline, answer once checked, timeline
    of public entries worded with units' names)."""
    return _detail(request, appeal_id)


@router.post("/{appeal_id}/moves/{move}", response={200: AppealDetail, **ERRORS}, summary="执行状态机操作")
def appeal_do_move(request, appeal_id: Id, move: Text(40), payload: MoveIn):
    """`data` holds the move's fields (GET /appeals/moves lists them); `expected_version`
    is the version the client last saw — a stale one is refused with 409. A key the move
    does not take is refused with 422; files go through POST …/evidence, and an exemption
    with its formal document through POST …/exemption."""
    selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)
    services.appeal_move(
        appeal_id=appeal_id,
        move=move,
        actor=request.user,
        expected_version=payload.expected_version,
        unknown="refuse",
        **payload.data.model_dump(exclude_unset=True),
    )
    return _detail(request, appeal_id)


@router.post(
    "/{appeal_id}/exemption",
    response={200: AppealDetail, **ERRORS},
    summary="申请不纳入考核（附正式行文，multipart）",
)
def appeal_request_exemption(
    request,
    appeal_id: Id,
    expected_version: Form[Version],
    files: File[list[UploadedFile]] = None,
    explanation: str = Form("", max_length=LONG_TEXT_MAX),
):
    """The `request_exemption` move with its formal document (seeds/000 五(二)3: 正式行文解释说明)
    as multipart, which JSON cannot carry: without a file it is refused (400
    `document_required`), as the JSON move is."""
    selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)
    APPEAL.dispatch(
        pk=appeal_id,
        move="request_exemption",
        actor=request.user,
        expected_version=expected_version,
        evidence_files=files or [],
        explanation=explanation,
    )
    return _detail(request, appeal_id)


@router.post("/{appeal_id}/evidence", response={201: list[EvidenceOut], **ERRORS}, summary="上传佐证材料")
def appeal_upload_evidence(
    request,
    appeal_id: Id,
    files: File[list[UploadedFile]],
    expected_version: Form[Version],
    note: str = Form("", max_length=LONG_TEXT_MAX),
):
    """The `add_evidence` move: `expected_version` (required) is the version the upload
    was based on."""
    selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id)
    # The `add_evidence` move, with its files as multipart (JSON cannot carry them).
    evidence = APPEAL.dispatch(
        pk=appeal_id,
        move="add_evidence",
        actor=request.user,
        expected_version=expected_version,
        evidence_files=files,
        note=note,
    )
    return Status(201, [evidence_out(e) for e in evidence])
