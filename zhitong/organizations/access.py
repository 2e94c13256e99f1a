"""The government side's door, checked once for every staff page and API list.

SPEC "Users and roles": an enterprise's registered contact submits appeals for its own
enterprise, follows them, adds material, rates and asks for re-handling — through its own
pages (the enterprise portal, `/e/`, and 我的诉求). The staff's lists (the enterprise library,
the organisation's units, the project library, meetings, tasks, events) are not its door,
even though their rows would be scoped to its own enterprise: the page itself, its filters
and its wording belong to the government side (issue 15, authorization matrix finding F2).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from zhitong.core.errors import Forbidden

from .capabilities import is_government_user

GOVERNMENT_ONLY = "该功能仅向政府工作人员开放。"


def government_page(view):
    """A staff page: signed in (else the sign-in page), and a government account; anyone
    else (an enterprise's contact) is sent to their own home page with a note."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_government_user(request.user):
            messages.info(request, _(GOVERNMENT_ONLY))
            return redirect("home")
        return view(request, *args, **kwargs)

    return wrapper


def require_government(user) -> None:
    """Forbidden (403, `{code: "forbidden"}`) unless `user` is a government account: the API's
    staff lists and tables, asked by an enterprise's token."""
    if not is_government_user(user):
        raise Forbidden(GOVERNMENT_ONLY)
