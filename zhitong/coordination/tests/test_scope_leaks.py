"""No appeal leaks through coordination (issue 8): the candidates offered for an event's
catalog and the appeals put on a meeting's agenda by code are read through the appeals
app's scope; an appeal out of the user's sight is answered like one that does not exist."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.appeals.choices import Status
from zhitong.coordination import selectors, services
from zhitong.coordination.choices import EventKind
from zhitong.coordination.models import MeetingItem
from zhitong.core.errors import AccessDenied

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(city):
    """A meeting convened by leader2, whose portfolio (FGW, ZRJ, GLQ) does not hold GXJ."""
    return services.meeting_create(
        actor=city.hub,
        title="重点项目推进协调会",
        convener=city.leader2,
        held_at=at(2025, 9, 20, 15),
        place="市政府第一会议室",
        unit_ids=[city.units.glq.pk],
        now=at(2025, 9, 12),
    )


def test_event_candidates_are_only_appeals_the_user_may_see(city, scene):
    gxj = scene.appeal(status=Status.SUBMITTED)
    swj = scene.appeal(lead=city.units.swj, title="外贸企业出口退税办理慢")
    event = services.event_create(
        actor=city.hub_gxj,
        title="面对面活动",
        kind=EventKind.QUARTERLY,
        scheduled_at=at(2025, 10, 13, 15),
        chair=city.mayor,
        deputy=city.leader,
        place="市民服务中心",
        now=at(2025, 9, 15),
    )
    assert set(selectors.open_appeals_for_event(user=city.hub_gxj, event=event)) == {gxj, swj}
    assert list(selectors.open_appeals_for_event(user=city.outsider, event=event)) == [swj]
    assert list(selectors.open_appeals_for_event(user=city.glq_handler, event=event)) == []


def test_a_code_out_of_the_conveners_sight_is_answered_as_unknown_on_the_page(city, scene, meeting):
    appeal = scene.appeal()  # led by GXJ: not in leader2's portfolio
    c = Client()
    c.force_login(city.leader2)
    response = c.post(reverse("coordination:meeting_add_items", args=[meeting.pk]), {"codes": appeal.code})
    assert response.status_code == 302
    page = c.get(response["Location"]).content.decode()
    assert "部分诉求编号不存在" in page and appeal.title not in page
    assert not MeetingItem.objects.exists()
    assert not appeal.transitions.filter(action__startswith="coordination.").exists()


def test_an_appeal_out_of_the_conveners_sight_is_404_through_the_api(city, scene, meeting):
    appeal = scene.appeal()
    _, raw = ApiToken.issue(user=city.leader2, name="t")
    r = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        f"/api/v1/coordination/meetings/{meeting.pk}/items",
        json.dumps({"appeal_ids": [appeal.pk]}),
        content_type="application/json",
    )
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    assert not MeetingItem.objects.exists()


def test_the_services_refuse_an_appeal_out_of_the_actors_sight(city, scene, meeting):
    appeal = scene.appeal()
    with pytest.raises(AccessDenied):
        services.meeting_add_items(actor=city.leader2, meeting_id=meeting.pk, appeal_ids=[appeal.pk])
    assert selectors.appeal_ids_by_codes(user=city.leader2, codes=[appeal.code]) == []
    assert selectors.appeal_ids_by_codes(user=city.hub, codes=[appeal.code]) == [appeal.pk]


def test_the_hub_puts_any_appeal_on_the_agenda(city, scene, meeting):
    appeal = scene.appeal()
    (item,) = services.meeting_add_items(actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk])
    assert item.appeal == appeal
