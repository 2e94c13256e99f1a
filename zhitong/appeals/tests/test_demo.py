import random
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal, Transition
from zhitong.audit.models import AuditEvent
from zhitong.demo import DemoContext
from zhitong.demo import appeals as demo

pytestmark = [pytest.mark.demo, pytest.mark.django_db]


def test_demo_appeals_are_driven_through_the_services(monkeypatch, settings, tmp_path):
    from zhitong.demo import enterprises as enterprises_demo
    from zhitong.demo import organizations as organizations_demo
    from zhitong.demo import projects as projects_demo

    settings.MEDIA_ROOT = tmp_path
    today = date(2026, 3, 16)
    ctx = DemoContext(
        today=today,
        now=timezone.make_aware(datetime.combine(today, time(17, 30))),
        rng=random.Random(7),
        log=lambda msg: None,
    )
    for module in (organizations_demo, enterprises_demo, projects_demo):
        module.build(ctx)
    monkeypatch.setattr(demo, "APPEAL_COUNT", 80)
    demo.build(ctx)

    appeals = Appeal.objects.all()
    assert appeals.count() >= 80
    statuses = set(appeals.values_list("status", flat=True))
    assert {Status.CLOSED, Status.IN_PROGRESS, Status.MERGED} <= statuses
    assert len(statuses) >= 6
    # Every appeal has its intake on the timeline and its moves in the audit log.
    assert Transition.objects.filter(action="intake").count() == appeals.count()
    assert (
        AuditEvent.objects.filter(action="appeal.sign").count()
        == Transition.objects.filter(action="sign").count()
    )
    assert not appeals.filter(received_at__gt=ctx.now).exists()
    assert not Transition.objects.filter(at__gt=ctx.now).exists()
    assert appeals.filter(status=Status.CLOSED, close_reason="").count() == 0
