"""`zhitong generate --scale tiny` on the test database (SQLite, and PostgreSQL when the
suite runs there): the status mix of a working city, deadlines the calendar rule agrees
with, a chain that verifies, and pages that render on the data."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from zhitong.appeals import deadlines
from zhitong.appeals.choices import OPEN_STATUSES, Status
from zhitong.appeals.models import Appeal, AppealEvidence, Cooperation, Transition
from zhitong.audit.models import AuditEvent
from zhitong.audit.services import audit_verify
from zhitong.bench.generate import SCALES, generate
from zhitong.bench.generate.calendar import FastCalendar
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User
from zhitong.workdays.services import add_workdays, subtract_workdays

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_generate_tiny(client):
    """One generation (tens of seconds on this shared box), every check on it."""
    generate(scale=SCALES["tiny"], seed=7, years=3)
    check_status_mix()
    check_received_on_working_days_in_office_hours()
    check_deadlines_follow_the_calendar_rule()
    check_the_audit_chain_verifies()
    check_pages_render_on_the_data(client)
    check_month_close_accepts_the_data()
    check_the_scorecard_bench_leaves_the_data_as_it_was()


def check_status_mix():
    total = Appeal.objects.count()
    assert total == SCALES["tiny"].appeals
    closed = Appeal.objects.filter(status=Status.CLOSED).count()
    open_ = Appeal.objects.filter(status__in=OPEN_STATUSES).count()
    assert closed / total > 0.85  # most closed …
    assert 0.005 < open_ / total < 0.10  # … a few percent open
    rated = Appeal.objects.filter(status=Status.CLOSED, rating__isnull=False).count()
    assert rated / closed > 0.8
    today = timezone.localdate()
    assert Appeal.objects.filter(deadlines.light_q("red", today)).exists()  # some overdue
    assert Appeal.objects.filter(is_problem=True).exists()  # some escalated
    # Skewed over units: the busiest lead unit carries several times the median one.
    per_unit = sorted(
        Appeal.objects.exclude(lead_unit=None)
        .values_list("lead_unit")
        .annotate(n=models_count())
        .values_list("n", flat=True)
    )
    assert per_unit[-1] > 3 * per_unit[len(per_unit) // 2]
    # A rating names the unit it rates, as closing.rate records it (the satisfaction rate
    # counts it there): the appeal's lead unit.
    ratings = Transition.objects.filter(action="rate").values_list("data", "appeal__lead_unit_id")
    assert ratings and all(data["lead_unit_id"] == lead and "rating_label" in data for data, lead in ratings)
    # Full timelines beside the appeals.
    assert Transition.objects.count() > 4 * total
    assert Cooperation.objects.exists() and AppealEvidence.objects.exists()


def models_count():
    from django.db.models import Count

    return Count("id")


def check_received_on_working_days_in_office_hours():
    for received in Appeal.objects.values_list("received_at", flat=True)[:500]:
        local = timezone.localtime(received)
        assert 8 <= local.hour < 18
        assert subtract_workdays(add_workdays(local.date(), 1).date, 1).date == local.date()  # a working day


def check_deadlines_follow_the_calendar_rule():
    # Every stored clock is what the services' own recompute gives …
    for appeal in Appeal.objects.select_related("category"):
        assert deadlines.recompute(appeal) == [], appeal.code
        if appeal.handling_days and appeal.materials_completed_on and appeal.units_passed == 1:
            due, legal = deadlines.handling_dues_for(
                base=appeal.materials_completed_on,
                days=appeal.handling_days,
                category=appeal.category,
                channel=appeal.channel,
            )
            assert (appeal.handling_due, appeal.legal_due) == (due, legal)


def check_the_scorecard_bench_leaves_the_data_as_it_was():
    from zhitong.assessment.models import AssessmentMonth
    from zhitong.bench.sections import scorecard

    closed = set(AssessmentMonth.objects.filter(status="closed").values_list("month", flat=True))
    events = AuditEvent.objects.count()
    rows = scorecard.run(runs=1)
    names = [r.name for r in rows]
    assert names[0].endswith("cold") and names[-1].endswith("running")
    # The three months before the last are closed, except one already closed (by the check
    # above, when it is one of them): never closed twice.
    assert all(n.startswith("month close") for n in names[1:-1])
    assert len(names) - 2 == 3 - len(closed & set(scorecard.months_before(scorecard.last_month())))
    assert all(r.median is not None and r.median > 0 for r in rows)
    assert rows[0].ratio is not None and rows[0].queries > 0
    # The three month closes were rolled back.
    assert set(AssessmentMonth.objects.filter(status="closed").values_list("month", flat=True)) == closed
    assert AuditEvent.objects.count() == events


def test_fast_calendar_gives_the_calendars_dates(db):
    start = date(2025, 1, 1)
    cal = FastCalendar(start - timedelta(days=40), date(2027, 12, 31))
    for offset in range(0, 400, 7):
        d = start + timedelta(days=offset)
        for n in (0, 1, 2, 5, 15):
            assert cal.add(d, n) == add_workdays(d, n).date
            assert cal.subtract(d, n) == subtract_workdays(d, n).date


def check_the_audit_chain_verifies():
    result = audit_verify()
    assert result.ok, str(result)
    assert result.count > Appeal.objects.count()


def check_pages_render_on_the_data(client):
    hub = User.objects.filter(role=Role.HUB, is_active=True).first()
    client.force_login(hub)
    appeal = Appeal.objects.filter(status=Status.IN_PROGRESS).first()
    for url in ("/", "/appeals/", f"/appeals/{appeal.pk}/", "/appeals/?q=%E9%81%93%E8%B7%AF"):
        assert client.get(url).status_code == 200, url
    handler = User.objects.get(pk=appeal.handler_id)
    client.force_login(handler)
    assert client.get(f"/appeals/{appeal.pk}/").status_code == 200


def check_month_close_accepts_the_data():
    from zhitong.assessment.services import month_close_by_label

    today = timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    closed = month_close_by_label(actor=None, month=month)
    assert closed.status == "closed"
    assert audit_verify().ok
