"""`{% load appeals_home %}{% appeals_home as h %}`: the appeal figures of the signed-in
user's scope for the staff home pages (handler, unit head, hub, clerk), read through the
selectors, so every number matches the workbench list its link opens."""

from django import template
from django.urls import reverse
from django.utils import timezone

from zhitong.appeals import selectors
from zhitong.appeals.choices import OPEN_STATUSES
from zhitong.appeals.views import helpers

register = template.Library()


@register.simple_tag(takes_context=True)
def appeals_home(context, urgent: int = 8, mine: bool = False) -> dict:
    user = context["request"].user
    today = timezone.localdate()
    scoped = selectors.appeal_list_for_user(user=user, today=today)
    lights = selectors.appeal_light_counts(scoped.filter(status__in=OPEN_STATUSES), today)
    listing = selectors.appeal_list_for_user(
        user=user, open_only=not mine, mine=mine, order="received" if mine else "due", today=today
    )
    return {
        "lights": lights,
        "pending": selectors.appeal_pending_counts(scoped, user=user),
        "urgent": list(listing[:urgent]),
        "workbench": reverse("appeals:workbench"),
        "today": today,
        **helpers.page_links(user),
    }
