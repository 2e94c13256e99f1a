"""What the demo's appeals must show (zhitong/demo/appeals.py), checked on the demo city that
`zhitong demo` builds (common/tests/test_demo_command.py): the city `make run` shows, built
once for all the demo's checks instead of a smaller copy per app (CI time, issue 14)."""

from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal, Transition
from zhitong.audit.models import AuditEvent


def check_demo_appeals(now):
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
    assert not appeals.filter(received_at__gt=now).exists()
    assert not Transition.objects.filter(at__gt=now).exists()
    assert appeals.filter(status=Status.CLOSED, close_reason="").count() == 0
