"""Phone and ID numbers shown to people who may not see them in full (SPEC: contact data is masked
unless the role needs it)."""

import re

_MOBILE = re.compile(r"^(\+?86[- ]?)?(1\d{2})[- ]?(\d{4})[- ]?(\d{4})$")
_LANDLINE = re.compile(r"^(\(?0\d{2,3}\)?)[- ]?(\d{7,8})((?:-|转)\d{1,6})?$")


def mask_phone(phone: str | None) -> str:
    """Hide the middle of a phone number: mobiles 138****1234; landlines keep the area
    code and the last four digits (0591-****4321); short numbers keep at most their last
    two characters (a 5–6 digit number is not identifying once most of it is hidden)."""
    if not phone:
        return ""
    p = phone.strip()
    m = _MOBILE.match(p)
    if m:
        return f"{m.group(2)}****{m.group(4)}"
    m = _LANDLINE.match(p)
    if m:
        return f"{m.group(1)}-****{m.group(2)[-4:]}"
    chars = re.sub(r"\s", "", p)
    if len(chars) >= 8:
        return chars[:3] + "****" + chars[-4:]
    if len(chars) >= 5:
        return "*" * (len(chars) - 2) + chars[-2:]
    return "****"


def mask_id_number(value: str | None) -> str:
    """A resident ID number with only its region's first four and its last four characters
    shown (3201**********1234): the birth date in the middle is hidden."""
    if not value:
        return ""
    v = re.sub(r"\s", "", value).upper()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]
