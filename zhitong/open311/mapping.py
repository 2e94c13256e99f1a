"""How Zhitong's objects read as Open311 GeoReport v2 resources (docs/open311.md).

- A service is an active appeal category (`Category`): service_code = the category's code,
  service_name = its name; every service has metadata (the enterprise's credit code is a
  required attribute), type `realtime` (the service_request_id is returned at once).
- A service request is an appeal: service_request_id = the appeal's code (ZT-YYYY-NNNNNN),
  status open/closed, status_notes = the appeal's public stage (the words the enterprise
  reads, never an internal note), agency_responsible = the lead unit's public name,
  service_notice = the category's promised time limit, requested_datetime = received,
  updated_datetime = last change (for a closed one: when it was closed), expected_datetime
  = the handling deadline's last second, address = the enterprise's registered address and
  county/park. Nothing personal: no contact name or phone, no staff member's name, no
  internal note; the scope is the appeals app's own for the token's owner.
"""

from __future__ import annotations

from zhitong.appeals.choices import Status
from zhitong.appeals.enterprise_selectors import stage_of, unit_public_name

from .render import w3

# "closed: it has been resolved" — answered and checked (waiting for the rating), closed,
# or merged into the appeal that is handled instead.
CLOSED_STATUSES = frozenset({Status.VERIFIED, Status.CLOSED, Status.MERGED})
GROUP = "企业诉求"


def _notice(category) -> str:
    if category.handling_days:
        return f"承诺在{category.handling_days}个工作日内办结（材料齐全之日起算）"
    return "按规定时限办理"


def service_of(category) -> dict:
    materials = "、".join(category.required_materials or [])
    description = _notice(category) + (f"；所需材料：{materials}" if materials else "")
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": description,
        "metadata": True,
        "type": "realtime",
        "keywords": category.name,
        "group": GROUP,
    }


# The attributes every service takes (GET services/{code}; POST attribute[code]=value).
CREDIT_CODE, TITLE = "credit_code", "title"


def definition_of(category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": CREDIT_CODE,
                "datatype": "string",
                "required": True,
                "datatype_description": "18位统一社会信用代码，如 91350100MA2XXXXXX0",
                "order": 1,
                "description": "提出诉求的企业的统一社会信用代码（该企业须已在企业库中）",
                "values": [],
            },
            {
                "variable": True,
                "code": TITLE,
                "datatype": "string",
                "required": False,
                "datatype_description": "不超过200个字",
                "order": 2,
                "description": "诉求标题；不填则取诉求内容的第一行",
                "values": [],
            },
        ],
    }


def status_of(appeal) -> str:
    return "closed" if appeal.status in CLOSED_STATUSES else "open"


def request_of(appeal) -> dict:
    closed = status_of(appeal) == "closed"
    updated = (appeal.state_since or appeal.updated_at) if closed else appeal.updated_at
    enterprise = appeal.enterprise
    place = "，".join(p for p in (enterprise.address, getattr(enterprise.location, "name", "")) if p)
    return {
        "service_request_id": appeal.code,
        "status": status_of(appeal),
        "status_notes": str(stage_of(appeal.status).label),
        "service_name": appeal.category.name,
        "service_code": appeal.category.code,
        "description": appeal.description,
        "agency_responsible": unit_public_name(appeal.lead_unit) or None,
        "service_notice": _notice(appeal.category),
        "requested_datetime": w3(appeal.received_at),
        "updated_datetime": w3(updated),
        "expected_datetime": w3(appeal.handling_due),
        "address": place or None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
