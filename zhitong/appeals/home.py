"""Home panel (common.panels protocol): the appeal figures of the signed-in user's scope for
the staff home pages (clerk, handler, unit head, hub). A data-only panel: the role's page
lays out `appeals_home` itself (portal/home_<role>.html).

Every figure is a `HomeCount` whose value is the row count of the very list it links to,
computed by that page's own form and query (`WorkbenchLists`, `triage_section_count`):
a figure and its list cannot drift apart (issue 9: the unit head's "本单位超期" counted what
other units lead). On a unit's page "本单位" means what the unit (and its sections) leads
(`led=1`); what it cooperates on or received has its own figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from zhitong.common.panels import HomeCount, HomePanel
from zhitong.organizations.capabilities import takes_first_inquiry
from zhitong.organizations.choices import Role

from . import selectors
from .choices import Light
from .deadlines import light_meanings
from .views import helpers
from .views.triage import triage_section_count, triage_section_url
from .views.workbench import WorkbenchLists, workbench_url


@dataclass(frozen=True)
class CountGroup:
    """A row of figures under a heading (none: it continues the row above); `legend`:
    explain the lights below it."""

    title: str
    counts: tuple[HomeCount, ...]
    legend: bool = False


def _workbench_figures(user, *, today):
    lists = WorkbenchLists(user, today=today)
    meanings = light_meanings()

    def figure(key: str, label: str, params: dict, *, tone: str = "", light: str = "") -> HomeCount:
        hint = meanings.get(light, "") if light else ""
        return HomeCount(
            label, lists.count(params), lists.url(params), tone=tone, key=key, light=light, hint=hint
        )

    def lights(scope: dict) -> list[HomeCount]:
        return [
            figure("open", _("在办诉求"), scope),
            figure("red", _("红灯 超期"), {**scope, "light": Light.RED}, tone="red", light=Light.RED),
            figure(
                "yellow", _("黄灯 临期"), {**scope, "light": Light.YELLOW}, tone="yellow", light=Light.YELLOW
            ),
            figure("green", _("绿灯 正常"), {**scope, "light": Light.GREEN}, tone="green", light=Light.GREEN),
        ]

    return figure, lights


def _triage(user, key: str, label: str, section: str, *, today, tone: str = "") -> HomeCount:
    return HomeCount(
        label,
        triage_section_count(user, section, today=today),
        triage_section_url(section),
        tone=tone,
        key=key,
    )


def count_groups(user, *, today: date) -> list[CountGroup]:
    """The figures of the user's appeals home page, by role (page layout, not access: every
    figure is read through the user's own scope)."""
    figure, lights = _workbench_figures(user, today=today)
    led = {"led": "1"}
    if user.role == Role.CLERK:
        return [
            CountGroup(
                "",
                (
                    figure("follow", _("我首问跟踪中(待签收前)"), {"pending": "follow"}, tone="yellow"),
                    figure("materials_pending", _("待企业补正材料"), {"status": "materials_pending"}),
                    figure("submitted", _("待分办"), {"status": "submitted"}),
                    figure("red", _("超期"), {"light": Light.RED}, tone="red", light=Light.RED),
                ),
            )
        ]
    if user.role == Role.UNIT_HEAD:
        return [
            CountGroup(
                _("需要我关注"),
                (
                    figure("extension", _("待审批延期申请"), {**led, "pending": "extension"}, tone="yellow"),
                    figure(
                        "red_led",
                        _("本单位超期诉求"),
                        {**led, "light": Light.RED},
                        tone="red",
                        light=Light.RED,
                    ),
                    figure("assigned", _("待签收"), {**led, "status": "assigned"}),
                    figure("problem", _("问题诉求(提级督办)"), {**led, "problem": "on"}),
                    figure("cooperation", _("待本单位配合答复"), {"pending": "cooperation"}),
                ),
            ),
            CountGroup(_("本单位牵头的诉求"), tuple(lights(led))),
            CountGroup(
                "",
                (
                    figure("in_progress", _("办理中"), {**led, "status": "in_progress"}),
                    figure("escalated", _("提请市领导协调"), {**led, "status": "escalated"}),
                    figure("resolved", _("已办结待核验"), {**led, "status": "resolved"}),
                ),
                legend=True,
            ),
        ]
    if user.role == Role.HUB:
        return [
            CountGroup(
                _("待我处理"),
                (
                    _triage(user, "submitted", _("待分办"), "submitted", today=today, tone="yellow"),
                    _triage(user, "transfer_requested", _("退回待改派"), "transfer", today=today, tone="red"),
                    _triage(user, "resolved", _("已办结待核验"), "resolved", today=today),
                    figure("problem", _("问题诉求(提级督办)"), {"problem": "on"}),
                    figure("exemption", _("不纳入考核待审批"), {"pending": "exemption", "status": "all"}),
                ),
            ),
            CountGroup(_("全市在办诉求"), tuple(lights({}))),
            CountGroup(
                "",
                (
                    figure("materials_pending", _("待补正材料"), {"status": "materials_pending"}),
                    figure("assigned", _("待签收"), {"status": "assigned"}),
                    figure("in_progress", _("办理中"), {"status": "in_progress"}),
                    figure("escalated", _("提请市领导协调"), {"status": "escalated"}),
                    figure("verified", _("待企业评价"), {"status": "verified"}),
                ),
                legend=True,
            ),
        ]
    # A handler (and any other first-inquiry taker): the unit's own appeals, then the to-dos.
    return [
        CountGroup(_("本单位牵头的诉求"), tuple(lights(led)), legend=True),
        CountGroup(
            _("待办"),
            (
                figure("assigned", _("待签收（1个工作日内）"), {**led, "status": "assigned"}, tone="yellow"),
                figure("in_progress", _("办理中"), {**led, "status": "in_progress"}),
                figure("cooperation", _("待我单位配合答复"), {"pending": "cooperation"}),
                figure("extension", _("延期待审批"), {**led, "pending": "extension"}),
                figure("follow", _("我首问跟踪中"), {"pending": "follow"}),
            ),
        ),
    ]


def appeals_figures(user, *, today: date, urgent: int = 8, mine: bool = False) -> dict:
    """The figures of the user's home page and the most urgent appeals (`mine`: the ones
    they registered, newest first, instead of the open ones by due date)."""
    listing = selectors.appeal_list_for_user(
        user=user, open_only=not mine, mine=mine, order="received" if mine else "due", today=today
    )
    groups = count_groups(user, today=today)
    return {
        "groups": groups,
        "counts": tuple(c for g in groups for c in g.counts),
        "light_meanings": light_meanings(),
        # Two queries: the ids (narrow, in the list's order), then their rows.
        "urgent": selectors.appeal_rows(
            selectors.appeal_page_ids(listing, offset=0, limit=urgent), today=today
        ),
        "workbench": workbench_url(),
        "today": today,
        **helpers.page_links(user),
    }


def home_panels(user, *, today: date) -> list[HomePanel]:
    if not takes_first_inquiry(user):
        return []
    # Page layout, not access: the clerk's page follows what the clerk registered.
    clerk = user.role == Role.CLERK
    figures = appeals_figures(user, today=today, urgent=10 if clerk else 8, mine=clerk)
    return [HomePanel(title=_("诉求"), context={"appeals_home": figures}, order=20, counts=figures["counts"])]
