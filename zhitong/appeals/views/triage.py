"""The hub's triage queue (分办队列): appeals waiting to be routed, objections to settle,
resolutions to verify and problem appeals (提级督办), each with the lead unit the routing
rules suggest."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhitong.core.errors import AccessDenied

from .. import counters, selectors
from ..forms import MoveChoices, move_form
from ..machine import MOVES, available_moves
from ..routing import routing_suggestions
from .helpers import CountedPaginator

SECTIONS = [
    ("submitted", gettext_lazy("待分办"), gettext_lazy("受理后待确定牵头单位的诉求")),
    ("transfer", gettext_lazy("退回待改派"), gettext_lazy("牵头单位认为不属本单位职责、已退回的诉求")),
    ("resolved", gettext_lazy("待核验"), gettext_lazy("牵头单位已办结、待核验办理结果的诉求")),
    ("problem", gettext_lazy("问题诉求(提级督办)"), gettext_lazy("流转3个及以上单位或重办3次及以上的诉求")),
]
PAGE_SIZE = 30


def triage_section_url(section: str) -> str:
    return f"{reverse('appeals:triage')}?{urlencode({'section': section})}"


def triage_section_count(user, section: str, *, today=None) -> int:
    """How many rows the queue lists in `section` for `user` — the page's own query, for the
    hub's home page."""
    return triage_counts(user, today=today or timezone.localdate())[section]


def triage_counts(user, *, today) -> dict[str, int]:
    """Every section's length in one aggregate over the queue, cached under
    counters.py's freshness rule (the page's tabs and the hub's home figures)."""
    queue = selectors.triage_queue(user=user, today=today)
    return counters.cached_count(
        user,
        "triage",
        {},
        lambda: queue.order_by().aggregate(
            **{key: Count("id", filter=selectors.triage_section_q(key)) for key, *_ in SECTIONS}
        ),
        today=today,
    )


@login_required
def triage(request):
    user = request.user
    try:
        queue = selectors.triage_queue(user=user)
    except AccessDenied:
        raise PermissionDenied(_("分办队列仅供统筹协调专员使用"))
    today = timezone.localdate()
    counts = triage_counts(user, today=today)
    section = request.GET.get("section") or next((k for k, *_ in SECTIONS if counts[k]), "submitted")
    if section not in counts:
        section = "submitted"
    listed = queue.filter(selectors.triage_section_q(section))
    page = CountedPaginator(listed, PAGE_SIZE, count=counts[section]).get_page(request.GET.get("page"))
    ids = selectors.appeal_page_ids(listed, offset=(page.number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    page.object_list = appeals = selectors.appeal_rows(ids, today=today)

    choices = MoveChoices(user=user)
    objections = selectors.appeal_latest_objections(a.pk for a in appeals) if section == "transfer" else {}
    # The rules are read once for the whole page, however many rows.
    suggestions = routing_suggestions(appeals)
    rows = []
    for appeal in appeals:
        suggestion = suggestions[appeal.pk]
        moves = {m.name for m in available_moves(user, appeal, today=today)}
        forms = {}
        for name in ("assign", "settle_transfer", "verify"):
            if name in moves:
                forms[name] = move_form(
                    MOVES[name],
                    appeal=appeal,
                    user=user,
                    choices=choices,
                    initial={"lead_unit_id": suggestion.unit.pk} if suggestion and name != "verify" else None,
                    auto_id=f"id_{appeal.pk}_%s",
                )
        rows.append(
            {
                "appeal": appeal,
                "suggestion": suggestion,
                "forms": forms,
                "objection": objections.get(appeal.pk, ""),
                "light": selectors.appeal_light(appeal, today),
            }
        )
    context = {
        "sections": [(key, label, help_text, counts[key]) for key, label, help_text in SECTIONS],
        "section": section,
        "section_label": dict((k, label) for k, label, _ in SECTIONS)[section],
        "page_obj": page,
        "rows": rows,
        "today": today,
    }
    return TemplateResponse(request, "appeals/triage.html", context)
