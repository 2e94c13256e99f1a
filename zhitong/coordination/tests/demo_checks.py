"""What the demo's coordination year must show (zhitong/demo/coordination.py), checked on the
demo city that `zhitong demo` builds (common/tests/test_demo_command.py), once for all the
demo's checks (CI time, issue 14)."""

from datetime import date, datetime

from django.utils import timezone

from zhitong.appeals.models import Transition
from zhitong.coordination.choices import (
    BatchStatus,
    CertificationStatus,
    EventKind,
    EventStatus,
    TaskStatus,
)
from zhitong.coordination.models import (
    CoordinationFact,
    EscalationBatch,
    Event,
    FactCertification,
    Meeting,
    MeetingItem,
    Task,
    TaskReport,
)
from zhitong.projects.models import Project, ProjectStage


def check_demo_coordination(now):
    # Batches: submitted ones, and the latest closed one still under review.
    statuses = set(EscalationBatch.objects.values_list("status", flat=True))
    assert {BatchStatus.SUBMITTED, BatchStatus.UNDER_REVIEW} <= statuses
    # seeds/004 绵阳: every project in construction is coordinated in every past month (a
    # project may raise its first problem a month into the window; from then on, monthly).
    in_construction = set(
        Project.objects.filter(stage=ProjectStage.CONSTRUCTION).values_list("pk", flat=True)
    )
    for month in (date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)):
        start = timezone.make_aware(datetime(month.year, month.month, 1))
        end = timezone.make_aware(datetime(month.year + month.month // 12, month.month % 12 + 1, 1))
        coordinated = set(
            MeetingItem.objects.filter(meeting__held_at__gte=start, meeting__held_at__lt=end).values_list(
                "appeal__project_id", flat=True
            )
        )
        assert in_construction <= coordinated, month
    # Four quarterly events, the latest in progress, and regular ones.
    quarterly = list(Event.objects.filter(kind=EventKind.QUARTERLY).order_by("scheduled_at"))
    assert len(quarterly) == 4
    assert quarterly[-1].status == EventStatus.VERIFYING
    assert quarterly[0].status in (EventStatus.CLOSED, EventStatus.ASSIGNED)
    assert Event.objects.exclude(kind=EventKind.QUARTERLY).exists()
    assert Event.objects.filter(status=EventStatus.CATALOG_SUBMITTED).exists()
    # Tasks in every state; nothing dated after "now".
    assert set(Task.objects.values_list("status", flat=True)) == set(TaskStatus.values)
    assert not TaskReport.objects.filter(at__gt=now).exists()
    assert not Transition.objects.filter(at__gt=now).exists()
    assert not Task.objects.filter(assigned_at__gt=now).exists()
    assert Meeting.objects.filter(held_at__gt=now, items__opinion_at__isnull=False).count() == 0
    assert CoordinationFact.objects.exists()
    # seeds/000 五(二)1: the counties' months are certified by the hub, the last ended one
    # (February) left waiting; their facts count once certified.
    certified = dict(FactCertification.objects.values_list("month", "status").distinct())
    assert certified[date(2026, 1, 1)] == CertificationStatus.CERTIFIED
    assert certified[date(2026, 2, 1)] == CertificationStatus.PENDING
    assert CoordinationFact.objects.counted().filter(needs_certification=True).exists()
    assert not FactCertification.objects.filter(certified_at__gt=now).exists()
