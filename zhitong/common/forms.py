"""Form helpers shared by the apps' views."""

from __future__ import annotations

from zhitong.core.errors import ServiceError


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
