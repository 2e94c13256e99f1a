"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from the alphabet 0-9 and A-Z without I, O, S, V, Z. Character 18 is a
check character: C18 = 31 - (sum(Ci * Wi) mod 31), with 31 written as 0.
"""

import re

from django.core.exceptions import ValidationError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def credit_code_check_char(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """The reason (in Chinese) why `code` is not a valid credit code, or None."""
    if code is None or code == "":
        return "统一社会信用代码不能为空"
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    if code != code.upper():
        return "统一社会信用代码中的字母应为大写"
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            if ch in "IOSVZ":
                return f"第{pos}位“{ch}”不是统一社会信用代码使用的字符（不使用 I、O、S、V、Z）"
            return f"第{pos}位“{ch}”不是统一社会信用代码使用的字符"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"校验码错误：第18位应为“{expected}”，实际为“{code[17]}”"
    return None


def validate_credit_code(code: str) -> None:
    err = credit_code_error(code)
    if err:
        raise ValidationError(err, code="credit_code")


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def phone_error(phone: str) -> str | None:
    """The reason (in Chinese) why `phone` is not a mainland mobile (11 digits starting
    with 13–19) or a landline with area code (0591-87654321, optional extension)."""
    if phone is None or str(phone).strip() == "":
        return "电话号码不能为空"
    p = str(phone).strip().replace(" ", "")
    if _MOBILE_RE.match(p) or _LANDLINE_RE.match(p):
        return None
    if p.isdigit() and p.startswith("1"):
        return f"手机号码“{p}”应为以13–19开头的11位数字"
    return f"电话号码“{p}”格式不正确（手机号为11位数字，固定电话如 0591-87654321）"
