"""/api/v1/enterprises: the enterprise list and detail in the caller's scope. Phones are
always masked here; the full number needs the audited reveal call."""

from ninja import Query, Router, Schema

from zhitong.core.errors import ErrorOut
from zhitong.core.fields import QUERY_TEXT_MAX, Id, Offset, PageSize, Text

from . import selectors, services
from .choices import TeamRole

router = Router(tags=["enterprises"])


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
    }


class EnterpriseFilters(Schema):
    q: Text(QUERY_TEXT_MAX) | None = None
    location_id: Id | None = None
    industry: Text(20) | None = None
    flag: Text(30) | None = None
    tag: Text(30) | None = None
    limit: PageSize(500) = 50
    offset: Offset = 0


@router.get("", response=EnterprisePage, summary="Enterprises in the caller's scope (search and filters)")
def list_enterprises(request, f: Query[EnterpriseFilters]):
    qs = selectors.enterprise_list_for_user(
        user=request.auth, q=f.q, location_id=f.location_id, industry=f.industry, flag=f.flag, tag=f.tag
    )
    return {"count": qs.count(), "items": [_out(e) for e in qs[f.offset : f.offset + f.limit]]}


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
