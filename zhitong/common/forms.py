"""Form helpers shared by the apps' views."""

from __future__ import annotations

from django import forms

from zhitong.core.errors import ServiceError

from .transitions import VERSION_REQUIRED

VERSION_INVALID = "页面版本号格式不正确，请刷新页面后重试"


def version_field() -> forms.IntegerField:
    """The hidden field of a move form carrying the version the page was rendered at.
    Required: a move without it (an old page, a hand-made post) is refused in Chinese,
    never applied over a change the user did not see."""
    return forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": VERSION_REQUIRED,
            "invalid": VERSION_INVALID,
            "min_value": VERSION_INVALID,
        },
    )


def refusal_message(
    form, exc: ServiceError, fresh_version: int, *, version_field: str, kept: str = ""
) -> str:
    """A service's refusal of a submitted move form: the error goes on its field when the
    form has one; on a stale version (409) the page shows the object as it is now and the
    form keeps the user's input but carries the current version, so re-submitting after a
    look is deliberate. Returns the message for the page (`kept` is said on a 409)."""
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    if exc.status != 409:
        return exc.message
    data = form.data.copy()
    data[form.add_prefix(version_field)] = str(fresh_version)
    form.data = data
    return f"{exc.message}。页面已更新为最新状态，{kept}请核对后再提交。"
