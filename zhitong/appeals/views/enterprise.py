"""The enterprise's own pages of its appeals: the list (我的诉求) and the detail, both read
through enterprise_selectors (the public stages, deadline and timeline), never the
staff's workbench or detail template. The moves (materials complete, the rating) are the
same forms, posted to the same endpoint."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from zhitong.common.forms import search_text

from .. import enterprise_selectors as ent
from .. import selectors

PAGE_SIZE = 20


def enterprise_appeal_list(request):
    """我的诉求: cards with the stage and deadline on top; tabs by stage, each with its count
    (the home page's numbers link here and count the same)."""
    user = request.user
    stage = request.GET.get("stage", "")
    stage = stage if stage in ent.LIST_FILTERS else ""
    q = search_text(request.GET.get("q"))
    counts = ent.enterprise_appeal_counts(user=user, q=q)
    page = Paginator(ent.enterprise_appeals(user=user, stage=stage, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    tabs = [("", _("全部"), counts["all"]), (ent.OPEN, _("在办"), counts[ent.OPEN])]
    # A stage with nothing in it is noise on a phone; the one chosen always shows.
    tabs += [(s.value, s.label, counts[s.value]) for s in ent.Stage if counts[s.value] or s.value == stage]
    context = {
        "page_obj": page,
        "rows": ent.enterprise_rows(page.object_list),
        "tabs": tabs,
        "stage": stage,
        "q": q,
    }
    return TemplateResponse(request, "appeals/enterprise/list.html", context)


def enterprise_detail_context(request, appeal, *, move_forms, failed_orphan) -> dict:
    """The detail as the enterprise sees it: stage and deadline first, the lead unit and its
    published window, the answer once checked, the public timeline, its own moves."""
    user = request.user
    master_visible = bool(appeal.merged_into_id) and bool(
        selectors.appeal_visible_ids(user=user, appeal_ids=[appeal.merged_into_id])
    )
    return {
        "appeal": appeal,
        "stage": ent.stage_of(appeal.status),
        "deadline": ent.enterprise_deadline(appeal),
        "received_unit": ent.unit_public_name(appeal.received_unit),
        "window": ent.lead_unit_window(appeal),
        "answer": ent.enterprise_answer(appeal),
        "timeline": ent.enterprise_timeline(appeal),
        "move_forms": move_forms,
        "move_help": {name: str(text) for name, text in ent.ENTERPRISE_MOVE_HELP.items()},
        "failed_orphan": failed_orphan,
        "duplicates": selectors.appeal_merged_duplicates(user=user, appeal=appeal),
        "master_visible": master_visible,
    }
