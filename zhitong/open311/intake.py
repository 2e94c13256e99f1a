"""POST requests.{fmt}: an Open311 service request registered as an appeal through the
appeals app's one intake service (appeals.services.appeal_intake), as the token's owner.

Enterprise identification: the required attribute `attribute[credit_code]` (统一社会信用代码)
names an enterprise already in the library; an unknown code is refused (400), never
guessed. The location parameters, which the standard requires and an enterprise's appeal
does not need (its enterprise has a registered address), are optional here and, when
given, written into the appeal's text so nothing sent is lost. Idempotent per client:
the `Idempotency-Key` header, as in the REST API (docs/api.md)."""

from __future__ import annotations

import math

from zhitong.appeals import services as appeal_services
from zhitong.appeals.choices import Channel
from zhitong.appeals.models import Appeal, Category
from zhitong.enterprises.models import Enterprise

from .errors import Open311Error
from .mapping import CREDIT_CODE, TITLE

DESCRIPTION_MAX = 4000  # the standard: "free form text limited to 4,000 characters"
TITLE_FROM_TEXT = 60
SOURCE_SYSTEM = "open311"


def _text(data, name: str, *, max_len: int = 200) -> str:
    value = (data.get(name) or "").strip()
    if len(value) > max_len:
        raise Open311Error(400, f"{name} 不能超过{max_len}个字符")
    return value


def _coordinate(data, name: str, bound: float) -> float | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > bound:
        raise Open311Error(400, f"{name} 须为 -{bound:g} 至 {bound:g} 之间的数（WGS84）")
    return value


def _category(data) -> Category:
    code = _text(data, "service_code", max_len=32)
    if not code:
        raise Open311Error(400, "service_code 未提供")
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Open311Error(404, f"service_code {code} 不存在")
    return category


def _enterprise(data) -> Enterprise:
    field = f"attribute[{CREDIT_CODE}]"
    code = _text(data, field, max_len=18).upper()
    if not code:
        raise Open311Error(400, f"{field} 未提供：请填写提出诉求的企业的统一社会信用代码")
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    if enterprise is None:
        raise Open311Error(400, f"企业库中没有统一社会信用代码为 {code} 的企业，请先登记企业")
    return enterprise


def _description(data) -> tuple[str, str]:
    """(title, description): the text and, appended, the location the client gave."""
    text = (data.get("description") or "").strip()
    if not text:
        raise Open311Error(400, "description 未提供：请填写诉求内容")
    if len(text) > DESCRIPTION_MAX:
        raise Open311Error(400, f"description 不能超过{DESCRIPTION_MAX}个字符")
    title = _text(data, f"attribute[{TITLE}]") or text.splitlines()[0].strip()[:TITLE_FROM_TEXT]
    lat, long = _coordinate(data, "lat", 90), _coordinate(data, "long", 180)
    if (lat is None) != (long is None):
        raise Open311Error(400, "lat 与 long 须同时提供")
    place = []
    if address := _text(data, "address_string"):
        place.append(f"地点：{address}")
    if address_id := _text(data, "address_id", max_len=100):
        place.append(f"地址编号：{address_id}")
    if lat is not None:
        place.append(f"坐标（WGS84）：{lat}, {long}")
    return title, text + ("\n\n" + "\n".join(place) if place else "")


def request_create(*, actor, data, idempotency_key: str | None) -> tuple[Appeal, bool]:
    """Register the service request in `data` (the form body): (appeal, created)."""
    category = _category(data)
    enterprise = _enterprise(data)
    title, description = _description(data)
    contact = (_text(data, "last_name", max_len=25) + _text(data, "first_name", max_len=25)).strip()
    return appeal_services.appeal_intake(
        actor=actor,
        enterprise_id=enterprise.pk,
        title=title,
        description=description,
        category_id=category.pk,
        channel=Channel.API,
        contact_name=contact,
        contact_phone=_text(data, "phone", max_len=20),
        idempotency_key=idempotency_key,
        source_system=SOURCE_SYSTEM,
    )
