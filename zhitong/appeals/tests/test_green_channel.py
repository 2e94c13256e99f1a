"""绿色通道 (seeds/004; docs/projects.md "绿色通道"): an appeal linked to a project designated
for the green channel gets the shortened committed handling limit (half, rounded up, by
default: projects/roadmap/rules.py green_channel_days), and the hub may not give it more."""

import pytest

from zhitong.appeals.choices import Channel
from zhitong.appeals.models import Transition
from zhitong.core.errors import ServiceError
from zhitong.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def green_project(city):
    u = city.units
    return Project.objects.create(
        code="P-GREEN",
        name="榕城精密机械厂房扩建项目",
        owner=city.enterprise,
        location=u.glq,
        lead_unit=u.glq,
        green_channel=True,
        green_channel_note="市政府专题会议确定",
    )


def test_an_appeal_of_a_green_channel_project_gets_half_the_committed_limit(flow, city, green_project):
    # The category's committed limit is 15 working days (生产经营): 7.5, rounded up.
    plain = flow.move(flow.intake(), "assign", city.hub)
    green = flow.move(flow.intake(project_id=green_project.pk), "assign", city.hub)
    assert (plain.handling_days, green.handling_days) == (15, 8)
    assert green.handling_due < plain.handling_due
    data = Transition.objects.filter(appeal=green, action="assign").get().data
    assert data["green_channel"] is True and data["handling_days"] == 8


def test_the_mayors_mailbox_limit_is_shortened_too(flow, city, green_project):
    appeal = flow.move(
        flow.intake(project_id=green_project.pk, channel=Channel.MAYOR_MAILBOX), "assign", city.hub
    )
    assert appeal.handling_days == 4  # seeds/003 七: 7 working days, halved and rounded up


def test_the_hub_may_choose_less_but_not_more_than_the_green_channel_limit(flow, city, green_project):
    shorter = flow.move(flow.intake(project_id=green_project.pk), "assign", city.hub, handling_days=5)
    assert shorter.handling_days == 5
    with pytest.raises(ServiceError, match="绿色通道项目，办理时限不得超过8个工作日") as exc:
        flow.move(flow.intake(project_id=green_project.pk), "assign", city.hub, handling_days=10)
    assert exc.value.field == "handling_days"


def test_a_project_without_the_green_channel_keeps_the_full_limit(flow, city, green_project):
    green_project.green_channel = False
    green_project.save(update_fields=["green_channel"])
    appeal = flow.move(flow.intake(project_id=green_project.pk), "assign", city.hub, handling_days=10)
    assert appeal.handling_days == 10


def test_the_share_follows_the_setting(flow, city, green_project, settings):
    settings.ZHITONG_GREEN_CHANNEL_PERCENT = 40
    appeal = flow.move(flow.intake(project_id=green_project.pk), "assign", city.hub)
    assert appeal.handling_days == 6  # 15 × 40% = 6
