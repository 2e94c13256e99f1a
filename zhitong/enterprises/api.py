"""/api/v1/enterprises: the enterprise list and detail in the caller's scope. Phones are
always masked here; the full number needs the audited reveal call."""

from ninja import Router, Schema

from zhitong.core.errors import ServiceError

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


@router.get("", response=EnterprisePage, summary="Enterprises in the caller's scope (search and filters)")
def list_enterprises(
    request,
    q: str | None = None,
    location_id: int | None = None,
    industry: str | None = None,
    flag: str | None = None,
    tag: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    if not 1 <= limit <= 500 or offset < 0:
        raise ServiceError("limit 须在 1 到 500 之间，offset 不能为负数", code="invalid_paging")
    qs = selectors.enterprise_list_for_user(
        user=request.auth, q=q, location_id=location_id, industry=industry, flag=flag, tag=tag
    )
    return {"count": qs.count(), "items": [_out(e) for e in qs[offset : offset + limit]]}


@router.get("/{enterprise_id}", response=EnterpriseDetailOut, summary="One enterprise (phones masked)")
def get_enterprise(request, enterprise_id: int):
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
    "/contacts/{contact_id}/reveal-phone", response=PhoneOut, summary="A contact's full number (audited)"
)
def reveal_phone(request, contact_id: int):
    return {
        "contact_id": contact_id,
        "phone": services.contact_reveal_phone(user=request.auth, contact_id=contact_id),
    }
