"""/api/v1/enterprises: the enterprise list and detail in the caller's scope. Phones are
always masked here; the full number needs the audited reveal call.

- POST /enterprises                          add an enterprise at intake (issue 9): whoever
                                             registers appeals; pending review
- GET  /enterprises/review                   the keepers' queue of enterprises to review
- POST /enterprises/{id}/moves/{move}        approve / correct (machine.ENTERPRISE)
"""

from datetime import datetime

from ninja import Query, Router, Schema, Status
from pydantic import Field

from zhitong.core.errors import ErrorOut, Forbidden
from zhitong.core.fields import QUERY_TEXT_MAX, Id, Offset, PageSize, Text, Version, VisibleText
from zhitong.organizations.access import require_government
from zhitong.organizations.capabilities import keeps_enterprise_library

from . import selectors, services
from .choices import Industry, TeamRole
from .machine import ENTERPRISE

router = Router(tags=["enterprises"])
# The refusals an operation may answer besides those every operation documents
# (400/401/404/405/413/422/500 — added centrally by zhitong.api.contract).
ERRORS = {403: ErrorOut, 409: ErrorOut}


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    industry: str
    industry_label: str
    location_id: int
    location_name: str
    flags: list[str]
    tags: list[str]
    butler: str | None
    review_status: str
    added_at_intake: bool
    version: int


class EnterprisePage(Schema):
    count: int
    items: list[EnterpriseOut]


class ContactOut(Schema):
    id: int
    name: str
    position: str
    phone_masked: str
    is_primary: bool


class TeamMemberOut(Schema):
    role: str
    role_label: str
    name: str
    unit: str | None
    phone: str


class EnterpriseDetailOut(EnterpriseOut):
    address: str
    legal_representative: str
    contacts: list[ContactOut]
    team: list[TeamMemberOut]
    can_reveal_phone: bool


class PhoneOut(Schema):
    contact_id: int
    phone: str


def _out(e) -> dict:
    return {
        "id": e.pk,
        "credit_code": e.credit_code,
        "name": e.name,
        "industry": e.industry,
        "industry_label": e.get_industry_display(),
        "location_id": e.location_id,
        "location_name": e.location.name,
        "flags": [k for k in selectors.FLAGS if getattr(e, k)],
        "tags": [k for k in selectors.TAGS if getattr(e, k)],
        "butler": e.butler.display_name if e.butler_id else None,
        "review_status": e.review_status,
        "added_at_intake": e.added_at_intake,
        "version": e.version,
    }


class EnterpriseFilters(Schema):
    q: Text(QUERY_TEXT_MAX) | None = None
    location_id: Id | None = None
    industry: Text(20) | None = None
    flag: Text(30) | None = None
    tag: Text(30) | None = None
    limit: PageSize(500) = 50
    offset: Offset = 0


# ------------------------------------------------------------------------------------------
# Schemas of adding at intake (issue 9) and of the keepers' review
# ------------------------------------------------------------------------------------------


class EnterpriseAddIn(Schema):
    """An enterprise missing from the library, added while registering its appeal. The
    credit code may carry spaces (as read out over the phone); its check character is
    verified (GB 32100-2015)."""

    credit_code: VisibleText(50)
    name: VisibleText(200)
    industry: Industry
    location_id: Id
    address: Text(200) = ""
    legal_representative: Text(50) = ""
    similar_seen: list[Id] = Field(
        default_factory=list,
        max_length=50,
        description="已看过的名称相同或相近的企业（上次 409 similar_enterprises 的 details[].id）",
    )


class EnterpriseReviewOut(EnterpriseOut):
    review_status_label: str
    address: str
    legal_representative: str
    added_by: str | None
    added_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    moves: list[str]


class ReviewPage(Schema):
    count: int
    items: list[EnterpriseReviewOut]


class EnterpriseMoveIn(Schema):
    """A move of the review table: the version the caller based it on (required: a move
    without it is 422, a stale one 409) and the move's fields in `data` (`correct` takes
    name, credit_code, industry, location_id, address, legal_representative — an empty or
    missing one stays as it is — and `note`; `approve` takes `note`)."""

    expected_version: Version
    data: ENTERPRISE.input_model = Field(default_factory=ENTERPRISE.input_model)


def _review_out(e, user) -> dict:
    return {
        **_out(e),
        "review_status_label": e.get_review_status_display(),
        "address": e.address,
        "legal_representative": e.legal_representative,
        "added_by": e.added_by.display_name if e.added_by_id else None,
        "added_at": e.created_at,
        "reviewed_by": e.reviewed_by.display_name if e.reviewed_by_id else None,
        "reviewed_at": e.reviewed_at,
        "moves": [m.name for m in ENTERPRISE.available(user, e)],
    }


@router.get(
    "",
    response={200: EnterprisePage, 403: ErrorOut},
    summary="Enterprises in the caller's scope (search and filters)",
)
def list_enterprises(request, f: Query[EnterpriseFilters]):
    require_government(request.user)
    qs = selectors.enterprise_list_for_user(
        user=request.auth, q=f.q, location_id=f.location_id, industry=f.industry, flag=f.flag, tag=f.tag
    )
    return {"count": qs.count(), "items": [_out(e) for e in qs[f.offset : f.offset + f.limit]]}


@router.get(
    "/review",
    response={200: ReviewPage, **ERRORS},
    summary="待核实企业（登记诉求时新增，统筹协调专员、系统管理员）",
)
def review_queue(request, limit: PageSize(500) = 50, offset: Offset = 0):
    if not keeps_enterprise_library(request.auth):
        raise Forbidden("只有统筹协调专员和系统管理员可以核实企业")
    qs = selectors.enterprise_review_queue(user=request.auth).select_related("butler", "reviewed_by")
    return {"count": qs.count(), "items": [_review_out(e, request.auth) for e in qs[offset : offset + limit]]}


@router.get("/{enterprise_id}", response=EnterpriseDetailOut, summary="One enterprise (phones masked)")
def get_enterprise(request, enterprise_id: Id):
    e = selectors.enterprise_get_for_user(user=request.auth, enterprise_id=enterprise_id)
    return {
        **_out(e),
        "address": e.address,
        "legal_representative": e.legal_representative,
        "contacts": [
            {
                "id": c.pk,
                "name": c.name,
                "position": c.position,
                "phone_masked": selectors.mask_phone(c.phone),
                "is_primary": c.is_primary,
            }
            for c in e.contacts.all()
        ],
        "team": [
            {
                "role": m.role,
                "role_label": m.get_role_display(),
                "name": m.name,
                "unit": m.unit.name if m.unit_id else None,
                "phone": selectors.mask_phone(m.phone) if m.role == TeamRole.ENTERPRISE_CONTACT else m.phone,
            }
            for m in e.team.all()
        ],
        "can_reveal_phone": selectors.can_see_full_phone(request.auth, e),
    }


@router.post(
    "/contacts/{contact_id}/reveal-phone",
    response={200: PhoneOut, 403: ErrorOut},
    summary="A contact's full number (audited)",
)
def reveal_phone(request, contact_id: Id):
    return {
        "contact_id": contact_id,
        "phone": services.contact_reveal_phone(user=request.auth, contact_id=contact_id),
    }


@router.post("", response={201: EnterpriseReviewOut, **ERRORS}, summary="登记诉求时新增企业（待核实）")
def add_enterprise(request, payload: EnterpriseAddIn):
    """Add an enterprise missing from the library while registering its appeal; then
    register the appeal with the returned `id`. Anyone who may register appeals may (403
    otherwise). The enterprise is usable at once and waits for review (`review_status`
    "pending") by the hub or the administrator.

    - **201**: added (pending review).
    - **400**: a rule broken — e.g. the credit code's check character (`field`
      "credit_code", the reason in Chinese), a location that is not a county or park.
    - **409 `enterprise_exists`**: the credit code is in the library already (also when
      another client added it a moment ago); `details[0].id` is that enterprise — use it.
    - **409 `similar_enterprises`**: enterprises of the same or a similar name are in the
      library, listed in `details` (`id`, name, code, location). If one of them is the
      enterprise, use it; otherwise send the request again with their ids in
      `similar_seen`."""
    # The answer is the adder's even when the district is outside their scope: they just
    # entered every fact of it.
    e = services.enterprise_add_at_intake(actor=request.auth, **payload.dict())
    return Status(201, _review_out(e, request.auth))


@router.post(
    "/{enterprise_id}/moves/{move}",
    response={200: EnterpriseReviewOut, **ERRORS},
    summary="核实登记诉求时新增的企业：approve 核实无误 / correct 更正并核实",
)
def enterprise_move(request, enterprise_id: Id, move: Text(40), payload: EnterpriseMoveIn):
    """404 for an enterprise outside the caller's scope; 403 for a caller who does not keep
    the library; 409 for one already reviewed, a stale `expected_version`, or a corrected
    credit code that is another enterprise's (`enterprise_exists`, its id in `details`)."""
    selectors.enterprise_get_for_user(user=request.auth, enterprise_id=enterprise_id)
    ENTERPRISE.dispatch(
        pk=enterprise_id,
        move=move,
        actor=request.auth,
        expected_version=payload.expected_version,
        unknown="refuse",
        **payload.data.model_dump(exclude_unset=True),
    )
    e = selectors.enterprise_get_for_user(user=request.auth, enterprise_id=enterprise_id)
    return _review_out(e, request.auth)
