"""Pages of coordination meetings (协调会) and Annex 3."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhitong.common.forms import id_or_none, ids_from
from zhitong.common.pages import month_param
from zhitong.common.transitions import state_changes
from zhitong.core.downloads import XLSX, download, file_download, file_name, month_cn
from zhitong.organizations.access import government_page
from zhitong.organizations.capabilities import is_city_leader, sees_whole_city

from .. import permissions, selectors, services
from ..documents.annex import annex3_county_title, annex3_xlsx
from ..forms import MeetingForm, MeetingItemsForm, unit_choices
from ..machines.meetings import MANAGERS, MEETING
from ._common import (
    create_view,
    get_or_404,
    history_rows,
    invalid,
    move_forms,
    move_view,
    perform,
    today,
)


@government_page
def meeting_list(request):
    mine = request.GET.get("mine") == "1"
    meetings = selectors.meetings_listed(user=request.user, mine=mine)
    return TemplateResponse(
        request,
        "coordination/meeting_list.html",
        {
            "meetings": meetings[:200],
            "total": meetings.count(),
            "mine": mine,
            "can_create": permissions.can_create_meeting(request.user),
            "now": timezone.now(),
            "uncovered": list(selectors.projects_not_coordinated(month=today().replace(day=1)))
            if sees_whole_city(request.user)
            else [],
        },
    )


@login_required
def meeting_create(request):
    if not permissions.can_create_meeting(request.user):
        raise PermissionDenied
    initial = {"convener": request.user.pk} if is_city_leader(request.user) else {}
    return create_view(
        request,
        MeetingForm(request.POST or None, initial=initial),
        create=lambda d: services.meeting_create(
            actor=request.user,
            title=d["title"],
            convener=d["convener"],
            held_at=d["held_at"],
            place=d["place"],
            unit_ids=[u.pk for u in d["units"]],
        ),
        template="coordination/meeting_form.html",
        detail="coordination:meeting_detail",
        success=_("协调会已安排"),
    )


@login_required
def meeting_detail(request, pk):
    meeting = get_or_404(selectors.meeting_get_for_user, user=request.user, meeting_id=pk)
    items = list(selectors.meeting_items(meeting))
    now_day = today()
    moves = move_forms(
        MEETING, request.user, meeting, url="coordination:meeting_move", arg=meeting.pk, today=now_day
    )
    # The opinion is a move of the meeting made once per agenda item: its form goes with
    # each item still without one, the others stay at the top.
    opinion = next((m for m in moves if m.move.name == "opinion"), None)
    for item in items:
        item.task_list = list(item.tasks.all())
    return TemplateResponse(
        request,
        "coordination/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "moves": [m for m in moves if m is not opinion],
            "opinion": opinion,
            "can_manage": MEETING.relations_of(request.user, meeting) & MANAGERS,
            "candidates": list(selectors.meeting_candidates(meeting=meeting))
            if MEETING.relations_of(request.user, meeting) & MANAGERS
            else [],
            "history": history_rows(MEETING, state_changes(meeting)),
            "choices": {"units": unit_choices()},
            "today": now_day,
        },
    )


@login_required
@require_POST
def meeting_move(request, pk, name):
    meeting = get_or_404(selectors.meeting_get_for_user, user=request.user, meeting_id=pk)
    back = reverse("coordination:meeting_detail", args=[meeting.pk])
    item_id = id_or_none(request.POST.get("item_id", ""))
    if item_id is not None:
        back += f"#item-{item_id}"
    return move_view(request, MEETING, pk=meeting.pk, name=name, back=back)


@login_required
@require_POST
def meeting_add_items(request, pk):
    meeting = get_or_404(selectors.meeting_get_for_user, user=request.user, meeting_id=pk)
    back = reverse("coordination:meeting_detail", args=[meeting.pk])
    form = MeetingItemsForm(request.POST)
    if not form.is_valid():
        return invalid(request, back, form)
    escalation_ids = ids_from(request.POST.getlist("escalation_ids"))
    codes = form.codes_list()
    appeal_ids = selectors.appeal_ids_by_codes(user=request.user, codes=codes)
    if codes and len(appeal_ids) != len(set(codes)):
        messages.error(request, _("部分诉求编号不存在，请核对"))
        return redirect(back)
    if not escalation_ids and not appeal_ids:
        messages.error(request, _("请选择申报事项或填写诉求编号"))
        return redirect(back)
    return perform(
        request,
        back,
        lambda: services.meeting_add_items(
            actor=request.user, meeting_id=meeting.pk, escalation_ids=escalation_ids, appeal_ids=appeal_ids
        ),
        _("已列入议题"),
    )


@login_required
@require_POST
def meeting_remove_item(request, pk):
    item = get_or_404(selectors.meeting_item_get_for_user, user=request.user, item_id=pk)
    return perform(
        request,
        reverse("coordination:meeting_detail", args=[item.meeting_id]),
        lambda: services.meeting_remove_item(actor=request.user, item_id=item.pk),
        _("已移除议题"),
    )


@login_required
def meeting_minutes_file(request, pk):
    meeting = get_or_404(selectors.meeting_get_for_user, user=request.user, meeting_id=pk)
    if not meeting.minutes:
        raise Http404
    ext = (meeting.minutes_name or meeting.minutes.name).rpartition(".")[2].lower()
    held = timezone.localdate(meeting.held_at)
    return file_download(
        meeting.minutes.open("rb"),
        name=file_name("会议纪要", meeting.title, f"{held.year}年{held.month}月{held.day}日", ext=ext),
        fallback=f"minutes-{meeting.pk}-{held:%Y-%m-%d}.{ext}",
    )


@login_required
def annex3(request):
    # Who reads which unit's Annex 3: permissions.annex3_units, as the API asks.
    if not permissions.can_read_annex3(request.user):
        raise PermissionDenied
    units = permissions.annex3_units(request.user)
    unit = permissions.annex3_unit(request.user, request.GET.get("unit"), units=units)
    if unit is None:
        raise Http404
    month = month_param(request.GET.get("month"), today().replace(day=1))
    if request.GET.get("format") == "xlsx":
        # The city's form (seeds/000 附件3): in Chinese whatever the page language.
        with translation.override(settings.LANGUAGE_CODE):
            rows = selectors.annex3_rows(unit=unit, month=month)
            county_rows = selectors.annex3_rows(unit=unit, month=month, section=selectors.ANNEX3_COUNTY)
            county = selectors.annex3_has_county_table(unit, county_rows)
            content = annex3_xlsx(
                month=month, unit_name=unit.name, rows=rows, county_rows=county_rows if county else None
            )
        return download(
            content,
            name=file_name("附件3", unit.display_name, month_cn(month), ext="xlsx"),
            fallback=f"annex3-{unit.code}-{month:%Y-%m}.xlsx",
            content_type=XLSX,
        )
    rows = selectors.annex3_rows(unit=unit, month=month)
    county_rows = selectors.annex3_rows(unit=unit, month=month, section=selectors.ANNEX3_COUNTY)
    county = selectors.annex3_has_county_table(unit, county_rows)
    return TemplateResponse(
        request,
        "coordination/annex3.html",
        {
            "units": units,
            "unit": unit,
            "month": month,
            "rows": rows,
            "county": county,
            "county_title": annex3_county_title(unit.name),
            "county_rows": county_rows,
        },
    )
